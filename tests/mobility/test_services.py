from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from marathon.exceptions import RuleViolation
from marathon.models import AuditEntry, Notification
from mobility import services
from mobility.models import DocumentKind, Mobility, MobilityKind, MobilityStatus
from tests.factories import EditionFactory, UniversityFactory, UserFactory

from .factories import MobilityFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


def pdf(name="certificate.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def draft_data(applicant, host, **overrides):
    start = timezone.localdate() + timedelta(days=40)
    return {"kind": MobilityKind.STUDENT_RESEARCH, "home_university": applicant.university,
            "host_university": host, "planned_start": start,
            "planned_end": start + timedelta(days=29), "funding_source": "erasmus", **overrides}


def submitted(**fields):
    mobility = MobilityFactory(**fields)
    return services.submit_mobility(mobility=mobility, actor=mobility.participant)


def audit_actions(mobility):
    return list(AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Mobility), object_id=str(mobility.pk)
    ).order_by("id").values_list("action", flat=True))


# --- drafts ---------------------------------------------------------------------------------
def test_create_draft_belongs_to_actor_with_edition_of_start_year(applicant, spbpu):
    data = draft_data(applicant, spbpu)
    edition = EditionFactory(year=data["planned_start"].year)
    mobility = services.create_mobility(actor=applicant, data=data)
    assert (mobility.participant, mobility.status, mobility.edition) == (applicant, "draft", edition)
    assert audit_actions(mobility) == ["mobility.created"]


@pytest.mark.parametrize(("overrides", "field"), [
    ({"host_university": None}, "host_university"),
    ({"planned_end": date(2020, 1, 1)}, "planned_end"),
    ({"kind": MobilityKind.STAFF_TEACHING}, "kind"),
    ({"teaching_hours": 4}, "teaching_hours"),
])
def test_create_refuses_invalid_record(applicant, spbpu, overrides, field):
    if overrides.get("host_university", spbpu) is None:
        overrides = {"host_university": applicant.university}
    with pytest.raises(ValidationError) as error:
        services.create_mobility(actor=applicant, data=draft_data(applicant, spbpu, **overrides))
    assert field in error.value.message_dict
    assert Mobility.objects.count() == 0


def test_create_refuses_stay_longer_than_a_year(applicant, spbpu):
    data = draft_data(applicant, spbpu)
    data["planned_end"] = data["planned_start"] + timedelta(days=366)
    with pytest.raises(ValidationError, match="at most 366 days"):
        services.create_mobility(actor=applicant, data=data)


def test_create_refuses_start_outside_sensible_years(applicant, spbpu):
    data = draft_data(applicant, spbpu, planned_start=date(1999, 1, 1),
                      planned_end=date(1999, 1, 5))
    with pytest.raises(ValidationError) as error:
        services.create_mobility(actor=applicant, data=data)
    assert "planned_start" in error.value.message_dict


def test_only_participant_edits_draft(outsider):
    mobility = MobilityFactory()
    with pytest.raises(PermissionDenied):
        services.update_mobility(mobility=mobility, actor=outsider, data={"purpose": "x"})


def test_submitted_mobility_is_no_longer_editable():
    mobility = submitted()
    with pytest.raises(RuleViolation):
        services.update_mobility(mobility=mobility, actor=mobility.participant, data={"purpose": "x"})


def test_update_records_changes_in_audit():
    mobility = MobilityFactory(purpose="old")
    services.update_mobility(mobility=mobility, actor=mobility.participant, data={"purpose": "new"})
    entry = AuditEntry.objects.get(action="mobility.updated")
    assert entry.changes == {"purpose": ["old", "new"]}


def test_delete_draft_only_by_participant(outsider):
    mobility = MobilityFactory()
    with pytest.raises(PermissionDenied):
        services.delete_mobility(mobility=mobility, actor=outsider)
    services.delete_mobility(mobility=mobility, actor=mobility.participant)
    assert Mobility.objects.count() == 0


# --- submit and decide ------------------------------------------------------------------------
def test_submit_stores_grant_and_notifies_coordinators(ka1, coordinator, spbpu, graz):
    participant = UserFactory(status="master", university=spbpu)
    mobility = MobilityFactory(participant=participant, host_university=graz,
                               planned_start=date(2027, 4, 1), planned_end=date(2027, 4, 30),
                               erasmus_call_year=2022)
    services.submit_mobility(mobility=mobility, actor=participant)
    mobility.refresh_from_db()
    assert mobility.status == "submitted"
    assert (mobility.distance_km, mobility.grant_travel_amount, mobility.grant_days,
            mobility.grant_total) == (1736, Decimal("275.00"), 32, Decimal("2515.00"))
    assert mobility.rate_table == ka1
    notes = Notification.objects.filter(kind="mobility_submitted")
    assert [n.recipient for n in notes] == [coordinator]
    assert notes[0].url == f"/mobility/{mobility.pk}/"
    assert audit_actions(mobility) == ["mobility.submitted"]


def test_submit_other_funding_stores_distance_but_no_grant(ka1, spbpu, graz):
    participant = UserFactory(status="master", university=spbpu)
    mobility = submitted(participant=participant, host_university=graz, funding_source="host")
    assert (mobility.distance_km, mobility.grant_total) == (1736, Decimal("0"))


def test_submit_by_other_person_refused(outsider):
    with pytest.raises(PermissionDenied):
        services.submit_mobility(mobility=MobilityFactory(), actor=outsider)


def test_approve_by_coordinator_notifies_participant(coordinator):
    mobility = submitted()
    services.approve_mobility(mobility=mobility, actor=coordinator)
    mobility.refresh_from_db()
    assert (mobility.status, mobility.decided_by) == ("approved", coordinator)
    note = Notification.objects.get(kind="mobility_decided")
    assert note.recipient == mobility.participant
    assert "approved" in note.subject
    assert audit_actions(mobility) == ["mobility.submitted", "mobility.approved"]


def test_staff_may_approve(office):
    mobility = submitted()
    assert services.approve_mobility(mobility=mobility, actor=office).status == "approved"


def test_approve_by_non_coordinator_refused(outsider):
    with pytest.raises(PermissionDenied):
        services.approve_mobility(mobility=submitted(), actor=outsider)


def test_coordinator_cannot_approve_own_mobility(coordinator):
    mobility = submitted(participant=coordinator, kind=MobilityKind.STAFF_TRAINING)
    with pytest.raises(PermissionDenied):
        services.approve_mobility(mobility=mobility, actor=coordinator)


def test_approve_draft_refused(coordinator):
    with pytest.raises(RuleViolation):
        services.approve_mobility(mobility=MobilityFactory(), actor=coordinator)


def test_approve_refuses_overlap_with_approved_mobility(coordinator):
    first = submitted()
    second = submitted(participant=first.participant, planned_start=first.planned_end,
                       planned_end=first.planned_end + timedelta(days=5))
    services.approve_mobility(mobility=first, actor=coordinator)
    with pytest.raises(RuleViolation, match="overlaps"):
        services.approve_mobility(mobility=second, actor=coordinator)
    second.refresh_from_db()
    assert second.status == "submitted"


def test_submit_refuses_overlap_with_approved_mobility(coordinator):
    first = services.approve_mobility(mobility=submitted(), actor=coordinator)
    second = MobilityFactory(participant=first.participant, planned_start=first.planned_start,
                             planned_end=first.planned_start)
    with pytest.raises(RuleViolation):
        services.submit_mobility(mobility=second, actor=first.participant)


def test_adjacent_mobilities_do_not_overlap(coordinator):
    first = services.approve_mobility(mobility=submitted(), actor=coordinator)
    second = submitted(participant=first.participant, planned_start=first.planned_end + timedelta(days=1),
                       planned_end=first.planned_end + timedelta(days=3))
    assert services.approve_mobility(mobility=second, actor=coordinator).status == "approved"


def test_other_persons_overlap_is_fine(coordinator):
    first = services.approve_mobility(mobility=submitted(), actor=coordinator)
    second = submitted(planned_start=first.planned_start, planned_end=first.planned_end)
    assert services.approve_mobility(mobility=second, actor=coordinator).status == "approved"


def test_reject_needs_reason(coordinator):
    with pytest.raises(ValidationError) as error:
        services.reject_mobility(mobility=submitted(), actor=coordinator, reason="  ")
    assert "reason" in error.value.message_dict


def test_reject_stores_reason_and_notifies(coordinator):
    mobility = services.reject_mobility(mobility=submitted(), actor=coordinator, reason="No lab slot.")
    assert (mobility.status, mobility.rejection_reason) == ("rejected", "No lab slot.")
    note = Notification.objects.get(kind="mobility_decided")
    assert "No lab slot." in note.body


def test_reject_by_participant_refused():
    mobility = submitted()
    with pytest.raises(PermissionDenied):
        services.reject_mobility(mobility=mobility, actor=mobility.participant, reason="x")


# --- stay ------------------------------------------------------------------------------------
def approved(coordinator, **fields):
    return services.approve_mobility(mobility=submitted(**fields), actor=coordinator)


def test_start_then_complete_with_certificate(coordinator):
    mobility = approved(coordinator)
    participant = mobility.participant
    services.start_mobility(mobility=mobility, actor=participant, on=mobility.planned_start)
    services.upload_document(mobility=mobility, actor=participant, kind=DocumentKind.CERTIFICATE,
                             upload=pdf())
    done = services.complete_mobility(mobility=mobility, actor=participant, on=mobility.planned_end)
    assert (done.status, done.actual_start, done.actual_end) == (
        "completed", mobility.planned_start, mobility.planned_end)
    assert audit_actions(mobility)[-3:] == ["mobility.started", "mobility.document_uploaded",
                                            "mobility.completed"]


def test_complete_without_certificate_refused(coordinator):
    mobility = approved(coordinator)
    services.start_mobility(mobility=mobility, actor=mobility.participant)
    services.upload_document(mobility=mobility, actor=mobility.participant,
                             kind=DocumentKind.AGREEMENT, upload=pdf("agreement.pdf"))
    with pytest.raises(RuleViolation, match="certificate"):
        services.complete_mobility(mobility=mobility, actor=mobility.participant)


def test_start_by_outsider_refused(coordinator, outsider):
    with pytest.raises(PermissionDenied):
        services.start_mobility(mobility=approved(coordinator), actor=outsider)


def test_start_submitted_refused():
    mobility = submitted()
    with pytest.raises(RuleViolation):
        services.start_mobility(mobility=mobility, actor=mobility.participant)


def test_participant_cancels_approved(coordinator):
    mobility = approved(coordinator)
    assert services.cancel_mobility(mobility=mobility, actor=mobility.participant).status == "cancelled"


def test_participant_cannot_cancel_in_progress_but_coordinator_can(coordinator):
    mobility = approved(coordinator)
    services.start_mobility(mobility=mobility, actor=mobility.participant)
    with pytest.raises(RuleViolation):
        services.cancel_mobility(mobility=mobility, actor=mobility.participant)
    assert services.cancel_mobility(mobility=mobility, actor=coordinator).status == "cancelled"


def test_upload_refuses_wrong_type():
    mobility = MobilityFactory()
    fake = SimpleUploadedFile("certificate.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf")
    with pytest.raises(ValidationError) as error:
        services.upload_document(mobility=mobility, actor=mobility.participant,
                                 kind=DocumentKind.CERTIFICATE, upload=fake)
    assert "file" in error.value.message_dict


def test_upload_by_outsider_refused(outsider):
    with pytest.raises(PermissionDenied):
        services.upload_document(mobility=MobilityFactory(), actor=outsider,
                                 kind=DocumentKind.AGREEMENT, upload=pdf())


# --- the database's own guard ------------------------------------------------------------------
@postgres_only
def test_exclusion_constraint_blocks_overlap_bypassing_the_service():
    first = MobilityFactory(status=MobilityStatus.APPROVED)
    with pytest.raises(IntegrityError), transaction.atomic():
        MobilityFactory(participant=first.participant, status=MobilityStatus.IN_PROGRESS,
                        planned_start=first.planned_end, planned_end=first.planned_end)


@postgres_only
def test_exclusion_constraint_ignores_drafts_and_completed():
    first = MobilityFactory(status=MobilityStatus.APPROVED)
    MobilityFactory(participant=first.participant, status=MobilityStatus.COMPLETED,
                    planned_start=first.planned_start, planned_end=first.planned_end)
    MobilityFactory(participant=first.participant, planned_start=first.planned_start,
                    planned_end=first.planned_end)
    assert Mobility.objects.filter(participant=first.participant).count() == 3


def test_home_equals_host_refused_by_database():
    university = UniversityFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        MobilityFactory(home_university=university, host_university=university)


def test_without_coordinators_the_programme_office_is_notified(office):
    submitted()
    assert [n.recipient for n in Notification.objects.filter(kind="mobility_submitted")] == [office]


def test_submission_notification_is_rendered_from_templates(coordinator, spbpu):
    mobility = submitted(host_university=spbpu)
    note = Notification.objects.get(recipient=coordinator)
    assert note.subject == f"Mobility application: {mobility.participant} to SPbPU"
    assert "Please approve or reject it." in note.body


def test_upload_refuses_too_large_file(settings):
    settings.UPLOAD_MAX_BYTES = 10
    mobility = MobilityFactory()
    with pytest.raises(ValidationError, match="too large"):
        services.upload_document(mobility=mobility, actor=mobility.participant,
                                 kind=DocumentKind.CERTIFICATE, upload=pdf())
    assert not mobility.documents.exists()


def test_create_refuses_teaching_hours_for_students(applicant, spbpu):
    with pytest.raises(ValidationError) as error:
        services.create_mobility(actor=applicant, data=draft_data(applicant, spbpu, teaching_hours=4))
    assert error.value.message_dict == {"teaching_hours": ["Teaching hours are for staff members only."]}
    assert Mobility.objects.count() == 0
