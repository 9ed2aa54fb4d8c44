"""What a project produced: publications, grant applications, conference participations.

*Joint* (publication) and *international* (grant application) are computed from the rows, never
typed: see the queryset methods. Conference participations carry an explicit international flag.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, CharField, Count, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, Concat, Lower, Trim
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from marathon.models import University
from projects.models import Project

DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S+$")
DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/",
                "doi.org/", "doi:")


def normalize_doi(value: str) -> str:
    """`https://doi.org/10.1000/ABC` and `doi:10.1000/abc` are the same DOI: `10.1000/abc`.

    DOIs are case-insensitive (ISO 26324), so the canonical form is lower case."""
    doi = (value or "").strip()
    lowered = doi.lower()
    for prefix in DOI_PREFIXES:
        if lowered.startswith(prefix):
            doi = doi[len(prefix):].strip()
            break
    return doi.lower()


def validate_doi(value: str) -> None:
    if value and not DOI_PATTERN.match(normalize_doi(value)):
        raise ValidationError(_("Enter a DOI such as 10.1000/xyz123 (a doi.org link works too)."),
                              code="invalid_doi")


class PublicationType(models.TextChoices):
    JOURNAL = "journal", _("Journal article")
    CONFERENCE = "conference", _("Conference paper")
    CHAPTER = "chapter", _("Book chapter")


def affiliation_key():
    """One value per institution: the university row when known, else the affiliation text."""
    return Case(
        When(university__isnull=False,
             then=Concat(Value("u"), Cast("university_id", output_field=CharField()))),
        When(~Q(affiliation=""), then=Concat(Value("a"), Lower(Trim("affiliation")))),
        default=None, output_field=CharField(),
    )


class PublicationQuerySet(models.QuerySet):
    def with_affiliation_count(self):
        counts = (PublicationAuthor.objects.filter(publication=OuterRef("pk"))
                  .order_by().values("publication")
                  .annotate(n=Count(affiliation_key(), distinct=True)).values("n"))
        return self.annotate(affiliation_count=Coalesce(Subquery(counts), 0))

    def joint(self):
        """Publications whose authors come from at least two different universities."""
        return self.with_affiliation_count().filter(affiliation_count__gte=2)

    def in_years(self, year_from: int, year_to: int):
        return self.filter(year__gte=year_from, year__lte=year_to)


class Publication(models.Model):
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="publications")
    title = models.CharField(_("title"), max_length=300)
    venue = models.CharField(_("venue"), max_length=300,
                             help_text=_("Journal, proceedings or book."))
    type = models.CharField(_("type"), max_length=20, choices=PublicationType.choices)
    year = models.PositiveIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    # Stored normalised (lower case, no resolver prefix); "" when the work has no DOI yet.
    doi = models.CharField(_("DOI"), max_length=255, blank=True, validators=[validate_doi])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "title", "id"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        constraints = [
            models.UniqueConstraint(fields=["doi"], condition=~Q(doi=""),
                                    name="publication_doi_unique",
                                    violation_error_message=_("A publication with this DOI is already recorded.")),
        ]
        indexes = [models.Index(fields=["year"], name="publication_year_idx")]

    def __str__(self):
        return self.title

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""


class PublicationAuthor(models.Model):
    """One author, in order. A portal user, or an external person with affiliation and country.

    `university` is the author's university when the work was recorded (a portal user's
    university is copied, so a later move does not change history)."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="authors")
    position = models.PositiveSmallIntegerField(_("position"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("portal user"),
                             on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    university = models.ForeignKey(University, verbose_name=_("university"),
                                   on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    affiliation = models.CharField(_("affiliation"), max_length=300, blank=True)
    country = CountryField(_("country"), blank=True)

    class Meta:
        ordering = ["publication", "position"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        constraints = [
            models.UniqueConstraint(fields=["publication", "position"], name="author_position_unique"),
        ]

    def __str__(self):
        return self.name

    @property
    def affiliation_label(self) -> str:
        return self.university.name if self.university_id else self.affiliation


class GrantProgramme(models.TextChoices):
    HORIZON_EUROPE = "horizon_europe", _("Horizon Europe")
    ERASMUS = "erasmus", _("ERASMUS+")
    NATIONAL = "national", _("National funds")
    OTHER = "other", _("Other")


class GrantStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    AWARDED = "awarded", _("Awarded")
    REJECTED = "rejected", _("Rejected")


class GrantApplicationQuerySet(models.QuerySet):
    def with_country_count(self):
        through = GrantApplication.applicants.through
        counts = (through.objects.filter(grantapplication=OuterRef("pk")).order_by()
                  .values("grantapplication")
                  .annotate(n=Count("university__country", distinct=True)).values("n"))
        return self.annotate(country_count=Coalesce(Subquery(counts), 0))

    def international(self):
        """Applications whose applicant universities are in at least two countries."""
        return self.with_country_count().filter(country_count__gte=2)

    def in_years(self, year_from: int, year_to: int):
        return self.filter(submitted_on__year__gte=year_from, submitted_on__year__lte=year_to)


class GrantApplication(models.Model):
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="grant_applications")
    programme = models.CharField(_("programme"), max_length=20, choices=GrantProgramme.choices)
    funder = models.CharField(_("funder"), max_length=200, blank=True,
                              help_text=_("The funding body or call, e.g. MSCA Doctoral Networks 2020."))
    title = models.CharField(_("title"), max_length=300)
    applicants = models.ManyToManyField(University, verbose_name=_("applicant universities"),
                                        related_name="+")
    submitted_on = models.DateField(_("submission date"))
    amount = models.DecimalField(_("requested amount"), max_digits=12, decimal_places=2,
                                 validators=[MinValueValidator(0)])
    currency = models.CharField(_("currency"), max_length=3, default="EUR",
                                help_text=_("ISO 4217 code, e.g. EUR."))
    status = models.CharField(_("status"), max_length=20, choices=GrantStatus.choices,
                              default=GrantStatus.SUBMITTED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    objects = GrantApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_on", "title", "id"]
        verbose_name = _("grant application")
        verbose_name_plural = _("grant applications")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="grant_amount_not_negative"),
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"),
                                   name="grant_currency_iso"),
        ]

    def __str__(self):
        return self.title


class ConferenceQuerySet(models.QuerySet):
    def international(self):
        return self.filter(is_international=True)

    def in_years(self, year_from: int, year_to: int):
        return self.filter(start_date__year__gte=year_from, start_date__year__lte=year_to)


class ConferenceParticipation(models.Model):
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="conference_participations")
    conference = models.CharField(_("conference"), max_length=300)
    city = models.CharField(_("city"), max_length=100)
    country = CountryField(_("country"))
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    presenters = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("presenters"),
                                        blank=True, related_name="+")
    other_presenters = models.CharField(_("other presenters"), max_length=300, blank=True,
                                        help_text=_("Names of presenters without a portal account."))
    contribution_title = models.CharField(_("contribution title"), max_length=300)
    is_international = models.BooleanField(
        _("international conference"), default=True,
        help_text=_("Organised for an international audience (programme committee and "
                    "participants from several countries)."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    objects = ConferenceQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "conference", "id"]
        verbose_name = _("conference participation")
        verbose_name_plural = _("conference participations")
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")),
                                   name="conference_dates_ordered",
                                   violation_error_message=_("The last day cannot be before the first day.")),
        ]

    def __str__(self):
        return f"{self.conference}: {self.contribution_title}"
