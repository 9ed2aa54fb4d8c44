"""Export jobs: start (office only), run (the Celery task's body), clean up old files."""

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from marathon.exceptions import RuleViolation
from marathon.models import User
from marathon.resilience import mark_redis_down, redis_is_down
from marathon.services import notify, record_audit

from .exports import BUILDERS
from .models import ExportFormat, ExportJob, ExportStatus
from .statistics import MAX_YEAR, MIN_YEAR, compute_statistics
from .storage import export_storage

logger = logging.getLogger(__name__)


def validate_year_range(year_from: int, year_to: int) -> None:
    errors = {}
    for name, year in (("from", year_from), ("to", year_to)):
        if not MIN_YEAR <= year <= MAX_YEAR:
            errors[name] = [_("Enter a year between %(min)d and %(max)d.") % {"min": MIN_YEAR, "max": MAX_YEAR}]
    if not errors and year_from > year_to:
        errors["to"] = [_("The last year must not be before the first year.")]
    if errors:
        raise ValidationError(errors)


def start_export(*, actor: User, year_from: int, year_to: int, format: str,
                 language: str | None = None) -> ExportJob:
    """Create an export job and enqueue its generation after commit; audited. Office only.
    The file is written in `language`, by default the requester's (their profile's) language."""
    if not actor.is_staff:
        raise PermissionDenied(_("Only the programme office can export statistics."))
    validate_year_range(year_from, year_to)
    if format not in ExportFormat.values:
        raise ValidationError({"format": [_("Choose CSV, XLSX or PDF.")]})
    with transaction.atomic():
        job = ExportJob.objects.create(owner=actor, year_from=year_from, year_to=year_to,
                                       format=format, language=export_language(actor, language))
        record_audit(actor=actor, action="reports.export_started", target=job,
                     changes={"from": year_from, "to": year_to, "format": format})
        transaction.on_commit(lambda: enqueue_export(job.pk))
    return job


def export_language(actor: User, language: str | None) -> str:
    supported = dict(settings.LANGUAGES)
    for candidate in (language, actor.preferred_language, translation.get_language()):
        if candidate in supported:
            return candidate
    return settings.LANGUAGE_CODE


def enqueue_export(job_id: int) -> None:
    from .tasks import generate_export

    try:
        if redis_is_down():
            raise ConnectionError("Redis is down")
        generate_export.apply_async(args=[job_id], retry=False)
    except Exception as exc:  # broker unreachable: tell the user now rather than leave a stuck bar
        mark_redis_down(exc)
        logger.warning("Could not enqueue export %s (%s).", job_id, exc.__class__.__name__)
        _fail(job_id, _("The export could not be started; please try again later."))


MAX_EXPORT_ATTEMPTS = 3


class ExportBusy(Exception):
    """Another runner of the job is alive; try again once its heartbeat may have gone stale."""

    def __init__(self, retry_in: int):
        super().__init__(retry_in)
        self.retry_in = retry_in


class ExportSuperseded(Exception):
    """This runner was declared dead and the job taken over (or ended) by someone else."""


def heartbeat_timeout() -> timedelta:
    return timedelta(seconds=settings.EXPORT_HEARTBEAT_TIMEOUT)


def stalled_after() -> timedelta:
    """After this long without a heartbeat (or still waiting to start) a job gets no more help:
    the broker would have re-delivered a killed worker's task and it would have taken over."""
    return timedelta(seconds=settings.CELERY_VISIBILITY_TIMEOUT) + 2 * heartbeat_timeout()


def set_progress(job_id: int, token: str, percent: int) -> None:
    """Record progress and a heartbeat, if this runner still owns the job.

    An UPDATE outside any long transaction, so the polling page sees it at once."""
    owned = ExportJob.objects.filter(pk=job_id, run_token=token, status=ExportStatus.RUNNING).update(
        progress=max(0, min(100, percent)), heartbeat_at=timezone.now())
    if not owned:
        raise ExportSuperseded


def claim_export(job_id: int) -> tuple[ExportJob, str] | str:
    """Take the job for this runner: a waiting job, or a running one whose runner stopped beating
    (its worker was killed). Returns (job, token), or why there is nothing to do."""
    now = timezone.now()
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return "finished-or-missing"
        if job.status == ExportStatus.RUNNING and job.heartbeat_at and job.heartbeat_at > now - heartbeat_timeout():
            raise ExportBusy(retry_in=int((job.heartbeat_at + heartbeat_timeout() - now).total_seconds()) + 1)
        if job.attempts >= MAX_EXPORT_ATTEMPTS:
            _fail(job.pk, _("The export was interrupted %(count)d times; please try again.")
                  % {"count": job.attempts})
            return "failed"
        job.status, job.progress, job.error = ExportStatus.RUNNING, 5, ""
        job.attempts += 1
        job.run_token, job.heartbeat_at = uuid.uuid4().hex, now
        job.save(update_fields=["status", "progress", "error", "attempts", "run_token", "heartbeat_at"])
    return job, job.run_token


def run_export(*, job_id: int) -> str:
    """Compute the statistics, write the file under EXPORT_ROOT, mark the job done; audited.

    Idempotent and resumable: a finished job is left alone; a job whose worker died is taken over
    from the start (ExportBusy while its runner may still be alive); only the current runner can
    finish, so a job finishes once. A failure marks the job failed and notifies its owner."""
    claim = claim_export(job_id)
    if isinstance(claim, str):
        return claim
    job, token = claim
    name = None
    try:
        # Worker processes have no request: titles and names are in the requester's language.
        with translation.override(job.language or settings.LANGUAGE_CODE):
            stats = compute_statistics(year_from=job.year_from, year_to=job.year_to)
            set_progress(job.pk, token, 40)
            content = BUILDERS[job.format](stats, lambda p: set_progress(job.pk, token, 40 + p * 55 // 100))
        name = write_export_file(job, token, content)
        with transaction.atomic():
            if not ExportJob.objects.filter(pk=job.pk, run_token=token, status=ExportStatus.RUNNING).update(
                    status=ExportStatus.DONE, progress=100, file_name=name, finished_at=timezone.now()):
                raise ExportSuperseded
            record_audit(actor=None, action="reports.export_finished", target=job,
                         changes={"file": name, "attempt": job.attempts})
    except ExportSuperseded:
        if name:
            export_storage().delete(name)
        return "superseded"
    except Exception as exc:
        logger.exception("Export %s failed.", job.pk)
        _fail(job.pk, _("The export failed: %(error)s") % {"error": exc.__class__.__name__}, token=token)
        return "failed"
    return "done"


def write_export_file(job: ExportJob, token: str, content: bytes) -> str:
    """Store the file through the export storage; returns its name. The job points to the name
    only once the runner finishes, so a killed runner's file is never served (and is removed by
    the cleanup job)."""
    return export_storage().save(f"export-{job.pk}-{token[:12]}.{job.format}", ContentFile(content))


def retry_export(*, job: ExportJob, actor: User) -> ExportJob:
    """Start a failed export again (same range and format); audited. Office only."""
    if not actor.is_staff:
        raise PermissionDenied(_("Only the programme office can export statistics."))
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != ExportStatus.FAILED:
            raise RuleViolation(_("Only a failed export can be tried again."))
        job.status, job.progress, job.error, job.attempts = ExportStatus.PENDING, 0, "", 0
        job.run_token, job.heartbeat_at, job.finished_at = "", None, None
        job.save(update_fields=["status", "progress", "error", "attempts", "run_token", "heartbeat_at",
                                "finished_at"])
        record_audit(actor=actor, action="reports.export_retried", target=job)
        transaction.on_commit(lambda: enqueue_export(job.pk))
    return job


def fail_stalled_exports(*, now=None) -> int:
    """Beat job: a job that cannot finish ends as failed (with a retry button), never "running"
    forever — running without a heartbeat, or never started, for longer than `stalled_after()`."""
    cutoff = (now or timezone.now()) - stalled_after()
    stalled = (Q(status=ExportStatus.RUNNING, heartbeat_at__lt=cutoff)
               | Q(status=ExportStatus.PENDING, created_at__lt=cutoff))
    count = 0
    for job_id in list(ExportJob.objects.filter(stalled).values_list("pk", flat=True)):
        with transaction.atomic():
            # Checked again under the lock: the runner may have beaten in the meantime.
            if ExportJob.objects.select_for_update().filter(stalled, pk=job_id).exists():
                _fail(job_id, _("The export stopped unexpectedly; please try again."))
                count += 1
    return count


def _fail(job_id: int, message: str, *, token: str | None = None) -> None:
    """Mark the job failed and tell its owner (only while `token`'s runner still owns it)."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().select_related("owner").get(pk=job_id)
        if job.is_finished or (token is not None and job.run_token != token):
            return
        job.status, job.error, job.finished_at = ExportStatus.FAILED, message, timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        record_audit(actor=None, action="reports.export_failed", target=job, changes={"error": message})
        notify(recipient=job.owner, template="generic",
               context={"subject": _("Statistics export failed"), "message": message},
               url=reverse("reports:export_detail", args=[job.pk]), send_email=False)


def delete_expired_exports(*, now=None) -> int:
    """Delete export jobs and their files older than EXPORT_RETENTION_DAYS, and stray files."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.EXPORT_RETENTION_DAYS)
    deleted = 0
    storage = export_storage()
    for job in ExportJob.objects.filter(created_at__lt=cutoff).iterator():
        if job.file_name:
            storage.delete(job.file_name)
        job.delete()
        deleted += 1
    try:
        _dirs, names = storage.listdir("")
    except FileNotFoundError:  # no export written yet on this disk
        names = []
    for name in names:
        if storage.get_modified_time(name) < cutoff:
            storage.delete(name)
    return deleted
