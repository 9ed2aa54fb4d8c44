from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marathon.models import Edition, Organisation, ScientificArea, User


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")


class DegreeLevel(models.TextChoices):
    BACHELOR = User.Status.BACHELOR.value, _("Bachelor")
    MASTER = User.Status.MASTER.value, _("Master")
    PHD = User.Status.PHD.value, _("PhD")


SEARCH_CONFIG = "english"


def search_vector():
    """The catalogue's full-text document. On PostgreSQL the trigger of migration 0004 stores
    the same expression in the `search_vector` column (GIN-indexed), which the search reads."""
    return (SearchVector("title", weight="A", config=SEARCH_CONFIG)
            + SearchVector("keywords", weight="A", config=SEARCH_CONFIG)
            + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
            + SearchVector("description", weight="C", config=SEARCH_CONFIG))


class Project(models.Model):
    edition = models.ForeignKey(Edition, verbose_name=_("edition"), on_delete=models.PROTECT,
                                related_name="projects")
    area = models.ForeignKey(ScientificArea, verbose_name=_("scientific area"),
                             on_delete=models.PROTECT, related_name="projects")
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500)
    description = models.TextField(_("description"), blank=True,
                                   help_text=_("Markdown; HTML is not allowed."))
    keywords = models.CharField(_("keywords"), max_length=300, blank=True,
                                help_text=_("Comma-separated."))
    customer = models.ForeignKey(Organisation, verbose_name=_("industry customer"),
                                 on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="projects")
    proposer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("proposer"),
                                 on_delete=models.PROTECT, related_name="proposed_projects")
    co_supervisors = models.ManyToManyField(settings.AUTH_USER_MODEL,
                                            verbose_name=_("co-supervisors"), blank=True,
                                            related_name="co_supervised_projects")
    team_size_min = models.PositiveSmallIntegerField(_("minimum team size"),
                                                     validators=[MinValueValidator(1)])
    team_size_max = models.PositiveSmallIntegerField(_("maximum team size"),
                                                     validators=[MinValueValidator(1)])
    wanted_degree_levels = models.JSONField(_("wanted degree levels"), default=list, blank=True)
    wanted_skills = models.CharField(_("wanted skills"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ProjectStatus.choices,
                              default=ProjectStatus.DRAFT, db_index=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"),
                                   on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-edition__year", "title", "pk"]  # pk: a stable order for pagination
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(team_size_min__gte=1) & Q(team_size_min__lte=F("team_size_max")),
                name="project_team_size_range",
                violation_error_message=_("The minimum team size must be between 1 and the maximum."),
            ),
            models.CheckConstraint(
                condition=~Q(status=ProjectStatus.REJECTED) | ~Q(rejection_reason=""),
                name="project_rejection_has_reason",
                violation_error_message=_("A rejected project needs a reason."),
            ),
        ]
        indexes = [models.Index(fields=["edition", "status"], name="project_edition_status_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:detail", args=[self.pk])

    def supervisor_ids(self) -> set[int]:
        """The proposer and co-supervisors (uses prefetched co_supervisors when present)."""
        return {self.proposer_id, *(u.pk for u in self.co_supervisors.all())}


class AttachmentKind(models.TextChoices):
    PROPOSAL = "proposal", _("Proposal (PDF)")
    FINAL_REPORT = "final_report", _("Final report")
    PRESENTATION = "presentation", _("Presentation")
    OTHER = "other", _("Other")


def attachment_path(instance, filename):
    return f"projects/{instance.project_id}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class ProjectAttachment(models.Model):
    """A file of a project; served only through a view that checks permission."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=20, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name


class Team(models.Model):
    """The team of an approved project (created by the approval). Capacity is the project's
    maximum team size. Join requests and invitations live in the `teams` app."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="team")
    # Denormalised from the project so the one-team-per-edition rule can be a DB constraint.
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(_("name"), max_length=200)
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="team_capacity_positive"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("teams:detail", args=[self.pk])


class MembershipRole(models.TextChoices):
    MEMBER = "member", _("Student member")
    LEAD = "lead", _("Team lead")
    SUPERVISOR = "supervisor", _("Supervisor")


class Membership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="memberships")
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=20, choices=MembershipRole.choices,
                            default=MembershipRole.MEMBER)
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)

    class Meta:
        ordering = ["team", "role", "joined_at"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="membership_unique_per_team"),
            # A student is in at most one team per edition (supervisors may supervise several).
            models.UniqueConstraint(
                fields=["user", "edition"], condition=~Q(role=MembershipRole.SUPERVISOR),
                name="membership_one_team_per_edition",
                violation_error_message=_("A student can be in only one team per edition."),
            ),
            models.UniqueConstraint(
                fields=["team"], condition=Q(role=MembershipRole.LEAD), name="membership_one_lead_per_team",
                violation_error_message=_("A team has at most one team lead."),
            ),
        ]

    def __str__(self):
        return f"{self.user} in {self.team} ({self.get_role_display()})"
