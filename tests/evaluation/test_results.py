"""Publishing, frozen snapshots, what teams see, reminders and exports."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from evaluation import exports, selectors, services
from evaluation.models import ReminderLog, ResultSnapshot
from evaluation.tasks import send_deadline_reminders_task
from marathon.exceptions import RuleViolation
from marathon.models import AuditEntry, Notification
from projects.models import MembershipRole
from tests.factories import MembershipFactory

from .helpers import deadline_in, full_scores, publish

pytestmark = pytest.mark.django_db


def test_compute_results_numbers(commission, scored):
    results = selectors.compute_results(commission)
    alpha, beta = results["projects"]
    assert alpha["title"] == "Alpha" and alpha["official_rank"] == 1
    # Both experts: z = +1 on Alpha, -1 on Beta. M = 43.75, S = sqrt(1367.1875) = 36.975.
    assert alpha["scores"] == {"mean": 75.0, "median": 75.0, "normalised": 80.73, "group_balanced": 75.0}
    assert (alpha["min"], alpha["max"], alpha["spread"], alpha["disagreement_flag"]) == (50.0, 100.0, 50.0, True)
    assert (beta["scores"]["mean"], beta["scores"]["normalised"]) == (12.5, 6.77)
    # MSB = 3906.25, MSW = 1562.5 / 2 = 781.25, k0 = 2: ICC(1) = 3125 / 4687.5
    assert results["agreement"]["icc1"] == pytest.approx(2 / 3)
    crit = str(results["criteria"][0]["id"])
    assert alpha["criteria"][crit] == 4.0
    assert alpha["feedback"] == ["Feedback 0 on Alpha", "Feedback 1 on Alpha"]


def test_conflicted_sheet_does_not_count(commission, scored):
    expert = scored["experts"][1]
    services.declare_conflict(member=expert, project=scored["a"], reason="Found out late.", actor=expert.user)
    alpha = selectors.compute_results(commission)["projects"][0]
    assert (alpha["title"], alpha["sheets"], alpha["scores"]["mean"]) == ("Alpha", 1, 100.0)


def test_counted_rows_are_the_counted_sheets_of_that_commission(commission, scored):
    """The statement built once per process (`_counted_rows`) reads what `counted_sheets` reads,
    with the commission's id put in its place (another id: no rows)."""
    expert = scored["experts"][1]
    services.declare_conflict(member=expert, project=scored["a"], reason="Found out late.", actor=expert.user)
    columns = ("pk", "assignment__member_id", "assignment__project_id", "assignment__member__group",
               "weighted_score")
    expected = list(selectors.counted_sheets(commission).values_list(*columns, "feedback"))
    assert len(expected) == 3
    assert selectors._counted_rows(commission.pk, details=True) == expected
    assert selectors._counted_rows(commission.pk, details=False) == [row[:5] for row in expected]
    assert selectors._counted_rows(commission.pk + 1, details=False) == []


def test_publish_freezes_snapshot_against_later_edits(commission, chair, scored, criteria):
    snapshot = publish(commission, chair)
    frozen = json.dumps(snapshot.data, sort_keys=True)
    expert = scored["experts"][0]
    services.save_score_sheet(sheet=scored["sheets"][(0, "Beta")], actor=expert.user,
                              scores=full_scores(criteria, [5, 5]), feedback="changed my mind")
    assert json.dumps(ResultSnapshot.objects.get().data, sort_keys=True) == frozen
    live_beta = selectors.compute_results(commission)["projects"][1]
    assert (live_beta["title"], live_beta["scores"]["mean"]) == ("Beta", 50.0)
    assert ResultSnapshot.objects.get().data["projects"][1]["scores"]["mean"] == 12.5
    assert AuditEntry.objects.filter(action="evaluation.results_published").count() == 1
    with pytest.raises(RuleViolation):
        publish(commission, chair)


def test_publish_by_expert_is_denied(commission, scored):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.publish_results(commission=commission, actor=scored["experts"][0].user)


def test_publish_notifies_team_members_after_commit(commission, chair, scored, django_capture_on_commit_callbacks):
    student = MembershipFactory(team=scored["a"].team, role=MembershipRole.MEMBER).user
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        publish(commission, chair)
    assert Notification.objects.filter(recipient=student, kind="evaluation_published").count() == 0
    for callback in callbacks:
        callback()  # eager Celery in tests: the task runs now
    assert Notification.objects.filter(recipient=student, kind="evaluation_published").count() == 1


def test_team_sees_own_aggregates_and_feedback_never_scorer_identity(commission, chair, scored):
    student = MembershipFactory(team=scored["a"].team, role=MembershipRole.MEMBER).user
    snapshot = publish(commission, chair)
    public = selectors.public_results(snapshot, student)
    alpha, beta = public["ranking"]
    assert (alpha["rank"], alpha["title"], alpha["score"]) == (1, "Alpha", 75.0)
    assert alpha["own"] == {"criteria": [{"name": "Science", "mean": 4.0}, {"name": "Value", "mean": 4.0},
                                         {"name": "Presentation", "mean": None}],
                            "feedback": ["Feedback 0 on Alpha", "Feedback 1 on Alpha"]}
    assert "own" not in beta
    text = json.dumps(public)
    for expert in scored["experts"]:
        assert expert.user.full_name not in text and expert.user.email not in text
    assert "secret note" not in json.dumps(snapshot.data)


def test_outsider_sees_ranking_only(commission, chair, scored, outsider):
    snapshot = publish(commission, chair)
    public = selectors.public_results(snapshot, outsider)
    assert [(r["rank"], r["title"]) for r in public["ranking"]] == [(1, "Alpha"), (2, "Beta")]
    assert all("own" not in r for r in public["ranking"])


def test_publish_without_sheets_is_refused(commission, chair):
    with pytest.raises(RuleViolation):
        publish(commission, chair)


# --- reminders -----------------------------------------------------------------------------
@pytest.fixture
def pending(commission, chair, expert_member, project, edition):
    """One unsubmitted sheet of `expert_member`; a second expert has submitted everything."""
    services.assign_expert(member=expert_member, project=project, actor=chair)
    return expert_member


def reminders_of(user):
    return Notification.objects.filter(recipient=user, kind="evaluation_reminder").count()


def test_beat_reminders_once_per_window(commission, pending, edition):
    deadline_in(edition, 7)
    assert send_deadline_reminders_task() == 1
    assert send_deadline_reminders_task() == 0
    assert reminders_of(pending.user) == 1
    today = timezone.localdate()
    assert services.send_deadline_reminders(today=today + timedelta(days=3)) == 0  # same window
    assert services.send_deadline_reminders(today=today + timedelta(days=6)) == 1  # 1 day before
    assert services.send_deadline_reminders(today=today + timedelta(days=7)) == 0
    assert reminders_of(pending.user) == 2
    assert sorted(ReminderLog.objects.values_list("key", flat=True)) == [
        f"auto-1d-{edition.evaluation_end.isoformat()}", f"auto-7d-{edition.evaluation_end.isoformat()}"]


def test_beat_reminders_outside_windows_and_after_deadline(commission, pending, edition):
    deadline_in(edition, 20)
    assert services.send_deadline_reminders() == 0
    assert services.send_deadline_reminders(today=edition.evaluation_end + timedelta(days=1)) == 0


def test_submitted_experts_are_not_reminded(commission, pending, edition, criteria):
    sheet = pending.assignments.get().sheet
    services.save_score_sheet(sheet=sheet, actor=pending.user, scores=full_scores(criteria, [3, 3]))
    services.submit_score_sheet(sheet=sheet, actor=pending.user)
    deadline_in(edition, 1)
    assert services.send_deadline_reminders() == 0


def test_reminder_button_once_a_day_and_audited(commission, chair, pending):
    assert services.send_reminders(commission=commission, actor=chair) == 1
    assert services.send_reminders(commission=commission, actor=chair) == 0
    assert reminders_of(pending.user) == 1
    assert AuditEntry.objects.filter(action="evaluation.reminders_sent").count() == 2


# --- exports -------------------------------------------------------------------------------
def test_csv_and_xlsx_exports_hold_every_method(commission, scored):
    results = selectors.compute_results(commission)
    rows = list(csv.reader(io.StringIO(exports.results_csv(results))))
    assert rows[0][:8] == ["Rank", "Project", "Team", "Sheets", "Mean", "Median", "Normalised", "Group-balanced"]
    assert rows[1][:8] == ["1", "Alpha", "Alpha", "2", "75.0", "75.0", "80.73", "75.0"]
    assert rows[1][-3:] == ["4.0", "4.0", ""]
    workbook = load_workbook(io.BytesIO(exports.results_xlsx(results)))
    sheet = workbook.active
    assert [c.value for c in sheet[2]][:5] == [1, "Alpha", "Alpha", 2, 75.0]
    assert sheet.max_row == 3
    assert "secret" not in exports.results_csv(results)


def test_export_neutralises_formulas():
    assert exports._safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert exports._safe(3) == 3


def test_beat_schedule_runs_reminders_daily():
    from marathon.celery import app

    entry = app.conf.beat_schedule["evaluation-deadline-reminders"]
    assert entry["task"] == "evaluation.send_deadline_reminders"
    assert send_deadline_reminders_task.name == "evaluation.send_deadline_reminders"
