"""The scale generator's workspace rows, and the office's at-risk dashboard over 1,600 teams."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marathon.models import User
from marathon.scale import generate
from projects.models import Project, ProjectStatus, Team
from tests.factories import ScientificAreaFactory, UserFactory
from workspace import selectors
from workspace.models import JournalEntry, Milestone, ProgressReport

pytestmark = pytest.mark.django_db


def test_scale_data_has_workspaces_with_valid_chains():
    ctx = generate(scale=1, seed=4)
    assert ctx.counts["journal_entries"] == JournalEntry.objects.count() > 0
    assert ctx.counts["workspace_milestones"] == Milestone.objects.count() > 0
    assert ctx.counts["progress_reports"] == ProgressReport.objects.count() > 0
    team = Team.objects.filter(journal_entries__status="signed").first()
    assert selectors.verify_chain(team).ok is True


@pytest.mark.slow
def test_at_risk_dashboard_of_1600_teams_is_two_queries(edition, office):
    area, proposer = ScientificAreaFactory(), UserFactory(status=User.Status.PROFESSOR)
    projects = Project.objects.bulk_create([
        Project(edition=edition, area=area, title=f"P{i:04d}", summary="s", proposer=proposer,
                team_size_min=2, team_size_max=5, status=ProjectStatus.APPROVED) for i in range(1600)])
    teams = Team.objects.bulk_create([Team(project=p, edition=edition, name=p.title, capacity=5) for p in projects])
    Milestone.objects.bulk_create([Milestone(team=t, title="M", due_date=edition.research_start)
                                   for t in teams[::7]])
    with CaptureQueriesContext(connection) as queries:
        rows = selectors.team_risks(edition, user=office)
    page = selectors.teams_at_risk(rows)[:25]
    counts = selectors.risk_counts(rows)
    assert len(page) == 25
    assert counts["teams"] == 1600 and counts["overdue"] == len(teams[::7])
    assert len(queries) == 2  # the edition's settings, every team's row
