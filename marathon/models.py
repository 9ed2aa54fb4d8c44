"""The core domain every app shares: people, universities, organisations, areas, editions,
plus the cross-cutting notification and audit records."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class University(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40)
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=100)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    is_host = models.BooleanField(
        _("host university"), default=False,
        help_text=_("The university that runs the marathon (one at most)."),
    )
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("university")
        verbose_name_plural = _("universities")
        constraints = [
            models.UniqueConstraint(
                fields=["is_host"], condition=Q(is_host=True), name="university_single_host"
            ),
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
                name="university_coordinates_valid",
            ),
        ]

    def __str__(self):
        return self.name


class Organisation(models.Model):
    class Kind(models.TextChoices):
        INDUSTRY = "industry", _("Industry customer")
        RND = "rnd", _("R&D centre")
        INVESTOR = "investor", _("Investor")
        PUBLIC = "public", _("Public body")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = CountryField(_("country"))
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class ScientificArea(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("scientific area")
        verbose_name_plural = _("scientific areas")

    def __str__(self):
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    class Status(models.TextChoices):
        BACHELOR = "bachelor", _("Bachelor student")
        MASTER = "master", _("Master student")
        PHD = "phd", _("PhD student")
        PROFESSOR = "professor", _("Professor")
        RESEARCHER = "researcher", _("Researcher")
        INDUSTRY = "industry", _("Industry representative")

    STUDENT_STATUSES = (Status.BACHELOR, Status.MASTER, Status.PHD)
    SUPERVISOR_STATUSES = (Status.PROFESSOR, Status.RESEARCHER)

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    university = models.ForeignKey(
        University, verbose_name=_("university"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="people",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="people",
        help_text=_("For industry representatives, investors and external experts."),
    )
    country = CountryField(_("country"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    orcid = models.CharField(
        _("ORCID iD"), max_length=19, blank=True,
        validators=[RegexValidator(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$", _("Use the form 0000-0002-1825-0097."))],
    )
    skills = models.CharField(_("skills"), max_length=500, blank=True,
                              help_text=_("Comma-separated, e.g. Python, materials testing."))
    languages = models.CharField(_("languages"), max_length=200, blank=True,
                                 help_text=_("Comma-separated, e.g. English, German, Russian."))
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]
    objects = UserManager()

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_student(self) -> bool:
        return self.status in self.STUDENT_STATUSES

    @property
    def is_supervisor(self) -> bool:
        return self.status in self.SUPERVISOR_STATUSES

    @property
    def is_programme_office(self) -> bool:
        return self.is_staff


class EditionQuerySet(models.QuerySet):
    def current(self):
        """The edition running today, else the latest one that has started, else the first."""
        today = timezone.localdate()
        running = self.filter(proposals_start__lte=today, evaluation_end__gte=today)
        return (
            running.order_by("-year").first()
            or self.filter(proposals_start__lte=today).order_by("-year").first()
            or self.order_by("year").first()
        )


class Edition(models.Model):
    class Phase(models.TextChoices):
        UPCOMING = "upcoming", _("Upcoming")
        PROPOSALS = "proposals", _("Project proposals")
        TEAM_FORMATION = "team_formation", _("Team formation")
        RESEARCH = "research", _("Joint research and mobility")
        EVALUATION = "evaluation", _("Evaluation")
        CLOSED = "closed", _("Closed")

    year = models.PositiveIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("title"), max_length=200)
    proposals_start = models.DateField(_("proposals open"))
    proposals_end = models.DateField(_("proposals close"))
    team_formation_start = models.DateField(_("team formation starts"))
    team_formation_end = models.DateField(_("team formation ends"))
    research_start = models.DateField(_("research starts"))
    research_end = models.DateField(_("research ends"))
    evaluation_start = models.DateField(_("evaluation starts"))
    evaluation_end = models.DateField(_("evaluation deadline"))
    team_size_min = models.PositiveSmallIntegerField(_("minimum team size"), default=3)
    team_size_max = models.PositiveSmallIntegerField(_("maximum team size"), default=8)
    min_universities = models.PositiveSmallIntegerField(
        _("minimum universities per team"), default=2,
        help_text=_("A team is mixed when its members come from at least this many universities."),
    )
    require_degree_mix = models.BooleanField(
        _("degree levels must mix"), default=False,
        help_text=_("Each team needs students of at least two degree levels."),
    )

    objects = EditionQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        constraints = [
            models.CheckConstraint(
                condition=Q(proposals_start__lte=F("proposals_end"))
                & Q(proposals_end__lte=F("team_formation_end"))
                & Q(team_formation_start__lte=F("team_formation_end"))
                & Q(team_formation_start__lte=F("research_start"))
                & Q(research_start__lte=F("research_end"))
                & Q(research_start__lte=F("evaluation_start"))
                & Q(evaluation_start__lte=F("evaluation_end")),
                name="edition_phases_ordered",
                violation_error_message=_("The phase dates must follow each other in order."),
            ),
            models.CheckConstraint(
                condition=Q(team_size_min__gte=1) & Q(team_size_min__lte=F("team_size_max")),
                name="edition_team_size_range",
                violation_error_message=_("The minimum team size must be between 1 and the maximum."),
            ),
            models.CheckConstraint(
                condition=Q(min_universities__gte=1),
                name="edition_min_universities_positive",
            ),
        ]

    def __str__(self):
        return f"{self.year} — {self.title}"

    def get_absolute_url(self):
        return reverse("home")

    def phase_on(self, day) -> str:
        if day < self.proposals_start:
            return self.Phase.UPCOMING
        if day > self.evaluation_end:
            return self.Phase.CLOSED
        if day >= self.evaluation_start:
            return self.Phase.EVALUATION
        if day >= self.research_start:
            return self.Phase.RESEARCH
        if day >= self.team_formation_start:
            return self.Phase.TEAM_FORMATION
        return self.Phase.PROPOSALS

    @property
    def phase(self) -> str:
        return self.phase_on(timezone.localdate())

    @property
    def phase_label(self) -> str:
        return self.Phase(self.phase).label

    def timeline(self) -> list[dict]:
        today = timezone.localdate()
        steps = [
            (self.Phase.PROPOSALS, self.proposals_start, self.proposals_end),
            (self.Phase.TEAM_FORMATION, self.team_formation_start, self.team_formation_end),
            (self.Phase.RESEARCH, self.research_start, self.research_end),
            (self.Phase.EVALUATION, self.evaluation_start, self.evaluation_end),
        ]
        return [
            {
                "phase": phase, "label": self.Phase(phase).label, "start": start, "end": end,
                "state": "done" if end < today else "current" if start <= today else "next",
            }
            for phase, start, end in steps
        ]

    def is_team_formation_open(self, day=None) -> bool:
        day = day or timezone.localdate()
        return self.team_formation_start <= day <= self.team_formation_end


class Notification(models.Model):
    """An in-app message; its e-mail copy is delivered by Celery (see marathon.tasks)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=60)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("message"))
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    send_email = models.BooleanField(default=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(
                fields=["created_at"], name="notification_pending_idx",
                condition=Q(send_email=True, emailed_at__isnull=True),
            ),
        ]

    def __str__(self):
        return self.subject

    def absolute_url(self) -> str:
        return f"{settings.SITE_URL}{self.url}" if self.url.startswith("/") else self.url


class AuditEntry(models.Model):
    """Who did which workflow step to what, when, and what changed."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=80, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=40)
    target = GenericForeignKey("content_type", "object_id")
    target_repr = models.CharField(_("object"), max_length=255)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["content_type", "object_id"], name="audit_target_idx")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.target_repr}"

    @property
    def sentence(self) -> str:
        """The event as a translated sentence ("Mobility approved"), never the raw code."""
        from .events import describe_event

        return describe_event(self.action)
