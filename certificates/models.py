"""Certificates (numbered, signed, stored), per-edition certificate settings, bulk issue runs and
each person's portfolio visibility."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marathon.models import Edition


class ResultDisplay(models.TextChoices):
    RANK = "rank", _("Rank")
    BAND = "band", _("Distinction band")
    NONE = "none", _("Not shown")


class CertificateSettings(models.Model):
    """What an edition's certificates state besides the facts: workload, how the commission's
    result is shown, the issuer and the signatories. The sequence counter lives here too, so
    numbering is serialised by this row's lock."""

    edition = models.OneToOneField(Edition, verbose_name=_("edition"), on_delete=models.CASCADE,
                                   related_name="certificate_settings")
    workload_hours = models.PositiveSmallIntegerField(_("workload (hours)"), null=True, blank=True)
    ects = models.DecimalField(_("ECTS credits"), max_digits=4, decimal_places=1, null=True, blank=True)
    result_display = models.CharField(_("commission result shown as"), max_length=10,
                                      choices=ResultDisplay.choices, default=ResultDisplay.RANK)
    issuer = models.CharField(_("issuer"), max_length=300,
                              default="Peter the Great St. Petersburg Polytechnic University (SPbPU)")
    signatories = models.JSONField(
        _("signatories"), default=list, blank=True,
        help_text=_('A list like [{"name": "Jane Doe", "title": "Programme director"}].'))
    next_number = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("certificate settings")
        verbose_name_plural = _("certificate settings")
        constraints = [
            models.CheckConstraint(condition=Q(next_number__gte=1), name="certificate_next_number_positive"),
        ]

    def __str__(self):
        return str(self.edition)


class CertificateRole(models.TextChoices):
    STUDENT = "student", _("Student")
    TEAM_LEAD = "team_lead", _("Student team lead")
    SUPERVISOR = "supervisor", _("Supervisor")
    EXPERT = "expert", _("Expert of the commission")
    VISITING_PROFESSOR = "visiting_professor", _("Visiting professor")


class CertificateStatus(models.TextChoices):
    ISSUED = "issued", _("Valid")
    REVOKED = "revoked", _("Revoked")


def new_code() -> str:
    return secrets.token_urlsafe(24)  # 192 bits: unguessable


def certificate_path(instance, filename):
    return f"certificates/{instance.edition_id}/{instance.code}.pdf"


class Certificate(models.Model):
    number = models.CharField(_("number"), max_length=40, unique=True)
    sequence = models.PositiveIntegerField()
    code = models.CharField(_("verification code"), max_length=64, unique=True, default=new_code)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="certificates")
    edition = models.ForeignKey(Edition, verbose_name=_("edition"), on_delete=models.PROTECT,
                                related_name="certificates")
    role = models.CharField(_("role"), max_length=30, choices=CertificateRole.choices)
    # Exactly the text that was signed and printed (canonical JSON), and its parsed copy.
    canonical = models.TextField()
    data = models.JSONField()
    signature = models.CharField(max_length=200)
    key_id = models.CharField(_("key id"), max_length=80)
    status = models.CharField(_("status"), max_length=10, choices=CertificateStatus.choices,
                              default=CertificateStatus.ISSUED)
    revoked_reason = models.CharField(_("reason for revocation"), max_length=500, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to=certificate_path, max_length=300, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            # Never twice for the same person and edition, even under concurrent bulk runs.
            models.UniqueConstraint(fields=["person", "edition"], name="certificate_once_per_person_edition"),
            models.UniqueConstraint(fields=["edition", "sequence"], name="certificate_sequence_per_edition"),
            models.CheckConstraint(
                condition=Q(status="issued") | (Q(status="revoked") & ~Q(revoked_reason="")),
                name="certificate_revoked_has_reason"),
        ]

    def __str__(self):
        return self.number

    @property
    def is_valid(self) -> bool:
        return self.status == CertificateStatus.ISSUED


class RunStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


class IssueRun(models.Model):
    """A bulk issue of an edition's certificates. The cursor (highest person id handled) makes a
    re-delivered or restarted task continue where the last committed batch ended."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="certificate_runs")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.PENDING)
    total = models.PositiveIntegerField(_("people"), default=0)
    processed = models.PositiveIntegerField(_("processed"), default=0)
    issued = models.PositiveIntegerField(_("issued"), default=0)
    cursor = models.PositiveBigIntegerField(default=0)
    # Set at every committed batch: a run whose worker was killed stops beating, and the beat job
    # (services.resume_stalled_runs) enqueues it again; auto_resumes counts those restarts since
    # the last batch that made progress, so a run that cannot advance ends as failed.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    auto_resumes = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("certificate issue run")
        verbose_name_plural = _("certificate issue runs")

    def __str__(self):
        return f"{self.edition.year} #{self.pk}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, 100 * self.processed // self.total)

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)


def new_slug() -> str:
    return secrets.token_urlsafe(12)


class Portfolio(models.Model):
    """A person's portfolio page: private unless they make it public at /portfolio/<slug>/."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portfolio")
    is_public = models.BooleanField(_("public"), default=False)
    slug = models.CharField(max_length=40, unique=True, default=new_slug)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("portfolio")
        verbose_name_plural = _("portfolios")

    def __str__(self):
        return str(self.user)
