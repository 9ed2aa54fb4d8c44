"""Export jobs: start (office only), run (the Celery task's body), clean up old files."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from marathon.models import User
from marathon.services import notify, record_audit

from .exports import BUILDERS
from .models import ExportFormat, ExportJob, ExportStatus
from .statistics import MAX_YEAR, MIN_YEAR, compute_statistics

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
        generate_export.apply_async(args=[job_id], retry=False)
    except Exception:  # broker unreachable: tell the user now rather than leave a stuck bar
        logger.warning("Could not enqueue export %s.", job_id, exc_info=True)
        _fail(job_id, _("The export could not be started; please try again later."))


def set_progress(job_id: int, percent: int) -> None:
    # An UPDATE outside any long transaction, so the polling page sees it at once.
    ExportJob.objects.filter(pk=job_id).update(progress=max(0, min(100, percent)))


def run_export(*, job_id: int) -> str:
    """Compute the statistics, write the file under EXPORT_ROOT, mark the job done.

    Idempotent: a finished job is left alone; a job interrupted while running starts again.
    A failure marks the job failed and notifies its owner."""
    claimed = ExportJob.objects.filter(
        pk=job_id, status__in=[ExportStatus.PENDING, ExportStatus.RUNNING],
    ).update(status=ExportStatus.RUNNING, progress=5, error="")
    if not claimed:
        return "finished-or-missing"
    job = ExportJob.objects.get(pk=job_id)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            stats = compute_statistics(year_from=job.year_from, year_to=job.year_to)
            set_progress(job.pk, 40)
            content = BUILDERS[job.format](stats, lambda p: set_progress(job.pk, 40 + p * 55 // 100))
            file_name = f"export-{job.pk}-{timezone.now():%Y%m%d%H%M%S}.{job.format}"
            settings.EXPORT_ROOT.mkdir(parents=True, exist_ok=True)
            (settings.EXPORT_ROOT / file_name).write_bytes(content)
        except Exception as exc:
            logger.exception("Export %s failed.", job.pk)
            _fail(job.pk, _("The export failed: %(error)s") % {"error": exc.__class__.__name__})
            return "failed"
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.DONE, progress=100,
                                               file_name=file_name, finished_at=timezone.now())
    return "done"


def _fail(job_id: int, message: str) -> None:
    with transaction.atomic():
        job = ExportJob.objects.select_related("owner").get(pk=job_id)
        job.status, job.error, job.finished_at = ExportStatus.FAILED, message, timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        notify(recipient=job.owner, template="generic",
               context={"subject": _("Statistics export failed"), "message": message},
               url=reverse("reports:export_detail", args=[job.pk]), send_email=False)


def delete_expired_exports(*, now=None) -> int:
    """Delete export jobs and their files older than EXPORT_RETENTION_DAYS, and stray files."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.EXPORT_RETENTION_DAYS)
    deleted = 0
    for job in ExportJob.objects.filter(created_at__lt=cutoff).iterator():
        if job.path:
            job.path.unlink(missing_ok=True)
        job.delete()
        deleted += 1
    root = settings.EXPORT_ROOT
    if root.is_dir():
        for path in root.iterdir():
            if path.is_file() and path.stat().st_mtime < cutoff.timestamp():
                path.unlink(missing_ok=True)
    return deleted
