"""An export of the yearly statistics, produced by a Celery task that reports its progress."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .storage import export_storage


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", _("Excel (XLSX)")
    PDF = "pdf", "PDF"


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ExportJob(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"),
                              on_delete=models.CASCADE, related_name="+")
    year_from = models.PositiveIntegerField(_("from"), validators=[MinValueValidator(2000),
                                                                  MaxValueValidator(2100)])
    year_to = models.PositiveIntegerField(_("to"), validators=[MinValueValidator(2000),
                                                              MaxValueValidator(2100)])
    format = models.CharField(_("format"), max_length=10, choices=ExportFormat.choices)
    status = models.CharField(_("status"), max_length=10, choices=ExportStatus.choices,
                              default=ExportStatus.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    # A name in the export storage (reports.storage), never served directly (see reports.views.download).
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    # A running export beats (heartbeat_at) at every progress step; its runner is identified by
    # run_token, so a re-delivered task can take over from a dead worker and a runner that was
    # taken over can neither report progress nor finish the job (it finishes once).
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    run_token = models.CharField(max_length=32, blank=True, editable=False)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    # The requester's language: the file's headings, labels and area names are written in it.
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("statistics export")
        verbose_name_plural = _("statistics exports")
        constraints = [
            models.CheckConstraint(condition=Q(year_from__lte=F("year_to")),
                                   name="export_years_ordered"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="export_progress_percent"),
        ]

    def __str__(self):
        return f"{self.year_from}–{self.year_to} {self.format} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)

    def file_available(self) -> bool:
        """The finished file is still in the export storage (the cleanup job removes old ones)."""
        return bool(self.file_name) and export_storage().exists(self.file_name)

    def open_file(self):
        return export_storage().open(self.file_name, "rb")

    @property
    def download_name(self) -> str:
        return f"marathon-statistics-{self.year_from}-{self.year_to}.{self.format}"
