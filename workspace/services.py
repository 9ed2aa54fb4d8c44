"""Every write of the workspace: one function per workflow step, transactional, audited, with
an activity row for the team's feed and notifications stored in the same transaction.

Concurrency: a milestone edit names the version it started from and locks the row; a stale edit
is refused (two supervisors editing the same milestone never overwrite each other silently).
Signing locks the team row, so the hash chain's order (`chain_index`, unique per team) is
decided one signature at a time."""

import hashlib
import re
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from marathon.exceptions import RuleViolation
from marathon.models import User
from marathon.services import notify, record_audit
from marathon.uploads import IMAGES, PDF, validate_upload
from projects.models import Project, Team

from . import chain, periods, permissions
from .models import (
    Activity,
    Comment,
    DigestPreference,
    EntryStatus,
    JournalEntry,
    JournalFile,
    Milestone,
    MilestoneStatus,
    ProgressReport,
    ProjectWorkspaceSettings,
    ReportReview,
    ReportStatus,
    ReviewDecision,
)
from .selectors import edition_settings, participants

ENTRY_FIELDS = ("kind", "title", "aim", "method", "samples", "results", "measurements", "conclusion", "key_result")
MILESTONE_FIELDS = ("kind", "title", "description", "start_date", "due_date", "status", "evidence_url")
REPORT_FIELDS = ("done", "next_steps", "risks")
DATA_EXTENSIONS = {"csv", "txt", "json", "tsv", "dat"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_write(actor: User, team: Team) -> None:
    if not permissions.access_for(actor, team).write:
        raise PermissionDenied(_("Only the team's members and supervisors can change its workspace."))


def _activity(team: Team, actor: User, verb: str, text: str, url: str = "") -> None:
    Activity.objects.create(team=team, actor=actor, verb=verb, text=text[:300], url=url)


# --- work plan -------------------------------------------------------------------------------
def create_milestone(*, team: Team, actor: User, data: dict, owners=(), evidence=None) -> Milestone:
    """Side effects: audit `milestone.created`, activity."""
    _require_write(actor, team)
    milestone = Milestone(team=team, created_by=actor, **{k: data[k] for k in MILESTONE_FIELDS if k in data})
    _check_owners(team, owners)
    with transaction.atomic():
        _set_status_time(milestone, None)
        _attach_evidence(milestone, evidence)
        milestone.full_clean()
        milestone.save()
        milestone.owners.set(owners)
        record_audit(actor=actor, action="milestone.created", target=milestone,
                     changes={"title": milestone.title, "due_date": str(milestone.due_date)})
        _activity(team, actor, "milestone.created", _("%(name)s added the milestone “%(title)s”.")
                  % {"name": actor.full_name, "title": milestone.title}, milestone.get_absolute_url())
    return milestone


def update_milestone(*, milestone: Milestone, actor: User, data: dict, expected_version: int,
                     owners=None, evidence=None) -> Milestone:
    """Edit fields and status. Refused (409) when someone saved a newer version meanwhile.
    Side effects: audit `milestone.updated` with the changes, activity."""
    _require_write(actor, milestone.team)
    if owners is not None:
        _check_owners(milestone.team, owners)
    with transaction.atomic():
        current = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if current.version != expected_version:
            raise RuleViolation(_("Someone else changed this milestone meanwhile; reload it and try again."))
        old_status = current.status
        changes = {}
        for field in MILESTONE_FIELDS:
            if field in data and getattr(current, field) != data[field]:
                changes[field] = [str(getattr(current, field)), str(data[field])]
                setattr(current, field, data[field])
        _set_status_time(current, old_status)
        if evidence is not None:
            _attach_evidence(current, evidence)
            changes["evidence_file"] = current.evidence_name
        current.version += 1
        current.updated_at = timezone.now()
        current.full_clean()
        current.save()
        if owners is not None:
            current.owners.set(owners)
        record_audit(actor=actor, action="milestone.updated", target=current, changes=changes)
        if "status" in changes:
            _activity(current.team, actor, "milestone.status", _("%(name)s set “%(title)s” to %(status)s.")
                      % {"name": actor.full_name, "title": current.title, "status": current.get_status_display()},
                      current.get_absolute_url())
    return current


def _set_status_time(milestone: Milestone, old_status) -> None:
    if milestone.status == MilestoneStatus.DONE and old_status != MilestoneStatus.DONE:
        milestone.completed_at = timezone.now()
    elif milestone.status != MilestoneStatus.DONE:
        milestone.completed_at = None


def _check_owners(team: Team, owners) -> None:
    allowed = permissions.member_ids(team)
    if any(user.pk not in allowed for user in owners):
        raise ValidationError({"owners": [_("Owners must be members of the team.")]})


def _attach_evidence(milestone: Milestone, upload) -> None:
    if upload is None:
        return
    try:
        mime = validate_upload(upload, allowed=IMAGES | PDF)
    except ValidationError as exc:
        raise ValidationError({"evidence_file": exc.messages}) from None
    milestone.evidence_file.save(upload.name, upload, save=False)
    milestone.evidence_name, milestone.evidence_type = upload.name[:255], mime


# --- lab journal -----------------------------------------------------------------------------
def create_entry(*, team: Team, actor: User, data: dict, milestones=(), coauthors=(), files=()) -> JournalEntry:
    """A draft entry by `actor`. Side effects: audit `journal.created`, activity."""
    _require_write(actor, team)
    entry = JournalEntry(team=team, author=actor, **{k: data[k] for k in ENTRY_FIELDS if k in data})
    with transaction.atomic():
        entry.full_clean()
        entry.save()
        entry.root = entry
        entry.save(update_fields=["root"])
        _set_links(entry, milestones, coauthors)
        for upload in files:
            add_entry_file(entry=entry, actor=actor, upload=upload)
        record_audit(actor=actor, action="journal.created", target=entry, changes={"title": entry.title})
        _activity(team, actor, "journal.created", _("%(name)s started the journal entry “%(title)s”.")
                  % {"name": actor.full_name, "title": entry.title}, entry.get_absolute_url())
    return entry


def update_entry(*, entry: JournalEntry, actor: User, data: dict, milestones=None, coauthors=None,
                 files=()) -> JournalEntry:
    """Edit a draft (its author only). Signed entries are never changed: make a new version."""
    with transaction.atomic():
        entry = _lock_entry(entry.pk)
        _require_draft_author(entry, actor)
        changes = {}
        for field in ENTRY_FIELDS:
            if field in data and getattr(entry, field) != data[field]:
                changes[field] = True
                setattr(entry, field, data[field])
        entry.updated_at = timezone.now()
        entry.full_clean()
        entry.save()
        _set_links(entry, milestones, coauthors)
        for upload in files:
            add_entry_file(entry=entry, actor=actor, upload=upload)
        record_audit(actor=actor, action="journal.updated", target=entry, changes={"fields": sorted(changes)})
    return entry


def _lock_entry(pk: int) -> JournalEntry:
    return JournalEntry.objects.select_for_update().select_related("team__project", "team__edition").get(pk=pk)


def _require_draft_author(entry: JournalEntry, actor: User) -> None:
    if entry.author_id != actor.pk:
        raise PermissionDenied(_("Only the author can change or sign a journal entry."))
    if entry.status != EntryStatus.DRAFT:
        raise RuleViolation(_("A signed entry is never changed; create a new version to correct it."))


def _set_links(entry: JournalEntry, milestones, coauthors) -> None:
    if milestones is not None:
        if any(m.team_id != entry.team_id for m in milestones):
            raise ValidationError({"milestones": [_("Link only milestones of this team.")]})
        entry.milestones.set(milestones)
    if coauthors is not None:
        allowed = permissions.workspace_readers(_team_with_people(entry.team_id))
        if any(u.pk not in allowed or u.pk == entry.author_id for u in coauthors):
            raise ValidationError({"coauthors": [_("Co-authors must be other members or supervisors of the team.")]})
        entry.coauthors.set(coauthors)


def _team_with_people(team_id: int) -> Team:
    from .selectors import teams_for_workspace

    return teams_for_workspace().get(pk=team_id)


def add_entry_file(*, entry: JournalEntry, actor: User, upload) -> JournalFile:
    """Attach an image, PDF or data file to a draft (checked by content and size)."""
    if entry.status != EntryStatus.DRAFT:
        raise RuleViolation(_("Files can be added only before the entry is signed."))
    mime = _check_journal_file(upload)
    digest = hashlib.sha256()
    for piece in upload.chunks():
        digest.update(piece)
    upload.seek(0)
    stored = JournalFile(entry=entry, original_name=upload.name[:255], content_type=mime, size=upload.size,
                         sha256=digest.hexdigest(), uploaded_by=actor)
    stored.file.save(upload.name, upload, save=False)
    stored.save()
    record_audit(actor=actor, action="journal.file_added", target=entry, changes={"file": stored.original_name})
    return stored


def _check_journal_file(upload) -> str:
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    try:
        if extension in DATA_EXTENSIONS:
            validate_upload_text(upload)
            return "text/csv" if extension == "csv" else "text/plain"
        return validate_upload(upload, allowed=IMAGES | PDF | {XLSX, "application/zip"})
    except ValidationError as exc:
        raise ValidationError({"files": exc.messages}) from None


def validate_upload_text(upload) -> None:
    from django.conf import settings

    if upload.size == 0:
        raise ValidationError(_("The file is empty."))
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(_("The file is too large."))
    head = upload.read(8192)
    upload.seek(0)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a multi-byte character cut at the end
            raise ValidationError(_("A data file must be UTF-8 text (CSV, TSV, TXT, JSON).")) from None
    if b"\x00" in head:
        raise ValidationError(_("A data file must be UTF-8 text (CSV, TSV, TXT, JSON)."))


def sign_entry(*, entry: JournalEntry, actor: User) -> JournalEntry:
    """The author signs: the entry is frozen and joins the team's hash chain. A signed
    correction supersedes the version it corrects. Side effects: audit `journal.signed`,
    activity; co-authors are notified."""
    with transaction.atomic():
        Team.objects.select_for_update().filter(pk=entry.team_id).first()  # one signature at a time
        entry = _lock_entry(entry.pk)
        _require_draft_author(entry, actor)
        if not permissions.access_for(actor, _team_with_people(entry.team_id)).write:
            raise PermissionDenied(_("Only the team's members and supervisors can change its workspace."))
        last = (JournalEntry.objects.filter(team_id=entry.team_id, status=EntryStatus.SIGNED)
                .order_by("-chain_index").first())
        entry.status, entry.signed_at = EntryStatus.SIGNED, timezone.now()
        entry.chain_index = (last.chain_index + 1) if last else 1
        entry.previous_hash = last.content_hash if last else ""
        entry.content_hash = chain.entry_hash(entry, entry.previous_hash)
        entry.save()
        if entry.previous_version_id:
            JournalEntry.objects.filter(pk=entry.previous_version_id).update(superseded_at=entry.signed_at)
        record_audit(actor=actor, action="journal.signed", target=entry,
                     changes={"sha256": entry.content_hash, "version": entry.version})
        _activity(entry.team, actor, "journal.signed", _("%(name)s signed “%(title)s” (version %(version)d).")
                  % {"name": actor.full_name, "title": entry.title, "version": entry.version},
                  entry.get_absolute_url())
        for user in entry.coauthors.all():
            notify(recipient=user, template="workspace_entry_signed", url=entry.get_absolute_url(),
                   context={"entry": entry, "actor": actor})
    return entry


def new_version(*, entry: JournalEntry, actor: User) -> JournalEntry:
    """A draft correction of a signed entry: a copy with `previous_version` set. The signed
    version stays as it is and readable in the history."""
    with transaction.atomic():
        entry = _lock_entry(entry.pk)
        if entry.author_id != actor.pk:
            raise PermissionDenied(_("Only the author can correct a journal entry."))
        if entry.status != EntryStatus.SIGNED:
            raise RuleViolation(_("Only a signed entry gets a new version; edit the draft instead."))
        if JournalEntry.objects.filter(previous_version=entry).exists():
            raise RuleViolation(_("This version already has a newer version."))
        copy = JournalEntry(team=entry.team, author=actor, root_id=entry.root_id or entry.pk,
                            previous_version=entry, version=entry.version + 1,
                            **{k: getattr(entry, k) for k in ENTRY_FIELDS})
        copy.save()
        copy.milestones.set(entry.milestones.all())
        copy.coauthors.set(entry.coauthors.all())
        record_audit(actor=actor, action="journal.new_version", target=copy,
                     changes={"previous": entry.pk, "version": copy.version})
        _activity(entry.team, actor, "journal.new_version", _("%(name)s started version %(version)d of “%(title)s”.")
                  % {"name": actor.full_name, "version": copy.version, "title": entry.title},
                  copy.get_absolute_url())
    return copy


# --- progress reports ------------------------------------------------------------------------
def start_report(*, team: Team, actor: User, period_start: date) -> ProgressReport:
    """The draft report of a period, generated from the period's milestones and journal."""
    _require_write(actor, team)
    config = edition_settings(team.edition)
    period = periods.period_starting(team.edition, config.report_cadence, period_start)
    if period is None:
        raise ValidationError({"period_start": [_("This is not a reporting period of the edition.")]})
    if period.start > timezone.localdate():
        raise RuleViolation(_("This period has not started yet."))
    done, next_steps = draft_text(team, period)
    report = ProgressReport(team=team, period_start=period.start, period_end=period.end, due_date=period.due,
                            done=done, next_steps=next_steps)
    try:
        with transaction.atomic():
            report.save()
            record_audit(actor=actor, action="report.started", target=report)
    except IntegrityError:
        raise RuleViolation(_("This period already has a report.")) from None
    return report


def draft_text(team: Team, period) -> tuple[str, str]:
    milestones = Milestone.objects.filter(team=team).order_by("due_date", "pk")
    done = [f"- {m.title}" for m in milestones
            if m.status == MilestoneStatus.DONE and m.completed_at and m.completed_at.date() <= period.end]
    entries = JournalEntry.objects.filter(team=team, created_at__date__gte=period.start,
                                          created_at__date__lte=period.end, superseded_at__isnull=True)
    done += [f"- {e.get_kind_display()}: {e.title}" for e in entries.order_by("created_at", "pk")]
    upcoming = [f"- {m.title} ({m.due_date:%Y-%m-%d})" for m in milestones
                if m.status in (MilestoneStatus.PLANNED, MilestoneStatus.IN_PROGRESS)][:10]
    return "\n".join(done), "\n".join(upcoming)


def update_report(*, report: ProgressReport, actor: User, data: dict) -> ProgressReport:
    _require_write(actor, report.team)
    with transaction.atomic():
        report = ProgressReport.objects.select_for_update().select_related("team").get(pk=report.pk)
        if report.status not in (ReportStatus.DRAFT, ReportStatus.CHANGES_REQUESTED):
            raise RuleViolation(_("A submitted or approved report cannot be edited."))
        for field in REPORT_FIELDS:
            if field in data:
                setattr(report, field, data[field])
        report.updated_at = timezone.now()
        report.save()
        record_audit(actor=actor, action="report.updated", target=report, changes={"fields": sorted(data)})
    return report


def submit_report(*, report: ProgressReport, actor: User) -> ProgressReport:
    """Hand the report to the supervisors (also a resubmission after changes were requested).
    Side effects: audit `report.submitted`, activity, the supervisors are notified."""
    team = _team_with_people(report.team_id)
    _require_write(actor, team)
    with transaction.atomic():
        report = ProgressReport.objects.select_for_update().get(pk=report.pk)
        if report.status not in (ReportStatus.DRAFT, ReportStatus.CHANGES_REQUESTED):
            raise RuleViolation(_("This report is already submitted."))
        if not report.done.strip():
            raise ValidationError({"done": [_("Say what was done in this period.")]})
        report.status, report.submitted_at, report.submitted_by = ReportStatus.SUBMITTED, timezone.now(), actor
        report.save()
        record_audit(actor=actor, action="report.submitted", target=report)
        _activity(team, actor, "report.submitted", _("%(name)s submitted the report for %(period)s.")
                  % {"name": actor.full_name, "period": f"{report.period_start:%d.%m}–{report.period_end:%d.%m.%Y}"},
                  report.get_absolute_url())
        for user_id in permissions.supervisor_ids(team) - {actor.pk}:
            notify(recipient=User.objects.get(pk=user_id), template="workspace_report_submitted",
                   url=report.get_absolute_url(), context={"report": report, "team": team, "actor": actor})
    return report


def approve_report(*, report: ProgressReport, actor: User, comment: str = "") -> ProgressReport:
    return _review(report, actor, ReviewDecision.APPROVED, comment)


def request_changes(*, report: ProgressReport, actor: User, comment: str) -> ProgressReport:
    if not (comment or "").strip():
        raise ValidationError({"comment": [_("Tell the team what to change.")]})
    return _review(report, actor, ReviewDecision.CHANGES_REQUESTED, comment)


def _review(report: ProgressReport, actor: User, decision: str, comment: str) -> ProgressReport:
    """A supervisor's decision on a submitted report. Side effects: a review row, audit
    `report.approved` / `report.changes_requested`, activity, the team's students are notified."""
    team = _team_with_people(report.team_id)
    if not permissions.access_for(actor, team).review:
        raise PermissionDenied(_("Only the team's supervisors review its reports."))
    with transaction.atomic():
        report = ProgressReport.objects.select_for_update().get(pk=report.pk)
        if report.status != ReportStatus.SUBMITTED:
            raise RuleViolation(_("Only a submitted report can be reviewed."))
        report.status = ReportStatus(decision)
        report.reviewed_at, report.reviewed_by = timezone.now(), actor
        report.save()
        ReportReview.objects.create(report=report, reviewer=actor, decision=decision, comment=comment.strip())
        record_audit(actor=actor, action=f"report.{decision}", target=report, changes={"comment": comment.strip()})
        _activity(team, actor, f"report.{decision}", _("%(name)s: %(decision)s — report %(period)s.")
                  % {"name": actor.full_name, "decision": ReviewDecision(decision).label,
                     "period": f"{report.period_start:%d.%m}–{report.period_end:%d.%m.%Y}"},
                  report.get_absolute_url())
        for user_id in permissions.member_ids(team) - permissions.supervisor_ids(team):
            notify(recipient=User.objects.get(pk=user_id), template="workspace_report_reviewed",
                   url=report.get_absolute_url(),
                   context={"report": report, "team": team, "actor": actor, "comment": comment.strip(),
                            "approved": decision == ReviewDecision.APPROVED})
    return report


# --- discussion ------------------------------------------------------------------------------
MENTION = re.compile(r"(?<![\w.])@([\w.+-]+)")


def add_comment(*, actor: User, body: str, milestone=None, entry=None, report=None) -> Comment:
    """A comment on one target. `@name` (the part of a participant's e-mail address before
    the @) notifies that person. Side effects: audit `comment.added`, activity, notifications."""
    target = milestone or entry or report
    team = _team_with_people(target.team_id)
    _require_write(actor, team)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [_("Write a comment.")]})
    handles = {h.lower().rstrip(".") for h in MENTION.findall(body)}
    mentioned = [u for u in participants(team) if u.email.split("@")[0].lower() in handles and u.pk != actor.pk]
    with transaction.atomic():
        comment = Comment.objects.create(team=team, author=actor, body=body, milestone=milestone, entry=entry,
                                         report=report)
        comment.mentions.set(mentioned)
        record_audit(actor=actor, action="comment.added", target=comment,
                     changes={"on": f"{type(target).__name__}:{target.pk}"})
        url = target.get_absolute_url()
        _activity(team, actor, "comment.added", _("%(name)s commented on “%(target)s”.")
                  % {"name": actor.full_name, "target": str(target)}, url)
        for user in mentioned:
            notify(recipient=user, template="workspace_mention", url=url,
                   context={"actor": actor, "target": target, "body": body, "team": team})
    return comment


# --- settings --------------------------------------------------------------------------------
def set_customer_access(*, project: Project, actor: User, allowed: bool) -> ProjectWorkspaceSettings:
    team = _team_with_people(project.team.pk)
    if not (actor.is_staff or actor.pk in permissions.supervisor_ids(team)):
        raise PermissionDenied(_("Only the project's supervisors decide who else reads the workspace."))
    with transaction.atomic():
        settings_row, _created = ProjectWorkspaceSettings.objects.select_for_update().get_or_create(project=project)
        settings_row.customer_can_read = allowed
        settings_row.save()
        record_audit(actor=actor, action="workspace.customer_access", target=project, changes={"allowed": allowed})
    return settings_row


def set_digest_opt_out(*, user: User, opted_out: bool) -> DigestPreference:
    with transaction.atomic():
        preference, _created = DigestPreference.objects.update_or_create(user=user, defaults={"opted_out": opted_out})
        record_audit(actor=user, action="workspace.digest_preference", target=user, changes={"opted_out": opted_out})
    return preference


def workspace_url(team: Team) -> str:
    return reverse("workspace:team", args=[team.pk])


# --- exports ---------------------------------------------------------------------------------
def start_pdf_export(*, team: Team, actor: User):
    """A PDF of the journal and reports, built by Celery after commit; audited."""
    from .models import WorkspaceExport

    if not permissions.access_for(actor, _team_with_people(team.pk)).read:
        raise PermissionDenied(_("You cannot export this workspace."))
    with transaction.atomic():
        job = WorkspaceExport.objects.create(team=team, owner=actor)
        record_audit(actor=actor, action="workspace.export_started", target=team, changes={"export": job.pk})
        transaction.on_commit(lambda: _enqueue_export(job.pk))
    return job


def _enqueue_export(job_id: int) -> None:
    import logging

    from .models import ExportStatus, WorkspaceExport
    from .tasks import generate_pdf_export

    try:
        generate_pdf_export.apply_async(args=[job_id], retry=False)
    except Exception:  # broker unreachable: say so on the page instead of a stuck bar
        logging.getLogger(__name__).warning("Could not enqueue workspace export %s.", job_id, exc_info=True)
        WorkspaceExport.objects.filter(pk=job_id).update(
            status=ExportStatus.FAILED, error=_("The export could not be started; please try again later."))
