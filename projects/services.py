"""Every write with rules on a project: one function per workflow step.

Each step checks the transition (RuleViolation, HTTP 409) and the actor's permission
(PermissionDenied), writes inside one transaction on a locked row, records an audit entry and
stores the notifications it causes."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from marathon.exceptions import RuleViolation
from marathon.models import User
from marathon.services import notify, record_audit
from marathon.uploads import DOCUMENTS, IMAGES, PDF, validate_upload

from . import permissions
from .models import (
    AttachmentKind,
    DegreeLevel,
    Membership,
    MembershipRole,
    Project,
    ProjectAttachment,
    ProjectStatus,
    Team,
)

EDITABLE_FIELDS = ("edition", "area", "title", "summary", "description", "keywords", "customer",
                   "team_size_min", "team_size_max", "wanted_degree_levels", "wanted_skills")

# Which files a project accepts, and in which states (a proposal before the decision, the final
# report once the work runs).
ATTACHMENT_TYPES = {
    AttachmentKind.PROPOSAL: PDF,
    AttachmentKind.FINAL_REPORT: PDF,
    AttachmentKind.PRESENTATION: DOCUMENTS,
    AttachmentKind.OTHER: DOCUMENTS | IMAGES,
}
ATTACHMENT_STATES = {
    AttachmentKind.PROPOSAL: (ProjectStatus.DRAFT, ProjectStatus.SUBMITTED),
    AttachmentKind.FINAL_REPORT: (ProjectStatus.ACTIVE, ProjectStatus.COMPLETED),
    AttachmentKind.PRESENTATION: tuple(ProjectStatus),
    AttachmentKind.OTHER: tuple(ProjectStatus),
}


# --- drafts ---------------------------------------------------------------------------------
def create_project(*, actor: User, data: dict) -> Project:
    """Create a draft proposed by `actor`. Side effects: audit entry `project.created`."""
    if not permissions.can_propose(actor):
        raise PermissionDenied(_("Only professors, researchers and the programme office can "
                                 "propose projects."))
    data = dict(data)
    co_supervisors = list(data.pop("co_supervisors", []) or [])
    edition = data.get("edition")
    if edition is not None:
        data.setdefault("team_size_min", edition.team_size_min)
        data.setdefault("team_size_max", edition.team_size_max)
    project = Project(proposer=actor, status=ProjectStatus.DRAFT,
                      **{k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    _validate(project, co_supervisors)
    with transaction.atomic():
        project.save()
        project.co_supervisors.set(co_supervisors)
        record_audit(actor=actor, action="project.created", target=project,
                     changes={"status": ["", ProjectStatus.DRAFT]})
    return project


def update_project(*, project: Project, actor: User, data: dict) -> Project:
    """Change a draft (the proposer only). Side effects: audit entry with before → after."""
    with transaction.atomic():
        project = _locked(project)
        _require(permissions.is_proposer(actor, project),
                 _("Only the proposer can edit this project."))
        _require_status(project, (ProjectStatus.DRAFT,), _("Only drafts can be edited."))
        changes = {}
        for name, value in data.items():
            if name in EDITABLE_FIELDS and getattr(project, name) != value:
                changes[name] = [_repr(getattr(project, name)), _repr(value)]
                setattr(project, name, value)
        co_supervisors = data.get("co_supervisors")
        if co_supervisors is not None:
            co_supervisors = list(co_supervisors)
            before = sorted(u.pk for u in project.co_supervisors.all())
            if before != sorted(u.pk for u in co_supervisors):
                changes["co_supervisors"] = [before, sorted(u.pk for u in co_supervisors)]
        _validate(project, co_supervisors or [])
        project.save()
        if co_supervisors is not None:
            project.co_supervisors.set(co_supervisors)
        if changes:
            record_audit(actor=actor, action="project.updated", target=project, changes=changes)
    return project


def delete_project(*, project: Project, actor: User) -> None:
    """Delete a draft (the proposer only). Side effects: audit entry `project.deleted`."""
    with transaction.atomic():
        project = _locked(project)
        _require(permissions.is_proposer(actor, project),
                 _("Only the proposer can delete this project."))
        _require_status(project, (ProjectStatus.DRAFT,), _("Only drafts can be deleted."))
        record_audit(actor=actor, action="project.deleted", target=project,
                     changes={"status": [project.status, ""]})
        project.delete()


# --- workflow -------------------------------------------------------------------------------
def submit_project(*, project: Project, actor: User) -> Project:
    """Draft → submitted (the proposer), only within the edition's proposal window (the office
    reopens it by moving the edition's dates). Side effects: audit entry."""
    with transaction.atomic():
        project = _locked(project)
        _require(permissions.is_proposer(actor, project),
                 _("Only the proposer can submit this project."))
        _require_status(project, (ProjectStatus.DRAFT,), _("Only a draft can be submitted."))
        _require_proposal_window(project.edition)
        if not project.summary.strip():
            raise ValidationError({"summary": _("A summary is needed before submitting.")})
        project.submitted_at = timezone.now()
        _transition(project, actor, ProjectStatus.SUBMITTED, "project.submitted",
                    extra_fields=["submitted_at"])
    return project


def approve_project(*, project: Project, actor: User) -> Project:
    """Submitted → approved (the programme office) and create the project's team with the
    proposer and co-supervisors as supervisors. Side effects: audit entry, notification to
    the proposer."""
    with transaction.atomic():
        project = _locked(project)
        _require(permissions.is_office(actor), _("Only the programme office approves projects."))
        _require_status(project, (ProjectStatus.SUBMITTED,), _("Only a submitted project can be "
                                                               "approved."))
        project.decided_at, project.decided_by = timezone.now(), actor
        _transition(project, actor, ProjectStatus.APPROVED, "project.approved",
                    extra_fields=["decided_at", "decided_by"])
        team = Team.objects.create(project=project, edition_id=project.edition_id,
                                   name=project.title, capacity=project.team_size_max)
        Membership.objects.bulk_create(
            Membership(team=team, user_id=user_id, edition_id=project.edition_id,
                       role=MembershipRole.SUPERVISOR)
            for user_id in sorted(project.supervisor_ids())
        )
        notify(recipient=project.proposer, template="project_approved",
               context={"project": project}, url=project.get_absolute_url())
    return project


def reject_project(*, project: Project, actor: User, reason: str) -> Project:
    """Submitted → rejected with a reason (the programme office). Side effects: audit entry,
    notification to the proposer."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for the rejection.")})
    with transaction.atomic():
        project = _locked(project)
        _require(permissions.is_office(actor), _("Only the programme office rejects projects."))
        _require_status(project, (ProjectStatus.SUBMITTED,), _("Only a submitted project can be "
                                                               "rejected."))
        project.rejection_reason = reason
        project.decided_at, project.decided_by = timezone.now(), actor
        _transition(project, actor, ProjectStatus.REJECTED, "project.rejected",
                    extra_fields=["rejection_reason", "decided_at", "decided_by"],
                    changes={"reason": reason})
        notify(recipient=project.proposer, template="project_rejected",
               context={"project": project, "reason": reason}, url=project.get_absolute_url())
    return project


def activate_project(*, project: Project, actor: User) -> Project:
    """Approved → active (the office or a supervisor). Side effects: audit entry."""
    with transaction.atomic():
        project = _locked(project)
        _require(permissions.can_run(actor, project),
                 _("Only the office or the project's supervisors can start the project."))
        _require_status(project, (ProjectStatus.APPROVED,), _("Only an approved project can be "
                                                              "started."))
        _transition(project, actor, ProjectStatus.ACTIVE, "project.activated")
    return project


def complete_project(*, project: Project, actor: User) -> Project:
    """Active → completed (the office or a supervisor). Side effects: audit entry."""
    with transaction.atomic():
        project = _locked(project)
        _require(permissions.can_run(actor, project),
                 _("Only the office or the project's supervisors can complete the project."))
        _require_status(project, (ProjectStatus.ACTIVE,), _("Only an active project can be "
                                                            "completed."))
        _transition(project, actor, ProjectStatus.COMPLETED, "project.completed")
    return project


def upload_attachment(*, project: Project, actor: User, kind: str, upload) -> ProjectAttachment:
    """Store a file of the project after checking its real type and size. Side effects: audit
    entry `project.attachment_added`."""
    if kind not in AttachmentKind.values:
        raise ValidationError({"kind": _("Choose a valid kind of file.")})
    with transaction.atomic():
        project = _locked(project)
        _require(permissions.can_upload(actor, project),
                 _("Only the office or the project's supervisors can add files."))
        if project.status not in ATTACHMENT_STATES[kind]:
            raise RuleViolation(_("A file of this kind cannot be added while the project is "
                                  "%(status)s.") % {"status": project.get_status_display().lower()})
        try:
            mime = validate_upload(upload, allowed=ATTACHMENT_TYPES[kind])
        except ValidationError as exc:
            raise ValidationError({"file": exc.messages}) from exc
        name = (upload.name or "file").rsplit("/", 1)[-1][-200:]
        attachment = ProjectAttachment(project=project, kind=kind, file=upload, original_name=name,
                                       content_type=mime, size=upload.size, uploaded_by=actor)
        try:
            attachment.save()
            record_audit(actor=actor, action="project.attachment_added", target=project,
                         changes={"attachment": [None, name], "kind": kind})
        except Exception:
            # The storage wrote the file before the row; a rolled-back row must not leave it.
            if attachment.file.name:
                attachment.file.storage.delete(attachment.file.name)
            raise
    return attachment


# --- helpers --------------------------------------------------------------------------------
def _require_proposal_window(edition) -> None:
    """Proposals are submitted from `proposals_start` to `proposals_end`, both days included
    (the portal's time zone)."""
    today = timezone.localdate()
    if today > edition.proposals_end:
        raise RuleViolation(_("Proposals for %(edition)s closed on %(date)s; the programme office can "
                              "reopen the proposal window.")
                            % {"edition": edition.title, "date": date_format(edition.proposals_end, "DATE_FORMAT")})
    if today < edition.proposals_start:
        raise RuleViolation(_("Proposals for %(edition)s open on %(date)s.")
                            % {"edition": edition.title, "date": date_format(edition.proposals_start, "DATE_FORMAT")})


def _locked(project: Project) -> Project:
    """Re-read the project under a row lock: two office members deciding at the same moment
    must not both pass the status check."""
    return (Project.objects.select_for_update().select_related("proposer", "edition")
            .get(pk=project.pk))


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _require_status(project: Project, allowed: tuple, message: str) -> None:
    if project.status not in allowed:
        raise RuleViolation(message + " " + _("The project is %(status)s.")
                            % {"status": project.get_status_display().lower()})


def _transition(project, actor, to_status, action, *, extra_fields=(), changes=None):
    from_status = project.status
    project.status = to_status
    project.save(update_fields=["status", "updated_at", *extra_fields])
    record_audit(actor=actor, action=action, target=project,
                 changes={"status": [from_status, to_status], **(changes or {})})


def _validate(project: Project, co_supervisors: list) -> None:
    errors = {}
    for user in co_supervisors:
        if user.pk == project.proposer_id:
            errors.setdefault("co_supervisors", []).append(
                _("The proposer is a supervisor already; do not add them as a co-supervisor."))
        elif user.status not in User.SUPERVISOR_STATUSES or user.is_staff or not user.is_active:
            errors.setdefault("co_supervisors", []).append(
                _("%(name)s is not a professor or researcher.") % {"name": user})
    levels = project.wanted_degree_levels or []
    if not isinstance(levels, list) or any(level not in DegreeLevel.values for level in levels):
        errors["wanted_degree_levels"] = [_("Choose degree levels from: %(levels)s.")
                                          % {"levels": ", ".join(DegreeLevel.values)}]
    try:
        project.full_clean(exclude=["proposer"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _repr(value):
    if hasattr(value, "pk"):
        return value.pk
    return value if isinstance(value, int | list | type(None)) else str(value)
