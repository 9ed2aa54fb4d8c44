"""A team's research workspace: work plan, lab journal, progress reports, discussion.

Invariants live in the database: statuses are checked, a report period exists once per team,
reminders and digests have unique sent-markers, and (on PostgreSQL) a trigger refuses any change
of a signed journal entry's content or its deletion (migration 0002)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marathon.models import Edition
from projects.models import Project, Team


class Cadence(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    BIWEEKLY = "biweekly", _("Every two weeks")
    MONTHLY = "monthly", _("Monthly")


class EditionWorkspaceSettings(models.Model):
    """Per-edition settings of the workspace (the edition's reporting cadence and thresholds)."""

    edition = models.OneToOneField(Edition, on_delete=models.CASCADE, related_name="workspace_settings")
    report_cadence = models.CharField(_("progress report cadence"), max_length=10, choices=Cadence.choices,
                                      default=Cadence.MONTHLY)
    reminder_days = models.PositiveSmallIntegerField(
        _("remind days before a report is due"), default=3)
    inactivity_days = models.PositiveSmallIntegerField(
        _("days without journal activity before a team is at risk"), default=14)

    class Meta:
        verbose_name = _("workspace settings of an edition")
        verbose_name_plural = _("workspace settings of editions")
        constraints = [
            models.CheckConstraint(condition=Q(report_cadence__in=Cadence.values), name="ws_settings_cadence_valid"),
            models.CheckConstraint(condition=Q(inactivity_days__gte=1), name="ws_settings_inactivity_positive"),
        ]

    def __str__(self):
        return str(self.edition)


class ProjectWorkspaceSettings(models.Model):
    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="workspace_settings")
    customer_can_read = models.BooleanField(
        _("the customer's representatives may read the workspace"), default=False)

    class Meta:
        verbose_name = _("workspace settings of a project")
        verbose_name_plural = _("workspace settings of projects")

    def __str__(self):
        return str(self.project)


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


OPEN_MILESTONE_STATUSES = (MilestoneStatus.PLANNED, MilestoneStatus.IN_PROGRESS)


class MilestoneKind(models.TextChoices):
    MILESTONE = "milestone", _("Milestone")
    DELIVERABLE = "deliverable", _("Deliverable")


def evidence_path(instance, filename):
    return f"workspace/{instance.team_id}/evidence/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class Milestone(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("kind"), max_length=20, choices=MilestoneKind.choices, default=MilestoneKind.MILESTONE)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owners = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("owners"), blank=True,
                                    related_name="owned_milestones")
    start_date = models.DateField(_("start"), null=True, blank=True)
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=20, choices=MilestoneStatus.choices,
                              default=MilestoneStatus.PLANNED)
    evidence_url = models.URLField(_("evidence link"), blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to=evidence_path, blank=True)
    evidence_name = models.CharField(max_length=255, blank=True)
    evidence_type = models.CharField(max_length=100, blank=True)
    # Optimistic lock: an edit names the version it started from; a stale one is refused.
    version = models.PositiveIntegerField(default=1)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=MilestoneStatus.values), name="milestone_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=MilestoneKind.values), name="milestone_kind_valid"),
            models.CheckConstraint(condition=Q(start_date__isnull=True) | Q(start_date__lte=F("due_date")),
                                   name="milestone_start_before_due",
                                   violation_error_message=_("The start must not be after the due date.")),
            models.CheckConstraint(condition=Q(status=MilestoneStatus.DONE) | Q(completed_at__isnull=True),
                                   name="milestone_completed_only_when_done"),
        ]
        indexes = [models.Index(fields=["team", "status", "due_date"], name="milestone_team_status_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("workspace:milestone", args=[self.pk])

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    def is_overdue(self, today=None) -> bool:
        return self.status in OPEN_MILESTONE_STATUSES and self.due_date < (today or timezone.localdate())


class EntryKind(models.TextChoices):
    EXPERIMENT = "experiment", _("Experiment")
    SAMPLE_TEST = "sample_test", _("Sample test")
    SIMULATION = "simulation", _("Simulation")
    LITERATURE = "literature", _("Literature")
    MEETING = "meeting", _("Meeting")


class EntryStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")


class JournalEntry(models.Model):
    """One version of a lab-journal entry. A signed version never changes (service and DB
    trigger); a correction is a new row with `previous_version` set and the same `root`."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="journal_entries")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="journal_entries")
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    title = models.CharField(_("title"), max_length=200)
    aim = models.TextField(_("aim or hypothesis"), blank=True)
    method = models.TextField(_("method"), blank=True)
    samples = models.JSONField(_("samples"), default=list, blank=True)
    results = models.TextField(_("results"), blank=True)
    measurements = models.JSONField(_("measurements"), default=dict, blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    milestones = models.ManyToManyField(Milestone, verbose_name=_("milestones"), blank=True,
                                        related_name="journal_entries")
    coauthors = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("co-authors"), blank=True,
                                       related_name="coauthored_journal_entries")
    key_result = models.BooleanField(_("key result"), default=False,
                                     help_text=_("Shown to the commission in the evaluation summary."))
    status = models.CharField(_("status"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.DRAFT)
    root = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    previous_version = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                            related_name="next_version")
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    chain_index = models.PositiveIntegerField(null=True, blank=True)
    previous_hash = models.CharField(max_length=64, blank=True)
    content_hash = models.CharField(_("SHA-256"), max_length=64, blank=True)
    # Set when a signed correction replaces this version (not content: allowed by the trigger).
    superseded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EntryKind.values), name="journal_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=EntryStatus.values), name="journal_status_valid"),
            models.CheckConstraint(
                condition=Q(status=EntryStatus.DRAFT, signed_at__isnull=True, chain_index__isnull=True,
                            content_hash="")
                | Q(status=EntryStatus.SIGNED, signed_at__isnull=False, chain_index__isnull=False)
                & ~Q(content_hash=""),
                name="journal_signed_has_hash"),
            models.UniqueConstraint(fields=["team", "chain_index"], name="journal_chain_index_unique"),
            models.UniqueConstraint(fields=["root", "version"], name="journal_version_unique"),
            models.CheckConstraint(condition=Q(version=1, previous_version__isnull=True)
                                   | Q(version__gt=1, previous_version__isnull=False),
                                   name="journal_version_has_previous"),
        ]
        indexes = [
            models.Index(fields=["team", "created_at"], name="journal_team_created_idx"),
            models.Index(fields=["team", "kind"], name="journal_team_kind_idx"),
        ]

    def __str__(self):
        return f"{self.title} (v{self.version})"

    def get_absolute_url(self):
        return reverse("workspace:entry", args=[self.pk])

    @property
    def is_signed(self) -> bool:
        return self.status == EntryStatus.SIGNED


def journal_file_path(instance, filename):
    return f"workspace/journal/{instance.entry_id}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class JournalFile(models.Model):
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(upload_to=journal_file_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("journal file")
        verbose_name_plural = _("journal files")

    def __str__(self):
        return self.original_name


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")


class ProgressReport(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="progress_reports")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    due_date = models.DateField(_("due date"))
    done = models.TextField(_("done in this period"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    risks = models.TextField(_("risks and problems"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period_start", "-pk"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.UniqueConstraint(fields=["team", "period_start"], name="report_one_per_period",
                                    violation_error_message=_("This period already has a report.")),
            models.CheckConstraint(condition=Q(period_start__lte=F("period_end")), name="report_period_ordered"),
            models.CheckConstraint(condition=Q(status__in=ReportStatus.values), name="report_status_valid"),
            models.CheckConstraint(condition=Q(status=ReportStatus.DRAFT) | Q(submitted_at__isnull=False),
                                   name="report_submitted_has_time"),
        ]
        indexes = [models.Index(fields=["team", "status"], name="report_team_status_idx")]

    def __str__(self):
        return f"{self.team} {self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("workspace:report", args=[self.pk])


class ReviewDecision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")


class ReportReview(models.Model):
    """One review step of a report (the history of approvals and send-backs)."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decision = models.CharField(_("decision"), max_length=20, choices=ReviewDecision.choices)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("report review")
        verbose_name_plural = _("report reviews")
        constraints = [
            models.CheckConstraint(condition=Q(decision__in=ReviewDecision.values), name="review_decision_valid"),
            models.CheckConstraint(condition=Q(decision=ReviewDecision.APPROVED) | ~Q(comment=""),
                                   name="review_changes_need_comment"),
        ]

    def __str__(self):
        return f"{self.report} {self.decision}"


class Comment(models.Model):
    """A discussion comment on exactly one of: a milestone, a journal entry, a report."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="workspace_comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(_("comment"))
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, null=True, blank=True, related_name="comments")
    entry = models.ForeignKey(JournalEntry, on_delete=models.CASCADE, null=True, blank=True, related_name="comments")
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="comments")
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [
            models.CheckConstraint(
                condition=Q(milestone__isnull=False, entry__isnull=True, report__isnull=True)
                | Q(milestone__isnull=True, entry__isnull=False, report__isnull=True)
                | Q(milestone__isnull=True, entry__isnull=True, report__isnull=False),
                name="comment_exactly_one_target"),
            models.CheckConstraint(condition=~Q(body=""), name="comment_not_empty"),
        ]

    def __str__(self):
        return self.body[:60]


class Activity(models.Model):
    """The team's activity feed (and the digest's source): one row per workflow step."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="workspace_activity")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    verb = models.CharField(max_length=60)
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["team", "created_at"], name="activity_team_created_idx")]

    def __str__(self):
        return self.text


class ReportReminder(models.Model):
    """Sent-marker: the reminder for a team's period goes out once (unique constraint)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "period_start"], name="report_reminder_once")]

    def __str__(self):
        return f"{self.team_id} {self.period_start}"


class DigestPreference(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workspace_digest")
    opted_out = models.BooleanField(_("no daily workspace digest"), default=False)

    class Meta:
        verbose_name = _("digest preference")
        verbose_name_plural = _("digest preferences")

    def __str__(self):
        return f"{self.user_id} opted out: {self.opted_out}"


class DigestSent(models.Model):
    """Sent-marker: at most one digest per member per day (unique constraint)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_once_per_day")]

    def __str__(self):
        return f"{self.user_id} {self.day}"


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class WorkspaceExport(models.Model):
    """A PDF of a team's journal and reports, built by Celery; progress shown on the page."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)
    content = models.BinaryField(null=True, blank=True, editable=False)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="ws_export_progress_percent"),
            models.CheckConstraint(condition=Q(status__in=ExportStatus.values), name="ws_export_status_valid"),
        ]

    def __str__(self):
        return f"{self.team} PDF #{self.pk}"
