from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from marathon.exceptions import RuleViolation
from marathon.models import AuditEntry, Notification
from workspace import chain, measurements, selectors, services
from workspace.models import (
    Activity,
    EntryStatus,
    JournalEntry,
    MilestoneStatus,
    ProgressReport,
    ReportStatus,
)

from .helpers import CSV, entry_data, milestone, signed_entry

pytestmark = pytest.mark.django_db


# --- work plan -------------------------------------------------------------------------------
def test_create_milestone_by_member_is_audited(team, member):
    m = milestone(team, member, status=MilestoneStatus.IN_PROGRESS)
    assert (m.team_id, m.status, m.version) == (team.pk, "in_progress", 1)
    assert list(AuditEntry.objects.filter(action="milestone.created").values_list("actor", flat=True)) == [member.pk]
    assert Activity.objects.get(team=team).verb == "milestone.created"


def test_create_milestone_by_outsider_is_refused(team, outsider):
    with pytest.raises(PermissionDenied):
        milestone(team, outsider)


def test_milestone_owners_must_be_members(team, member, outsider):
    with pytest.raises(ValidationError) as error:
        services.create_milestone(team=team, actor=member, owners=[outsider],
                                  data={"title": "X", "due_date": timezone.localdate()})
    assert error.value.message_dict == {"owners": ["Owners must be members of the team."]}


def test_milestone_start_after_due_is_refused_and_nothing_saved(team, member):
    with pytest.raises(ValidationError):
        milestone(team, member, start_date=timezone.localdate() + timedelta(days=30))
    assert team.milestones.count() == 0


def test_update_milestone_with_stale_version_is_refused(team, member, supervisor):
    m = milestone(team, member)
    services.update_milestone(milestone=m, actor=supervisor, data={"status": "done"}, expected_version=1)
    with pytest.raises(RuleViolation):
        services.update_milestone(milestone=m, actor=member, data={"title": "Other"}, expected_version=1)
    m.refresh_from_db()
    assert (m.title, m.status, m.version, m.completed_at is not None) == ("Literature review", "done", 2, True)


# --- journal ---------------------------------------------------------------------------------
def test_sign_entry_joins_the_hash_chain(team, member, second_member):
    first = signed_entry(team, member)
    second = signed_entry(team, second_member, title="Second")
    assert (first.chain_index, first.previous_hash) == (1, "")
    assert (second.chain_index, second.previous_hash) == (2, first.content_hash)
    assert selectors.verify_chain(team).ok is True
    assert selectors.verify_chain(team).count == 2


def test_signed_entry_cannot_be_edited_through_the_service(team, member):
    entry = signed_entry(team, member)
    with pytest.raises(RuleViolation):
        services.update_entry(entry=entry, actor=member, data={"results": "changed"})
    entry.refresh_from_db()
    assert entry.results == "Strength rose by 8 percent"


def test_only_the_author_signs(team, member, second_member):
    entry = services.create_entry(team=team, actor=member, data=entry_data())
    with pytest.raises(PermissionDenied):
        services.sign_entry(entry=entry, actor=second_member)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.DRAFT


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_signed_entry_is_immutable_in_the_database(team, member):
    entry = signed_entry(team, member)
    with pytest.raises(IntegrityError), transaction.atomic():
        JournalEntry.objects.filter(pk=entry.pk).update(results="rewritten")
    with pytest.raises(IntegrityError), transaction.atomic():
        JournalEntry.objects.filter(pk=entry.pk).delete()
    JournalEntry.objects.filter(pk=entry.pk).update(key_result=True)  # a flag, not content
    entry.refresh_from_db()
    assert (entry.results, entry.key_result) == ("Strength rose by 8 percent", True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_draft_entry_can_change_in_the_database(team, member):
    entry = services.create_entry(team=team, actor=member, data=entry_data())
    assert JournalEntry.objects.filter(pk=entry.pk).update(results="typo fixed") == 1


def test_new_version_keeps_the_signed_one_and_supersedes_it_when_signed(team, member):
    original = signed_entry(team, member)
    draft = services.new_version(entry=original, actor=member)
    services.update_entry(entry=draft, actor=member, data={"results": "Strength rose by 9 percent"})
    services.sign_entry(entry=draft, actor=member)
    original.refresh_from_db()
    versions = list(selectors.versions_of(draft).values_list("version", "results", "status"))
    assert versions == [(1, "Strength rose by 8 percent", "signed"), (2, "Strength rose by 9 percent", "signed")]
    assert original.superseded_at is not None
    assert [e.pk for e in selectors.journal_of(team)] == [draft.pk]
    assert selectors.verify_chain(team).ok is True


def test_second_new_version_of_the_same_entry_is_refused(team, member):
    original = signed_entry(team, member)
    services.new_version(entry=original, actor=member)
    with pytest.raises(RuleViolation):
        services.new_version(entry=original, actor=member)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_tampered_entry_breaks_the_chain_and_is_named(team, member):
    signed_entry(team, member, title="Baseline")
    tampered = signed_entry(team, member, title="Annealed samples")
    signed_entry(team, member, title="Third")
    with connection.cursor() as cursor:  # an attacker with database access bypasses the guard trigger
        cursor.execute("SET session_replication_role = replica")  # user triggers off (superuser only)
        cursor.execute("UPDATE workspace_journalentry SET results = 'Strength rose by 30 percent' WHERE id = %s",
                       [tampered.pk])
        cursor.execute("SET session_replication_role = DEFAULT")
    check = selectors.verify_chain(team)
    assert (check.ok, check.broken.pk, check.broken.title, check.reason) == (False, tampered.pk,
                                                                            "Annealed samples", "content")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize("tampering", [
    "DELETE FROM workspace_journalentry_coauthors WHERE journalentry_id = %(entry)s",
    "DELETE FROM workspace_journalentry_milestones WHERE journalentry_id = %(entry)s",
    "UPDATE workspace_journalfile SET sha256 = repeat('0', 64) WHERE entry_id = %(entry)s",
    "UPDATE workspace_journalfile SET original_name = 'other.csv' WHERE entry_id = %(entry)s",
])
def test_tampered_links_break_the_chain(team, member, second_member, tampering):
    from django.core.files.uploadedfile import SimpleUploadedFile

    signed_entry(team, member, title="Baseline")
    linked = services.create_entry(team=team, actor=member, data=entry_data(title="Linked"),
                                   milestones=[milestone(team, member)], coauthors=[second_member],
                                   files=[SimpleUploadedFile("loads.csv", CSV.encode())])
    services.sign_entry(entry=linked, actor=member)
    signed_entry(team, member, title="Third")
    assert selectors.verify_chain(team) == chain.ChainCheck(True, 3)
    with connection.cursor() as cursor:  # past the guard triggers, as in the test above
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(tampering, {"entry": linked.pk})
        cursor.execute("SET session_replication_role = DEFAULT")
    check = selectors.verify_chain(team)
    assert (check.ok, check.broken.pk, check.reason) == (False, linked.pk, "content")


def test_chain_of_entries_with_several_links_verifies_and_an_added_link_breaks_it(team, member, second_member,
                                                                                 supervisor):
    """The links come from one statement over three tables: each entry gets its own, sorted as numbers."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    milestones = [milestone(team, member, title=f"M{i}") for i in range(11)]  # ids past 9 sort apart as text
    linked = services.create_entry(team=team, actor=member, data=entry_data(title="Linked"),
                                   milestones=milestones[::-1], coauthors=[supervisor, second_member],
                                   files=[SimpleUploadedFile("b.csv", CSV.encode()),
                                          SimpleUploadedFile("a.csv", CSV.encode())])
    services.sign_entry(entry=linked, actor=member)
    other = services.create_entry(team=team, actor=member, data=entry_data(title="Other"),
                                  milestones=milestones[:1])
    services.sign_entry(entry=other, actor=member)
    assert selectors.verify_chain(team) == chain.ChainCheck(True, 2)
    with connection.cursor() as cursor:  # past the guard triggers, as in the tests above
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("INSERT INTO workspace_journalentry_milestones (journalentry_id, milestone_id) "
                       "VALUES (%s, %s)", [other.pk, milestones[5].pk])
        cursor.execute("SET session_replication_role = DEFAULT")
    check = selectors.verify_chain(team)
    assert (check.ok, check.broken.pk, check.reason) == (False, other.pk, "content")


def test_journal_search_finds_words_of_the_entry(team, member):
    signed_entry(team, member, title="Tensile test", results="Magnesium specimens cracked")
    signed_entry(team, member, title="Meeting notes", kind="meeting", results="Budget discussed")
    found = [e.title for e in selectors.search_journal(selectors.journal_of(team), "magnesium specimens")]
    assert found == ["Tensile test"]


def test_entry_file_of_wrong_type_is_refused_and_nothing_saved(team, member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("run.exe", b"MZ\x90\x00" + b"\x00" * 100)
    with pytest.raises(ValidationError) as error:
        services.create_entry(team=team, actor=member, data=entry_data(), files=[bad])
    assert list(error.value.message_dict) == ["files"]
    assert JournalEntry.objects.count() == 0


# --- measurements ----------------------------------------------------------------------------
def test_measurements_csv_becomes_a_table():
    assert measurements.parse_text(CSV) == {"columns": ["Sample", "Load (N)", "Elongation (mm)"],
                                            "rows": [["S1", 120.5, 0.8], ["S2", 131, 0.9]]}


def test_measurements_cell_that_is_not_a_number_names_row_and_column():
    with pytest.raises(ValidationError) as error:
        measurements.parse_text("Sample,Load (N)\nS1,12\nS2,abc\n")
    assert error.value.message_dict == {"measurements": ["Row 3, column “Load (N)”: “abc” is not a number."]}


def test_measurements_decimal_comma_and_semicolons_parse():
    assert measurements.parse_text("Probe;Kraft\nP1;1,5\n")["rows"] == [["P1", 1.5]]


# --- reports ---------------------------------------------------------------------------------
def _current_period_start(team):
    from workspace import periods

    return periods.current_period(team.edition, "monthly", timezone.localdate()).start


def _submitted(team, member):
    report = services.start_report(team=team, actor=member, period_start=_current_period_start(team))
    services.update_report(report=report, actor=member, data={"done": "Tests done"})
    return services.submit_report(report=report, actor=member)


def test_start_report_drafts_from_the_period(team, member):
    signed_entry(team, member, title="Hardness test")
    m = milestone(team, member, title="Upcoming deliverable")
    report = services.start_report(team=team, actor=member, period_start=_current_period_start(team))
    assert report.done == "- Experiment: Hardness test"
    assert report.next_steps == f"- Upcoming deliverable ({m.due_date:%Y-%m-%d})"


def test_start_report_twice_is_refused(team, member):
    services.start_report(team=team, actor=member, period_start=_current_period_start(team))
    with pytest.raises(RuleViolation):
        services.start_report(team=team, actor=member, period_start=_current_period_start(team))
    assert ProgressReport.objects.count() == 1


def test_review_cycle_notifies_each_side(team, member, supervisor):
    report = services.start_report(team=team, actor=member, period_start=_current_period_start(team))
    services.update_report(report=report, actor=member, data={"done": "Tests done"})
    services.submit_report(report=report, actor=member)
    assert Notification.objects.filter(recipient=supervisor, kind="workspace_report_submitted").count() == 1
    services.request_changes(report=report, actor=supervisor, comment="Add the risks")
    assert Notification.objects.get(recipient=member, kind="workspace_report_reviewed").body.endswith("Add the risks")
    services.update_report(report=report, actor=member, data={"risks": "Furnace booked out"})
    services.submit_report(report=report, actor=member)
    report = services.approve_report(report=report, actor=supervisor)
    assert report.status == ReportStatus.APPROVED
    assert list(report.reviews.values_list("decision", flat=True)) == ["changes_requested", "approved"]
    assert list(AuditEntry.objects.filter(action__startswith="report.").order_by("pk")
                .values_list("action", flat=True)) == [
        "report.started", "report.updated", "report.submitted", "report.changes_requested", "report.updated",
        "report.submitted", "report.approved"]


def test_member_cannot_review_a_report(team, member):
    report = _submitted(team, member)
    with pytest.raises(PermissionDenied):
        services.approve_report(report=report, actor=member)


def test_request_changes_without_comment_is_refused(team, member, supervisor):
    report = _submitted(team, member)
    with pytest.raises(ValidationError):
        services.request_changes(report=report, actor=supervisor, comment=" ")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_approved_report_cannot_be_edited(team, member, supervisor):
    report = _submitted(team, member)
    services.approve_report(report=report, actor=supervisor)
    with pytest.raises(RuleViolation):
        services.update_report(report=report, actor=member, data={"done": "rewritten"})


def test_future_period_cannot_be_started(team, member):
    from workspace import periods

    future = periods.report_periods(team.edition)[-1]
    with pytest.raises(RuleViolation):
        services.start_report(team=team, actor=member, period_start=future.start)


# --- discussion ------------------------------------------------------------------------------
def test_mention_notifies_the_person(team, member, second_member, supervisor):
    m = milestone(team, member)
    services.add_comment(actor=member, milestone=m, body="@jon.b can you check the furnace? cc @nobody")
    assert list(Notification.objects.filter(kind="workspace_mention").values_list("recipient", flat=True)) == [
        second_member.pk]


def test_comment_by_outsider_is_refused(team, member, outsider):
    m = milestone(team, member)
    with pytest.raises(PermissionDenied):
        services.add_comment(actor=outsider, milestone=m, body="hello")
