"""Ranked preferences, supervisors' pre-assignments and exclusions, and allocation runs.

Imported by `teams.models`, so they belong to the `teams` app and its migrations."""

from django.conf import settings as conf
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marathon.models import Edition
from projects.models import Team

DEFAULT_WEIGHTS = [100, 60, 40, 25, 10]


def default_weights():
    return list(DEFAULT_WEIGHTS)


class AllocationSettings(models.Model):
    """Per-edition settings of ranked preferences and the allocation (one row per edition)."""

    edition = models.OneToOneField(Edition, on_delete=models.CASCADE, related_name="allocation_settings")
    max_choices = models.PositiveSmallIntegerField(
        _("projects a student may rank"), default=5, validators=[MinValueValidator(1), MaxValueValidator(20)])
    preferences_deadline = models.DateTimeField(
        _("preferences deadline"), null=True, blank=True,
        help_text=_("Rankings can be changed until then; empty = the end of team formation."))
    rank_weights = models.JSONField(
        _("rank weights"), default=default_weights,
        help_text=_("Satisfaction of a 1st, 2nd, … choice (e.g. 100, 60, 40, 25, 10)."))
    lexicographic = models.BooleanField(
        _("place as many students as possible first"), default=False,
        help_text=_("First maximise the number of students placed, then the rank-weighted satisfaction."))
    max_per_university = models.PositiveSmallIntegerField(
        _("at most this many students of one university per team"), null=True, blank=True,
        validators=[MinValueValidator(1)])
    time_limit_seconds = models.PositiveSmallIntegerField(
        _("solver time limit (seconds)"), default=60, validators=[MinValueValidator(1), MaxValueValidator(600)])

    class Meta:
        verbose_name = _("allocation settings")
        verbose_name_plural = _("allocation settings")
        constraints = [
            models.CheckConstraint(condition=Q(max_choices__gte=1) & Q(max_choices__lte=20),
                                   name="allocation_max_choices_range"),
            models.CheckConstraint(condition=Q(max_per_university__isnull=True) | Q(max_per_university__gte=1),
                                   name="allocation_max_per_university_positive"),
        ]

    def __str__(self):
        return str(self.edition)


class PreferenceList(models.Model):
    """A student's ranking for an edition; `submitted_at` is the first submission (the first-come
    order of the baseline), `updated_at` every change (the commit's "what changed")."""

    student = models.ForeignKey(conf.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="preference_lists")
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="preference_lists")
    submitted_at = models.DateTimeField(_("first submitted"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("ranking")
        verbose_name_plural = _("rankings")
        constraints = [models.UniqueConstraint(fields=["student", "edition"], name="preferencelist_one_per_edition")]

    def __str__(self):
        return f"{self.student} ({self.edition})"


class Preference(models.Model):
    ranking = models.ForeignKey(PreferenceList, on_delete=models.CASCADE, related_name="choices")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(_("rank"), validators=[MinValueValidator(1)])
    motivation = models.CharField(_("motivation"), max_length=500, blank=True)

    class Meta:
        ordering = ["ranking", "rank"]
        verbose_name = _("ranked project")
        verbose_name_plural = _("ranked projects")
        constraints = [
            models.UniqueConstraint(fields=["ranking", "rank"], name="preference_unique_rank"),
            models.UniqueConstraint(fields=["ranking", "team"], name="preference_unique_team",
                                    violation_error_message=_("A project can be ranked only once.")),
            models.CheckConstraint(condition=Q(rank__gte=1), name="preference_rank_positive"),
        ]
        indexes = [models.Index(fields=["team"], name="preference_team_idx")]

    def __str__(self):
        return f"{self.rank}. {self.team}"


class SupervisorChoice(models.TextChoices):
    REQUIRE = "require", _("Required (pre-assigned)")
    EXCLUDE = "exclude", _("Excluded")


class SupervisorDecision(models.Model):
    """A supervisor requires a student in their team (pre-assignment) or excludes one (with a reason)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="allocation_decisions")
    student = models.ForeignKey(conf.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("decision"), max_length=10, choices=SupervisorChoice.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    decided_by = models.ForeignKey(conf.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("supervisor's allocation decision")
        verbose_name_plural = _("supervisors' allocation decisions")
        constraints = [
            models.UniqueConstraint(fields=["team", "student"], name="supervisordecision_one_per_pair"),
            models.CheckConstraint(condition=~Q(kind="exclude") | ~Q(reason=""),
                                   name="supervisordecision_exclusion_has_reason",
                                   violation_error_message=_("An exclusion needs a reason.")),
        ]

    def __str__(self):
        return f"{self.team}: {self.get_kind_display()} {self.student}"


class RunStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Solving")
    DONE = "done", _("Draft ready")
    FAILED = "failed", _("Failed")
    COMMITTED = "committed", _("Committed")


class AllocationRun(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="allocation_runs")
    parent = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               help_text=_("The run whose locked placements this one keeps."))
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    inputs_hash = models.CharField(_("inputs' hash"), max_length=64, blank=True)
    settings = models.JSONField(_("settings"), default=dict)
    solver_status = models.CharField(_("solver status"), max_length=20, blank=True)
    gap = models.FloatField(_("relative gap"), null=True, blank=True)
    solve_seconds = models.FloatField(_("solver time (s)"), null=True, blank=True)
    total_seconds = models.FloatField(_("total time (s)"), null=True, blank=True)
    model_size = models.JSONField(_("model size"), default=dict, blank=True)
    totals = models.JSONField(_("totals"), default=dict, blank=True)
    baseline = models.JSONField(_("first-come baseline"), default=dict, blank=True)
    explanation = models.JSONField(_("explanation"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(conf.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    committed_by = models.ForeignKey(conf.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    committed_at = models.DateTimeField(_("committed"), null=True, blank=True)
    notify_total = models.PositiveIntegerField(default=0)
    notified = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("allocation run")
        verbose_name_plural = _("allocation runs")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="allocationrun_progress_percent"),
            models.CheckConstraint(condition=Q(notified__lte=F("notify_total")),
                                   name="allocationrun_notified_le_total"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.edition}"

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED, RunStatus.COMMITTED)


class AllocationPlacement(models.Model):
    """One student of a run: the team obtained (null = not placed), its rank, locked for re-runs."""

    run = models.ForeignKey(AllocationRun, on_delete=models.CASCADE, related_name="placements")
    student = models.ForeignKey(conf.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    required = models.BooleanField(default=False)
    locked = models.BooleanField(default=False)
    notified = models.BooleanField(default=False)

    class Meta:
        ordering = ["run", "pk"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        constraints = [
            models.UniqueConstraint(fields=["run", "student"], name="placement_one_per_student"),
            models.CheckConstraint(condition=~Q(locked=True) | Q(team__isnull=False), name="placement_locked_has_team"),
        ]
        indexes = [models.Index(fields=["run", "team"], name="placement_run_team_idx"),
                   models.Index(fields=["run", "id"], name="placement_run_id_idx")]

    def __str__(self):
        return f"{self.student_id} → {self.team_id}"


class AllocationTeamResult(models.Model):
    """A team in a run, precomputed for the review page (members counted with the fixed ones)."""

    run = models.ForeignKey(AllocationRun, on_delete=models.CASCADE, related_name="team_results")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    # The review page's row as the run saw it: the team's name and its members (accepted ones
    # first, then the placed ones by name: {"id", "name", "university", "rank", "locked", "fixed"}),
    # so a page of teams is one query on this table, and a commit does not change the draft's view.
    name = models.CharField(max_length=200, blank=True)
    members = models.JSONField(default=list, blank=True)
    opened = models.BooleanField(default=False)
    students = models.PositiveSmallIntegerField(default=0)
    universities = models.PositiveSmallIntegerField(default=0)
    degree_levels = models.JSONField(default=list)
    meets_rule = models.BooleanField(default=False)
    problems = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["run", "pk"]
        constraints = [models.UniqueConstraint(fields=["run", "team"], name="teamresult_one_per_team")]
        indexes = [models.Index(fields=["run", "opened", "id"], name="teamresult_run_opened_idx")]

    def __str__(self):
        return f"{self.run_id}: {self.team_id}"
