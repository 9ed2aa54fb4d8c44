from datetime import timedelta
from io import StringIO

import pytest
from django.utils import timezone

from marathon import demo as core_demo
from projects import demo as projects_demo
from workspace import demo, periods, selectors, services
from workspace.models import JournalEntry, Milestone, ProgressReport

from .helpers import milestone

pytestmark = pytest.mark.django_db


def test_demo_gives_past_teams_a_finished_verifiable_record_idempotently():
    core_demo.seed(StringIO())
    projects_demo.seed(StringIO())
    for _ in range(2):
        demo.seed(StringIO())
    entries = JournalEntry.objects.select_related("team__edition")
    assert entries.count() > 0 and entries.count() % 5 == 0
    assert all(e.team.edition.research_start <= e.signed_at.date() <= e.team.edition.research_end for e in entries)
    assert set(Milestone.objects.values_list("status", flat=True)) == {"done"}
    assert set(ProgressReport.objects.values_list("status", flat=True)) == {"approved"}
    team = entries.first().team
    assert selectors.verify_chain(team).ok is True


def test_research_phase_cards_for_student_and_supervisor(login, team, member, supervisor):
    assert "Progress report due" in login(member).get("/").content.decode()
    milestone(team, member, start_date=timezone.localdate() - timedelta(days=9),
              due_date=timezone.localdate() - timedelta(days=1))
    assert "1 milestone of your team is overdue." in login(member).get("/").content.decode()
    start = periods.current_period(team.edition, "monthly", timezone.localdate()).start
    report = services.start_report(team=team, actor=member, period_start=start)
    services.update_report(report=report, actor=member, data={"done": "x"})
    services.submit_report(report=report, actor=member)
    assert "1 progress report waits for your review." in login(supervisor).get("/").content.decode()
