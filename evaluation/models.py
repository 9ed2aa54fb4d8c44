"""The expert commission: members, criteria, results submissions, assignments, conflicts,
score sheets with their history, and frozen published results."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marathon.models import Edition, Organisation
from projects.models import Project, Team


class ExpertGroup(models.TextChoices):
    HOST_PROFESSOR = "host_professor", _("Host university professor")
    PARTNER_PROFESSOR = "partner_professor", _("Partner university professor")
    CUSTOMER = "customer", _("Customer representative")
    INVESTOR = "investor", _("Investor")
    EXTERNAL = "external", _("External expert")


class RankingMethod(models.TextChoices):
    MEAN = "mean", _("Mean")
    MEDIAN = "median", _("Median")
    NORMALISED = "normalised", _("Juror-bias normalised")
    GROUP_BALANCED = "group_balanced", _("Group-balanced")


class Commission(models.Model):
    edition = models.OneToOneField(Edition, verbose_name=_("edition"), on_delete=models.PROTECT,
                                   related_name="commission")
    ranking_method = models.CharField(
        _("official ranking method"), max_length=20, choices=RankingMethod.choices,
        default=RankingMethod.MEAN,
        help_text=_("The method whose ranking is published as the official one."))
    reminder_days = models.PositiveSmallIntegerField(
        _("first reminder, days before the deadline"), default=7,
        help_text=_("Experts with unsubmitted sheets are e-mailed this many days and one day "
                    "before the evaluation deadline."))
    min_sheets_per_project = models.PositiveSmallIntegerField(
        _("submitted sheets needed per project"), default=2,
        help_text=_("Publishing with a project below this many submitted sheets needs the chair's "
                    "confirmation and a reason."))
    disagreement_threshold = models.PositiveSmallIntegerField(
        _("disagreement threshold (points)"), default=25,
        help_text=_("A project is flagged when its experts' scores span more than this many "
                    "points of 100."))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-edition__year"]
        verbose_name = _("commission")
        verbose_name_plural = _("commissions")
        constraints = [
            models.CheckConstraint(condition=Q(reminder_days__gte=2), name="commission_reminder_days_gte_2"),
            models.CheckConstraint(condition=Q(min_sheets_per_project__gte=1),
                                   name="commission_min_sheets_per_project_gte_1"),
        ]

    def __str__(self):
        return str(_("Commission %(year)s") % {"year": self.edition.year})

    def get_absolute_url(self):
        return reverse("evaluation:dashboard", args=[self.edition.year])


class CommissionMember(models.Model):
    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="commission_memberships")
    group = models.CharField(_("group"), max_length=30, choices=ExpertGroup.choices)
    is_chair = models.BooleanField(_("chair"), default=False)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
        help_text=_("The organisation the expert represents, if any (used to detect conflicts)."))

    class Meta:
        ordering = ["commission", "user__full_name"]
        verbose_name = _("commission member")
        verbose_name_plural = _("commission members")
        constraints = [
            models.UniqueConstraint(fields=["commission", "user"], name="commission_member_unique"),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_group_display()})"

    @property
    def organisation_ids(self) -> set[int]:
        """The member's own organisation and the user's profile organisation."""
        return {i for i in (self.organisation_id, self.user.organisation_id) if i}


class Criterion(models.Model):
    edition = models.ForeignKey(Edition, verbose_name=_("edition"), on_delete=models.CASCADE,
                                related_name="criteria")
    name = models.CharField(_("name"), max_length=120)
    guidance = models.TextField(_("guidance"), blank=True)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=1)
    scale_min = models.SmallIntegerField(_("lowest value"), default=1)
    scale_max = models.SmallIntegerField(_("highest value"), default=5)
    level_labels = models.JSONField(
        _("level labels"), default=list, blank=True,
        help_text=_("One label per level, from the lowest to the highest value."))
    required = models.BooleanField(_("required"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["edition", "position", "id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["edition", "name"], name="criterion_unique_name"),
            models.CheckConstraint(condition=Q(scale_min__lt=F("scale_max")),
                                   name="criterion_scale_ordered",
                                   violation_error_message=_("The lowest value must be below the highest.")),
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive",
                                   violation_error_message=_("The weight must be positive.")),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        levels = (self.scale_max or 0) - (self.scale_min or 0) + 1
        if self.level_labels and (not isinstance(self.level_labels, list) or len(self.level_labels) != levels):
            raise ValidationError({"level_labels": _("Give exactly %(n)d labels, one per level.") % {"n": levels}})

    def levels(self) -> list[tuple[int, str]]:
        labels = self.level_labels or []
        return [(value, labels[i] if i < len(labels) else str(value))
                for i, value in enumerate(range(self.scale_min, self.scale_max + 1))]


def submission_path(instance, filename):
    return f"evaluation/{instance.team_id}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class ResultSubmission(models.Model):
    """A team's final report, presentation and summary, handed in before the evaluation phase.
    Files are served only through a view that checks permission."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="result_submission")
    summary = models.TextField(_("summary of results"))
    final_report = models.FileField(_("final report"), upload_to=submission_path, blank=True)
    final_report_name = models.CharField(max_length=255, blank=True)
    final_report_type = models.CharField(max_length=100, blank=True)
    presentation = models.FileField(_("presentation"), upload_to=submission_path, blank=True)
    presentation_name = models.CharField(max_length=255, blank=True)
    presentation_type = models.CharField(max_length=100, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)

    class Meta:
        verbose_name = _("results submission")
        verbose_name_plural = _("results submissions")

    def __str__(self):
        return str(self.team)


class Assignment(models.Model):
    member = models.ForeignKey(CommissionMember, verbose_name=_("expert"), on_delete=models.CASCADE,
                               related_name="assignments")
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="expert_assignments")
    automatic = models.BooleanField(_("assigned automatically"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("assigned"), default=timezone.now)

    class Meta:
        ordering = ["project__title", "member__user__full_name"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["member", "project"], name="assignment_unique"),
        ]

    def __str__(self):
        return f"{self.member.user} → {self.project}"


class ConflictSource(models.TextChoices):
    DETECTED = "detected", _("Detected automatically")
    DECLARED = "declared", _("Declared by the expert")


class ConflictOfInterest(models.Model):
    member = models.ForeignKey(CommissionMember, on_delete=models.CASCADE, related_name="conflicts")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="expert_conflicts")
    source = models.CharField(_("source"), max_length=20, choices=ConflictSource.choices)
    reason = models.CharField(_("reason"), max_length=500)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["member", "project"], name="conflict_unique"),
            models.CheckConstraint(condition=~Q(reason=""), name="conflict_has_reason"),
        ]

    def __str__(self):
        return f"{self.member.user} × {self.project}: {self.reason}"


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class ScoreSheet(models.Model):
    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="sheet")
    status = models.CharField(_("status"), max_length=20, choices=SheetStatus.choices,
                              default=SheetStatus.DRAFT, db_index=True)
    feedback = models.TextField(_("feedback for the team"), blank=True)
    confidential_note = models.TextField(_("confidential note for the commission"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last saved"), default=timezone.now)
    # `aggregation.sheet_score` of the sheet's values under the criteria's current weights, kept
    # by the services in the transaction that changes either (save, a weight change), so the
    # live results read one number per sheet instead of every score. None: no value yet, or a
    # row written in bulk without it (the results then compute it from the scores).
    weighted_score = models.FloatField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["assignment__project__title"]
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        constraints = [
            models.CheckConstraint(
                condition=Q(status=SheetStatus.DRAFT) | Q(submitted_at__isnull=False),
                name="sheet_submitted_has_time"),
        ]

    def __str__(self):
        return str(self.assignment)

    def get_absolute_url(self):
        return reverse("evaluation:sheet", args=[self.pk])


class Score(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    value = models.SmallIntegerField(_("value"))
    # Copied from the criterion so the database itself can check the range.
    scale_min = models.SmallIntegerField()
    scale_max = models.SmallIntegerField()
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["sheet", "criterion__position", "criterion_id"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="score_unique_per_criterion"),
            models.CheckConstraint(condition=Q(value__gte=F("scale_min")) & Q(value__lte=F("scale_max")),
                                   name="score_value_within_scale",
                                   violation_error_message=_("The value is outside the criterion's scale.")),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.value}"


class ResultsVersion(models.Model):
    """The live results' cache version of a commission: every service that changes an input of
    the numbers (a counted sheet, a conflict, a weight, a seat's group) bumps it as the last
    statement of its transaction, so a cached result is found with one primary-key read.

    A row of its own, not a column of `Commission`: the commission row is locked first by
    several steps (criteria, assignment, publishing) that then wait for sheets; a bump, taken
    last by everyone and held only until the commit, can never close a lock cycle."""

    commission = models.OneToOneField(Commission, on_delete=models.CASCADE, primary_key=True,
                                      related_name="results_version")
    version = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.commission_id}: {self.version}"


class ScoreSheetRevision(models.Model):
    """Every saved state of a sheet, so a change is never lost (history)."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    action = models.CharField(max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              related_name="+")
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sheet", "number"]
        verbose_name = _("score sheet revision")
        verbose_name_plural = _("score sheet revisions")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "number"], name="revision_unique_number"),
        ]

    def __str__(self):
        return f"{self.sheet} #{self.number}"


class ReminderLog(models.Model):
    """One row per reminder e-mailed, so a window is never reminded twice."""

    member = models.ForeignKey(CommissionMember, on_delete=models.CASCADE, related_name="reminders")
    key = models.CharField(max_length=60)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "key"], name="reminder_once_per_key")]

    def __str__(self):
        return f"{self.member} {self.key}"


class ResultSnapshot(models.Model):
    """The published results, frozen: later edits of sheets cannot change them."""

    commission = models.OneToOneField(Commission, on_delete=models.PROTECT, related_name="snapshot")
    data = models.JSONField()
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+")
    published_at = models.DateTimeField(default=timezone.now)
    # Team members are told in batches by a Celery task; the cursor (highest user id already
    # notified, under the snapshot's row lock) makes a re-run or a duplicate task skip them.
    notify_total = models.PositiveIntegerField(_("people to notify"), default=0)
    notified = models.PositiveIntegerField(_("people notified"), default=0)
    notified_through_user = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("published results")
        verbose_name_plural = _("published results")

    def __str__(self):
        return str(self.commission)

    @property
    def notices_done(self) -> bool:
        return self.notified >= self.notify_total

    @property
    def notify_percent(self) -> int:
        return 100 if not self.notify_total else min(100, 100 * self.notified // self.notify_total)
