"""Every state change of a mobility: one function per workflow step.

Each runs in one transaction, records an audit entry and stores its notifications there too
(e-mail delivery follows on commit, see `marathon.services.notify`).
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from marathon.exceptions import RuleViolation
from marathon.models import Edition, User
from marathon.roles import MOBILITY_COORDINATORS
from marathon.services import notify, record_audit
from marathon.uploads import DOCUMENTS, IMAGES, PDF, validate_upload

from . import permissions
from .grants import estimate_grant
from .models import (
    BLOCKING_STATUSES,
    STUDENT_KINDS,
    DocumentKind,
    FundingSource,
    Mobility,
    MobilityDocument,
    MobilityKind,
    MobilityStatus,
)

MAX_DAYS = 366
FIRST_YEAR = 2000
YEARS_AHEAD = 3
EDITABLE_FIELDS = (
    "kind", "home_university", "host_university", "project", "team", "purpose",
    "planned_start", "planned_end", "funding_source", "erasmus_action", "erasmus_call_year",
    "grant_reference", "green_travel", "teaching_hours",
)
DOCUMENT_TYPES = {
    DocumentKind.AGREEMENT: DOCUMENTS,
    DocumentKind.CERTIFICATE: PDF | IMAGES,
    DocumentKind.OTHER: DOCUMENTS | IMAGES,
}


# --- drafts -------------------------------------------------------------------------------
def create_mobility(*, actor: User, data: dict) -> Mobility:
    """A new draft of `actor`'s own mobility. Side effects: audit entry."""
    mobility = Mobility(participant=actor, status=MobilityStatus.DRAFT)
    _assign(mobility, data)
    validate_mobility(mobility)
    with transaction.atomic():
        mobility.save()
        record_audit(actor=actor, action="mobility.created", target=mobility)
    return mobility


def update_mobility(*, mobility: Mobility, actor: User, data: dict) -> Mobility:
    """Change a draft; only its participant may. Side effects: audit entry with the changes."""
    _require_participant(mobility, actor)
    _require_status(mobility, MobilityStatus.DRAFT)
    changes = _assign(mobility, data)
    validate_mobility(mobility)
    with transaction.atomic():
        mobility.save()
        if changes:
            record_audit(actor=actor, action="mobility.updated", target=mobility, changes=changes)
    return mobility


def delete_mobility(*, mobility: Mobility, actor: User) -> None:
    """Delete a draft; only its participant may. Side effects: audit entry."""
    _require_participant(mobility, actor)
    _require_status(mobility, MobilityStatus.DRAFT)
    with transaction.atomic():
        record_audit(actor=actor, action="mobility.deleted", target=mobility)
        mobility.delete()


def validate_mobility(mobility: Mobility) -> None:
    """The rules of a single record (dates, universities, kind); raises ValidationError."""
    errors = {}
    if mobility.home_university_id and mobility.home_university_id == mobility.host_university_id:
        errors["host_university"] = _("The host university must differ from the home university.")
    errors.update(_date_errors(mobility.planned_start, mobility.planned_end))
    participant = mobility.participant
    if mobility.kind and participant.status and (
            (mobility.kind in STUDENT_KINDS) != participant.is_student):
        errors["kind"] = (_("Students apply for student mobilities.") if participant.is_student
                          else _("Staff members apply for staff mobilities."))
    if mobility.teaching_hours and participant.is_student:
        errors["teaching_hours"] = _("Teaching hours are for staff members only.")
    elif mobility.teaching_hours and mobility.kind != MobilityKind.STAFF_TEACHING:
        errors["teaching_hours"] = _("Teaching hours apply to staff teaching only.")
    if mobility.team_id and mobility.project_id and mobility.team.project_id != mobility.project_id:
        errors["team"] = _("The team does not belong to the chosen project.")
    elif mobility.team_id and not mobility.team.memberships.filter(user=participant).exists():
        errors["team"] = _("You are not a member of this team.")
    if errors:
        raise ValidationError(errors)


def _date_errors(start: date | None, end: date | None) -> dict:
    if not start or not end:
        return {}
    if end < start:
        return {"planned_end": _("The end date must not be before the start date.")}
    if (end - start).days + 1 > MAX_DAYS:
        return {"planned_end": _("A mobility lasts at most %(days)d days.") % {"days": MAX_DAYS}}
    last_year = timezone.localdate().year + YEARS_AHEAD
    if not FIRST_YEAR <= start.year <= last_year:
        return {"planned_start": _("The start date must lie between %(first)d and %(last)d.")
                % {"first": FIRST_YEAR, "last": last_year}}
    return {}


def _assign(mobility: Mobility, data: dict) -> dict:
    changes = {}
    for name in EDITABLE_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if value is None and name in ("purpose", "erasmus_action", "grant_reference"):
            value = ""
        old = getattr(mobility, name, None) if mobility.pk else None
        if old != value:
            changes[name] = [str(old if old is not None else ""), str(value if value is not None else "")]
        setattr(mobility, name, value)
    if mobility.team_id and not mobility.project_id:
        mobility.project_id = mobility.team.project_id
    mobility.edition = _edition_of(mobility)
    return changes


def _edition_of(mobility: Mobility) -> Edition | None:
    if mobility.team_id:
        return mobility.team.edition
    if mobility.project_id:
        return mobility.project.edition
    if mobility.planned_start:
        return Edition.objects.filter(year=mobility.planned_start.year).first()
    return None


# --- workflow -----------------------------------------------------------------------------
def submit_mobility(*, mobility: Mobility, actor: User) -> Mobility:
    """Draft -> submitted. Stores the grant estimate. Side effects: audit, coordinators notified."""
    _require_participant(mobility, actor)
    with transaction.atomic():
        mobility = _locked(mobility)
        _require_status(mobility, MobilityStatus.DRAFT)
        validate_mobility(mobility)
        _check_no_overlap(mobility)
        store_grant(mobility)
        mobility.status = MobilityStatus.SUBMITTED
        mobility.submitted_at = timezone.now()
        mobility.save()
        record_audit(actor=actor, action="mobility.submitted", target=mobility,
                     changes={"status": ["draft", "submitted"]})
        for coordinator in coordinators().exclude(pk=mobility.participant_id):
            notify(recipient=coordinator, template="mobility_submitted",
                   context={"mobility": mobility}, url=mobility.get_absolute_url())
    return mobility


def approve_mobility(*, mobility: Mobility, actor: User) -> Mobility:
    """Submitted -> approved; refuses an overlap with the person's other approved mobilities.

    Side effects: grant recomputed and stored, audit, participant notified.
    """
    _require_coordinator(mobility, actor)
    with transaction.atomic():
        # Approvals of the same person are serialised on the person's row, so two coordinators
        # approving overlapping mobilities at the same moment cannot both pass the check below.
        User.objects.select_for_update().filter(pk=mobility.participant_id).first()
        mobility = _locked(mobility)
        _require_status(mobility, MobilityStatus.SUBMITTED)
        _check_no_overlap(mobility)
        store_grant(mobility)
        mobility.status = MobilityStatus.APPROVED
        mobility.decided_at, mobility.decided_by = timezone.now(), actor
        mobility.rejection_reason = ""
        _save_guarded(mobility)
        record_audit(actor=actor, action="mobility.approved", target=mobility,
                     changes={"status": ["submitted", "approved"]})
        notify(recipient=mobility.participant, template="mobility_decided",
               context={"mobility": mobility}, url=mobility.get_absolute_url())
    return mobility


def reject_mobility(*, mobility: Mobility, actor: User, reason: str) -> Mobility:
    """Submitted -> rejected with a reason. Side effects: audit, participant notified."""
    _require_coordinator(mobility, actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the applicant a reason for the rejection.")})
    with transaction.atomic():
        mobility = _locked(mobility)
        _require_status(mobility, MobilityStatus.SUBMITTED)
        mobility.status = MobilityStatus.REJECTED
        mobility.rejection_reason = reason
        mobility.decided_at, mobility.decided_by = timezone.now(), actor
        mobility.save()
        record_audit(actor=actor, action="mobility.rejected", target=mobility,
                     changes={"status": ["submitted", "rejected"], "reason": ["", reason]})
        notify(recipient=mobility.participant, template="mobility_decided",
               context={"mobility": mobility}, url=mobility.get_absolute_url())
    return mobility


def start_mobility(*, mobility: Mobility, actor: User, on: date | None = None) -> Mobility:
    """Approved -> in progress (the participant has arrived). Side effects: audit."""
    _require_viewer(mobility, actor)
    on = on or timezone.localdate()
    with transaction.atomic():
        mobility = _locked(mobility)
        _require_status(mobility, MobilityStatus.APPROVED)
        mobility.status, mobility.actual_start = MobilityStatus.IN_PROGRESS, on
        _save_guarded(mobility)
        record_audit(actor=actor, action="mobility.started", target=mobility,
                     changes={"status": ["approved", "in_progress"], "actual_start": ["", str(on)]})
    return mobility


def complete_mobility(*, mobility: Mobility, actor: User, on: date | None = None) -> Mobility:
    """In progress -> completed; needs the certificate of attendance. Side effects: audit."""
    _require_viewer(mobility, actor)
    on = on or timezone.localdate()
    with transaction.atomic():
        mobility = _locked(mobility)
        _require_status(mobility, MobilityStatus.IN_PROGRESS)
        if not mobility.documents.filter(kind=DocumentKind.CERTIFICATE).exists():
            raise RuleViolation(_("Upload the certificate of attendance before completing."),
                                code="certificate_missing")
        if mobility.actual_start and on < mobility.actual_start:
            raise ValidationError({"actual_end": _("The mobility cannot end before it started.")})
        mobility.status, mobility.actual_end = MobilityStatus.COMPLETED, on
        mobility.save()
        record_audit(actor=actor, action="mobility.completed", target=mobility,
                     changes={"status": ["in_progress", "completed"], "actual_end": ["", str(on)]})
    return mobility


def cancel_mobility(*, mobility: Mobility, actor: User) -> Mobility:
    """Cancel before or (coordinator only) during the stay. Side effects: audit."""
    _require_viewer(mobility, actor)
    with transaction.atomic():
        mobility = _locked(mobility)
        if not permissions.can_cancel(actor, mobility):
            raise RuleViolation(_("This mobility can no longer be cancelled by you."),
                                code="not_cancellable")
        old = mobility.status
        mobility.status = MobilityStatus.CANCELLED
        mobility.save()
        record_audit(actor=actor, action="mobility.cancelled", target=mobility,
                     changes={"status": [old, "cancelled"]})
    return mobility


def upload_document(*, mobility: Mobility, actor: User, kind: str, upload) -> MobilityDocument:
    """Attach an agreement or certificate (type and size checked). Side effects: audit."""
    _require_viewer(mobility, actor)
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Choose the kind of document.")})
    if not permissions.can_upload(actor, mobility):
        raise RuleViolation(_("Documents cannot be added to a closed mobility."), code="closed")
    try:
        mime = validate_upload(upload, allowed=DOCUMENT_TYPES[kind])
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    with transaction.atomic():
        document = MobilityDocument(
            mobility=mobility, kind=kind, original_name=upload.name[:255], content_type=mime,
            size=upload.size, uploaded_by=actor)
        document.file.save(upload.name, upload, save=False)
        document.save()
        record_audit(actor=actor, action="mobility.document_uploaded", target=mobility,
                     changes={"document": ["", f"{kind}: {document.original_name}"]})
    return document


def send_certificate_reminder(*, mobility_id: int) -> bool:
    """Remind the participant once to upload the certificate after the end date.

    Idempotent: the row lock and `certificate_reminder_sent_at` make a second run a no-op.
    """
    with transaction.atomic():
        mobility = (Mobility.objects.select_for_update().filter(pk=mobility_id).first())
        if mobility is None or mobility.certificate_reminder_sent_at is not None:
            return False
        if mobility.status not in BLOCKING_STATUSES or mobility.end >= timezone.localdate():
            return False
        if mobility.documents.filter(kind=DocumentKind.CERTIFICATE).exists():
            return False
        mobility.certificate_reminder_sent_at = timezone.now()
        mobility.save(update_fields=["certificate_reminder_sent_at"])
        notify(recipient=mobility.participant, template="mobility_certificate_reminder",
               context={"mobility": mobility}, url=mobility.get_absolute_url())
        record_audit(actor=None, action="mobility.certificate_reminder", target=mobility)
    return True


# --- helpers ------------------------------------------------------------------------------
def store_grant(mobility: Mobility) -> None:
    """Compute the grant with today's rate tables and store it on the record (not saved)."""
    estimate = estimate_grant(
        home=mobility.home_university, host=mobility.grant_host, kind=mobility.kind,
        start=mobility.planned_start, end=mobility.planned_end, green=mobility.green_travel,
        call_year=mobility.erasmus_call_year)
    funded = mobility.funding_source == FundingSource.ERASMUS
    mobility.rate_table = estimate.rate_table if funded else None
    mobility.distance_km, mobility.distance_band = estimate.distance_km, estimate.band
    mobility.grant_travel_amount = estimate.travel_amount if funded else 0
    mobility.grant_daily_rate = estimate.daily_rate if funded else 0
    mobility.grant_days = estimate.days if funded else 0
    mobility.grant_individual_amount = estimate.individual_amount if funded else 0
    mobility.grant_total = estimate.total if funded else 0
    mobility.grant_currency = estimate.currency
    mobility.grant_computed_at = timezone.now()


def coordinators():
    """Members of the coordinators group; the programme office when the group is empty."""
    members = User.objects.filter(is_active=True, groups__name=MOBILITY_COORDINATORS).distinct()
    if members.exists():
        return members
    return User.objects.filter(is_active=True, is_staff=True)


def _check_no_overlap(mobility: Mobility) -> None:
    clash = (
        Mobility.objects.filter(
            participant_id=mobility.participant_id, status__in=BLOCKING_STATUSES,
            planned_start__lte=mobility.planned_end, planned_end__gte=mobility.planned_start)
        .exclude(pk=mobility.pk).select_related("host_university").first()
    )
    if clash:
        raise RuleViolation(
            _("%(person)s already has an approved mobility to %(host)s from %(start)s to %(end)s "
              "that overlaps these dates.") % {
                "person": mobility.participant, "host": clash.host_university.short_name,
                "start": date_format(clash.planned_start), "end": date_format(clash.planned_end)},
            code="overlap")


def _save_guarded(mobility: Mobility) -> None:
    """Save; the database's exclusion constraint is the last word on overlaps."""
    try:
        with transaction.atomic():
            mobility.save()
    except IntegrityError as error:
        if "mobility_no_overlap_per_participant" not in str(error):
            raise
        raise RuleViolation(_("This person already has an approved mobility during these dates."),
                            code="overlap") from error


def _locked(mobility: Mobility) -> Mobility:
    return Mobility.objects.select_for_update().get(pk=mobility.pk)


def _require_status(mobility: Mobility, *statuses: str) -> None:
    if mobility.status not in statuses:
        raise RuleViolation(
            _("Not possible while the mobility is %(status)s.")
            % {"status": mobility.get_status_display().lower()}, code="wrong_status")


def _require_participant(mobility: Mobility, actor: User) -> None:
    if not permissions.is_participant(actor, mobility):
        raise PermissionDenied(_("Only the participant can do this."))


def _require_viewer(mobility: Mobility, actor: User) -> None:
    if not permissions.can_view(actor, mobility):
        raise PermissionDenied(_("Only the participant or a mobility coordinator can do this."))


def _require_coordinator(mobility: Mobility, actor: User) -> None:
    if not permissions.is_coordinator(actor):
        raise PermissionDenied(_("Only a mobility coordinator can decide on mobilities."))
    if permissions.is_participant(actor, mobility):
        raise PermissionDenied(_("You cannot decide on your own mobility."))

