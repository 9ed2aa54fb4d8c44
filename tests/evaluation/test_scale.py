"""Results for 1,600 projects and 8,000 submitted sheets: a constant handful of queries, fast."""

import random
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from evaluation import selectors, services
from evaluation.models import Assignment, CommissionMember, ExpertGroup, Score, ScoreSheet, SheetStatus
from marathon.models import User
from projects.models import Project, ProjectStatus, Team
from tests.factories import ScientificAreaFactory, UserFactory

from .factories import CriterionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_compute_results_for_1600_projects_and_8000_sheets(commission, edition):
    rng = random.Random(3)
    criteria = [CriterionFactory(edition=edition, weight=w) for w in (3, 2, 2, 2, 1)]
    area, proposer = ScientificAreaFactory(), UserFactory(status=User.Status.PROFESSOR)
    projects = Project.objects.bulk_create([
        Project(edition=edition, area=area, title=f"P{i:04d}", summary="s", proposer=proposer,
                team_size_min=2, team_size_max=5, status=ProjectStatus.APPROVED) for i in range(1600)])
    Team.objects.bulk_create([Team(project=p, edition=edition, name=p.title, capacity=5) for p in projects])
    groups = list(ExpertGroup)
    experts = [UserFactory.build(email=f"x{i}@example.org", university=None, country="") for i in range(80)]
    User.objects.bulk_create(experts)
    members = CommissionMember.objects.bulk_create([
        CommissionMember(commission=commission, user=u, group=groups[i % 5]) for i, u in enumerate(experts)])
    assignments = Assignment.objects.bulk_create([
        Assignment(member=m, project=p) for p in projects for m in rng.sample(members, 5)])
    now = timezone.now()
    sheets = ScoreSheet.objects.bulk_create([
        ScoreSheet(assignment=a, status=SheetStatus.SUBMITTED, submitted_at=now, feedback="ok") for a in assignments])
    Score.objects.bulk_create([Score(sheet=s, criterion=c, value=rng.randint(1, 5), scale_min=1, scale_max=5)
                               for s in sheets for c in criteria])

    # Rows written in bulk have no stored weighted score: the results score them from their values.
    with CaptureQueriesContext(connection) as queries:
        unmaterialised = selectors.compute_results(commission)
    assert len(queries) == 5
    services.rebuild_results_aggregates(commission=commission)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        results = selectors.compute_results(commission)
    elapsed = time.perf_counter() - started
    assert len(results["projects"]) == 1600
    assert results["agreement"]["sheets"] == 8000
    assert results["projects"] == unmaterialised["projects"]
    assert len(queries) == 4  # criteria, counted sheets, projects, per-criterion sums
    assert elapsed < 3, elapsed  # about 0.15-0.25 s on the 2-core dev machine (README)

    selectors.live_results(commission)
    with CaptureQueriesContext(connection) as queries:
        assert selectors.live_results(commission)["projects"] == results["projects"]
    assert len(queries) == 1  # the results version; the table itself comes from the cache
