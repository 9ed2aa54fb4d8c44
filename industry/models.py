"""Industry customers: their representatives, research tasks and the projects adopted from them,
internship places and applications, feedback on commissioned work, implementations of results."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marathon.models import Edition, Organisation, ScientificArea
from projects.models import DegreeLevel, Project

SEARCH_CONFIG = "english"


# --- customer accounts ----------------------------------------------------------------------
class RepresentativeStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    PENDING = "pending", _("Claim pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    REVOKED = "revoked", _("Revoked")


def new_token() -> str:
    return secrets.token_urlsafe(32)


class CustomerRepresentative(models.Model):
    """A person speaking for an organisation. Trusted only once `approved`: the office invited
    them (and they accepted with the invited address) or approved their sign-up claim."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             null=True, blank=True, related_name="customer_links")
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"),
                                     on_delete=models.CASCADE, related_name="representatives")
    email = models.EmailField(_("e-mail address"))
    status = models.CharField(_("status"), max_length=20, choices=RepresentativeStatus.choices,
                              db_index=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    note = models.CharField(_("note"), max_length=500, blank=True,
                            help_text=_("The person's role at the organisation, as they state it."))
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("invited by"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+", verbose_name=_("approved by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["organisation__name", "email"]
        verbose_name = _("customer representative")
        verbose_name_plural = _("customer representatives")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], condition=Q(user__isnull=False),
                                    name="customer_rep_unique_user_org"),
            models.CheckConstraint(condition=~Q(status=RepresentativeStatus.APPROVED) | Q(user__isnull=False),
                                   name="customer_rep_approved_has_user"),
        ]

    def __str__(self):
        return f"{self.user or self.email} — {self.organisation}"


# --- research tasks -------------------------------------------------------------------------
class TaskStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Confidentiality(models.TextChoices):
    PUBLIC = "public", _("Public")
    CONFIDENTIAL = "confidential", _("Confidential")


class ResearchTask(models.Model):
    organisation = models.ForeignKey(Organisation, verbose_name=_("customer"), on_delete=models.PROTECT,
                                     related_name="research_tasks")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"),
                                     on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    problem_statement = models.TextField(_("problem statement"))
    expected_results = models.TextField(_("expected results"))
    area = models.ForeignKey(ScientificArea, verbose_name=_("scientific area"), on_delete=models.PROTECT,
                             related_name="research_tasks")
    keywords = models.CharField(_("keywords"), max_length=300, blank=True, help_text=_("Comma-separated."))
    resources_offered = models.TextField(_("data, equipment and samples offered"), blank=True)
    confidentiality = models.CharField(_("confidentiality"), max_length=20, choices=Confidentiality.choices,
                                       default=Confidentiality.PUBLIC)
    ip_terms = models.TextField(_("IP terms"), blank=True,
                                help_text=_("A note on intellectual property (who owns the results)."))
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("contact e-mail"))
    desired_edition = models.ForeignKey(Edition, verbose_name=_("desired edition"), on_delete=models.PROTECT,
                                        null=True, blank=True, related_name="research_tasks")
    max_adoptions = models.PositiveSmallIntegerField(
        _("projects allowed"), default=1, validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("How many projects may adopt this task."))
    adoption_count = models.PositiveSmallIntegerField(_("adoptions"), default=0, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=TaskStatus.choices,
                              default=TaskStatus.SUBMITTED, db_index=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("decided by"))
    created_at = models.DateTimeField(_("submitted"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("research task")
        verbose_name_plural = _("research tasks")
        constraints = [
            models.CheckConstraint(condition=Q(max_adoptions__gte=1), name="task_max_adoptions_positive"),
            models.CheckConstraint(condition=Q(adoption_count__lte=F("max_adoptions")),
                                   name="task_adoptions_within_limit",
                                   violation_error_message=_("This task cannot be adopted by more projects.")),
            models.CheckConstraint(condition=~Q(status=TaskStatus.REJECTED) | ~Q(rejection_reason=""),
                                   name="task_rejection_has_reason"),
        ]
        indexes = [models.Index(fields=["status", "confidentiality"], name="task_status_conf_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("industry:task_detail", args=[self.pk])

    @property
    def places_left(self) -> int:
        return max(self.max_adoptions - self.adoption_count, 0)


class TaskAdoption(models.Model):
    """A project proposal a professor made from a task. The link lives here, not on the project."""

    task = models.ForeignKey(ResearchTask, on_delete=models.PROTECT, related_name="adoptions")
    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="task_adoption")
    adopted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("task adoption")
        verbose_name_plural = _("task adoptions")

    def __str__(self):
        return f"{self.task} → {self.project}"


# --- internships ----------------------------------------------------------------------------
class WorkMode(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    REMOTE = "remote", _("Remote")
    HYBRID = "hybrid", _("Hybrid")


class Internship(models.Model):
    organisation = models.ForeignKey(Organisation, verbose_name=_("customer"), on_delete=models.PROTECT,
                                     related_name="internships")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    host_organisation = models.CharField(_("host organisation"), max_length=200)
    site_name = models.CharField(_("site"), max_length=200, help_text=_("The laboratory or plant."))
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO code, e.g. DE."))
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                   validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=[MinValueValidator(-180), MaxValueValidator(180)])
    start_date = models.DateField(_("starts"))
    end_date = models.DateField(_("ends"))
    places = models.PositiveSmallIntegerField(_("places"), validators=[MinValueValidator(1)])
    accepted_count = models.PositiveSmallIntegerField(_("accepted"), default=0, editable=False)
    stipend = models.CharField(_("stipend"), max_length=100, blank=True, help_text=_("E.g. 900 EUR a month."))
    required_skills = models.CharField(_("required skills"), max_length=300, blank=True)
    degree_levels = models.JSONField(_("degree levels"), default=list, blank=True)
    mode = models.CharField(_("remote or on site"), max_length=10, choices=WorkMode.choices,
                            default=WorkMode.ON_SITE)
    deadline = models.DateField(_("application deadline"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("internship")
        verbose_name_plural = _("internships")
        constraints = [
            models.CheckConstraint(condition=Q(places__gte=1), name="internship_places_positive"),
            # The last line of defence for capacity: the service locks the row and checks first.
            models.CheckConstraint(condition=Q(accepted_count__lte=F("places")),
                                   name="internship_accepted_within_places",
                                   violation_error_message=_("All places of this internship are taken.")),
            models.CheckConstraint(condition=Q(start_date__lte=F("end_date")), name="internship_dates_ordered",
                                   violation_error_message=_("The internship must end after it starts.")),
        ]
        indexes = [models.Index(fields=["deadline"], name="internship_deadline_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("industry:internship_detail", args=[self.pk])

    @property
    def places_left(self) -> int:
        return max(self.places - self.accepted_count, 0)

    def is_open(self, day=None) -> bool:
        return (day or timezone.localdate()) <= self.deadline and self.places_left > 0

    def degree_level_labels(self) -> list[str]:
        return [str(DegreeLevel(v).label) for v in self.degree_levels if v in DegreeLevel.values]


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


def cv_path(instance, filename):
    return f"industry/cv/{instance.internship_id}/{timezone.now():%Y%m%d%H%M%S}-{secrets.token_hex(4)}.pdf"


class InternshipApplication(models.Model):
    internship = models.ForeignKey(Internship, on_delete=models.CASCADE, related_name="applications")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="internship_applications")
    motivation = models.TextField(_("motivation"))
    cv = models.FileField(_("CV (PDF)"), upload_to=cv_path)
    cv_name = models.CharField(max_length=255)
    cv_size = models.PositiveIntegerField(default=0)
    status = models.CharField(_("status"), max_length=20, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.SUBMITTED, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    mobility = models.OneToOneField(
        "mobility.Mobility", verbose_name=_("mobility application"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="internship_application",
        help_text=_("The mobility application this internship abroad is linked to."))
    created_at = models.DateTimeField(_("applied"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("internship application")
        verbose_name_plural = _("internship applications")
        constraints = [
            models.UniqueConstraint(fields=["internship", "student"], name="internship_one_application",
                                    violation_error_message=_("You have already applied.")),
        ]

    def __str__(self):
        return f"{self.student} → {self.internship}"

    def get_absolute_url(self):
        return reverse("industry:application_detail", args=[self.pk])


# --- following the work ---------------------------------------------------------------------
class ProjectFeedback(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="customer_feedback")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField(_("feedback"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("customer feedback")
        verbose_name_plural = _("customer feedback")

    def __str__(self):
        return f"{self.organisation} on {self.project}"


class ImplementationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")


class RecordedSide(models.TextChoices):
    SUPERVISORS = "supervisors", _("Supervisors")
    CUSTOMER = "customer", _("Customer")


def evidence_path(instance, filename):
    return f"industry/evidence/{instance.project_id}/{timezone.now():%Y%m%d%H%M%S}-{secrets.token_hex(4)}"


class Implementation(models.Model):
    """A result put to use at the customer; counts once the other side confirms it."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="implementations")
    organisation = models.ForeignKey(Organisation, verbose_name=_("customer"), on_delete=models.PROTECT,
                                     related_name="implementations")
    what = models.CharField(_("what was implemented"), max_length=300)
    where = models.CharField(_("where"), max_length=200)
    implemented_on = models.DateField(_("when"))
    evidence_link = models.URLField(_("evidence link"), blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to=evidence_path, blank=True)
    evidence_name = models.CharField(max_length=255, blank=True)
    evidence_type = models.CharField(max_length=100, blank=True)
    effect = models.TextField(_("effect"))
    effect_figure = models.DecimalField(_("effect figure"), max_digits=14, decimal_places=2, null=True, blank=True)
    effect_unit = models.CharField(_("unit"), max_length=40, blank=True,
                                   help_text=_("E.g. EUR a year, or percent of energy saved."))
    recorded_side = models.CharField(max_length=20, choices=RecordedSide.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=ImplementationStatus.choices,
                              default=ImplementationStatus.PENDING, db_index=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-implemented_on", "-id"]
        verbose_name = _("implementation of results")
        verbose_name_plural = _("implementations of results")
        constraints = [
            models.CheckConstraint(condition=~Q(evidence_link="") | ~Q(evidence_file=""),
                                   name="implementation_has_evidence",
                                   violation_error_message=_("Give an evidence file or link.")),
            models.CheckConstraint(condition=~Q(status=ImplementationStatus.CONFIRMED) | Q(confirmed_at__isnull=False),
                                   name="implementation_confirmed_has_time"),
        ]
        indexes = [models.Index(fields=["status", "implemented_on"], name="implementation_stat_idx")]

    def __str__(self):
        return self.what

    def get_absolute_url(self):
        return reverse("industry:project_follow", args=[self.project_id])
