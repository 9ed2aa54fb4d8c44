"""Academic mobility: the mobility record, its documents, and the grant rate tables (data).

Statistics read these fields directly. *ERASMUS+ mobility grant* = a mobility with
`funding_source == ERASMUS` and status approved, in progress or completed, counted in the year
of `planned_start`; its amount is the stored `grant_total` (computed by the service at submit and
again at approval, never recomputed on read).
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeBoundary, RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Func, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from marathon.models import Edition, University
from projects.models import Project, Team


class MobilityKind(models.TextChoices):
    STUDENT_STUDY = "student_study", _("Student study / collaborative learning")
    STUDENT_RESEARCH = "student_research", _("Student research in a partner laboratory")
    STAFF_TEACHING = "staff_teaching", _("Staff teaching (visiting professor)")
    STAFF_TRAINING = "staff_training", _("Staff training")


STUDENT_KINDS = (MobilityKind.STUDENT_STUDY, MobilityKind.STUDENT_RESEARCH)


class ParticipantKind(models.TextChoices):
    STUDENT = "student", _("Student")
    STAFF = "staff", _("Staff")


def participant_kind_of(kind: str) -> str:
    return ParticipantKind.STUDENT if kind in STUDENT_KINDS else ParticipantKind.STAFF


class MobilityStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


# The statuses in which a person is committed to be somewhere: these may never overlap.
BLOCKING_STATUSES = (MobilityStatus.APPROVED, MobilityStatus.IN_PROGRESS)
# The statuses in which an ERASMUS+-funded mobility counts as a granted mobility.
GRANTED_STATUSES = (MobilityStatus.APPROVED, MobilityStatus.IN_PROGRESS, MobilityStatus.COMPLETED)


class FundingSource(models.TextChoices):
    ERASMUS = "erasmus", _("ERASMUS+")
    UNIVERSITY = "university", _("Home university")
    HOST = "host", _("Host university")
    OTHER = "other", _("Other (national programme, project, …)")
    NONE = "none", _("None")


class CountryGroup(models.TextChoices):
    GROUP_1 = "1", _("Group 1")
    GROUP_2 = "2", _("Group 2")
    GROUP_3 = "3", _("Group 3")
    PARTNER = "partner", _("Partner countries")


class DateRange(Func):
    """`daterange(start, end, '[]')`: both planned dates are days spent at the host."""

    function = "daterange"
    output_field = DateRangeField()


class PostgresExclusionConstraint(ExclusionConstraint):
    """An exclusion constraint that exists only on PostgreSQL.

    The embedded SQLite development database cannot express it; there the services' own
    overlap check (under a row lock on the participant) is the only guard.
    """

    def constraint_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().constraint_sql(model, schema_editor)

    def create_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().create_sql(model, schema_editor)

    def remove_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().remove_sql(model, schema_editor)

    def validate(self, model, instance, exclude=None, using="default"):
        from django.db import connections

        if connections[using].vendor != "postgresql":
            return
        super().validate(model, instance, exclude=exclude, using=using)


class Mobility(models.Model):
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("participant"), on_delete=models.PROTECT,
        related_name="mobilities",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=MobilityKind.choices)
    home_university = models.ForeignKey(
        University, verbose_name=_("home university"), on_delete=models.PROTECT,
        related_name="outgoing_mobilities",
    )
    host_university = models.ForeignKey(
        University, verbose_name=_("host university"), on_delete=models.PROTECT,
        related_name="incoming_mobilities",
    )
    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="mobilities",
    )
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="mobilities",
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="mobilities",
    )
    purpose = models.TextField(_("purpose"), blank=True,
                               help_text=_("What you will do at the host university."))
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=MobilityStatus.choices,
                              default=MobilityStatus.DRAFT, db_index=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)

    funding_source = models.CharField(_("funding source"), max_length=20,
                                      choices=FundingSource.choices, default=FundingSource.NONE)
    erasmus_action = models.CharField(_("ERASMUS+ action"), max_length=40, blank=True,
                                      help_text=_("For example KA131 or KA171."))
    erasmus_call_year = models.PositiveSmallIntegerField(
        _("ERASMUS+ call year"), null=True, blank=True,
        validators=[MinValueValidator(2014), MaxValueValidator(2100)],
    )
    grant_reference = models.CharField(_("grant reference"), max_length=80, blank=True)
    green_travel = models.BooleanField(
        _("green travel"), default=False,
        help_text=_("Train, bus or car-sharing for the main part of the trip."),
    )
    teaching_hours = models.PositiveSmallIntegerField(
        _("teaching hours"), null=True, blank=True,
        help_text=_("For staff teaching mobilities."),
    )

    # The grant as computed by the service (at submit and at approval) and stored, so reports
    # never recompute with a rate table that may have been edited since.
    rate_table = models.ForeignKey(
        "GrantRateTable", verbose_name=_("rate table"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="mobilities",
    )
    distance_km = models.PositiveIntegerField(_("distance (km)"), null=True, blank=True)
    distance_band = models.CharField(_("distance band"), max_length=40, blank=True)
    grant_travel_amount = models.DecimalField(_("travel support"), max_digits=9,
                                              decimal_places=2, default=Decimal("0"))
    grant_daily_rate = models.DecimalField(_("individual support per day"), max_digits=9,
                                           decimal_places=2, default=Decimal("0"))
    grant_days = models.PositiveSmallIntegerField(_("funded days"), default=0)
    grant_individual_amount = models.DecimalField(_("individual support"), max_digits=9,
                                                  decimal_places=2, default=Decimal("0"))
    grant_total = models.DecimalField(_("grant total"), max_digits=9, decimal_places=2,
                                      default=Decimal("0"))
    grant_currency = models.CharField(_("currency"), max_length=3, default="EUR")
    grant_computed_at = models.DateTimeField(_("grant computed"), null=True, blank=True)

    created_at = models.DateTimeField(_("created"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    certificate_reminder_sent_at = models.DateTimeField(
        _("certificate reminder sent"), null=True, blank=True)

    # Where the stay really happens when it is not the host university itself (e.g. an internship
    # at a company site): the grant distance is then measured to these coordinates.
    host_site_name = models.CharField(_("host site"), max_length=200, blank=True)
    host_site_latitude = models.DecimalField(_("host site latitude"), max_digits=9, decimal_places=6,
                                             null=True, blank=True)
    host_site_longitude = models.DecimalField(_("host site longitude"), max_digits=9, decimal_places=6,
                                              null=True, blank=True)

    class Meta:
        ordering = ["-planned_start", "-id"]
        verbose_name = _("mobility")
        verbose_name_plural = _("mobilities")
        constraints = [
            models.CheckConstraint(
                condition=~Q(home_university=F("host_university")),
                name="mobility_home_differs_from_host",
                violation_error_message=_("The host university must differ from the home university."),
            ),
            models.CheckConstraint(
                condition=Q(planned_start__lte=F("planned_end")),
                name="mobility_planned_dates_ordered",
                violation_error_message=_("The end date must not be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(actual_start__isnull=True) | Q(actual_end__isnull=True)
                | Q(actual_start__lte=F("actual_end")),
                name="mobility_actual_dates_ordered",
                violation_error_message=_("The actual end date must not be before the actual start."),
            ),
            PostgresExclusionConstraint(
                name="mobility_no_overlap_per_participant",
                expressions=[
                    (DateRange("planned_start", "planned_end", RangeBoundary(inclusive_upper=True)),
                     RangeOperators.OVERLAPS),
                    ("participant", RangeOperators.EQUAL),
                ],
                condition=Q(status__in=["approved", "in_progress"]),
                violation_error_message=_(
                    "This person already has an approved mobility during these dates."),
            ),
        ]
        indexes = [
            models.Index(fields=["funding_source", "status", "planned_start"],
                         name="mobility_grant_idx"),
            # The who-is-where calendar: status + date overlap; incoming lists by host and date.
            models.Index(fields=["status", "planned_start", "planned_end"],
                         name="mobility_status_dates_idx"),
            models.Index(fields=["host_university", "planned_start"], name="mobility_host_start_idx"),
        ]

    def __str__(self):
        return f"{self.participant} → {self.host_university.short_name} ({date_format(self.planned_start)})"

    def get_absolute_url(self):
        return reverse("mobility:detail", args=[self.pk])

    @property
    def participant_kind(self) -> str:
        return participant_kind_of(self.kind)

    @property
    def is_erasmus_grant(self) -> bool:
        return self.funding_source == FundingSource.ERASMUS and self.status in GRANTED_STATUSES

    @property
    def start(self):
        return self.actual_start or self.planned_start

    @property
    def end(self):
        return self.actual_end or self.planned_end


    @property
    def grant_host(self):
        """What the grant's distance and country are measured to: the host site when one is set
        (same country as the host university), else the host university."""
        if self.host_site_latitude is None or self.host_site_longitude is None:
            return self.host_university
        from types import SimpleNamespace

        return SimpleNamespace(latitude=self.host_site_latitude, longitude=self.host_site_longitude,
                               country=self.host_university.country)

class DocumentKind(models.TextChoices):
    AGREEMENT = "agreement", _("Mobility / learning agreement")
    CERTIFICATE = "certificate", _("Certificate of attendance")
    OTHER = "other", _("Other")


def document_path(instance, filename):
    return f"mobility/{instance.mobility_id}/{instance.kind}/{timezone.now():%Y%m%d%H%M%S}"


class MobilityDocument(models.Model):
    mobility = models.ForeignKey(Mobility, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=document_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("mobility document")
        verbose_name_plural = _("mobility documents")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.original_name}"


class GrantRateTable(models.Model):
    """The rates of one programme call (e.g. ERASMUS+ KA131, call 2021–2023)."""

    name = models.CharField(_("name"), max_length=120)
    first_call_year = models.PositiveSmallIntegerField(_("first call year"))
    last_call_year = models.PositiveSmallIntegerField(
        _("last call year"), null=True, blank=True, help_text=_("Empty while the table is current."))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    travel_days = models.PositiveSmallIntegerField(
        _("travel days"), default=2,
        help_text=_("Days of individual support added for the journey there and back."))
    green_travel_extra_days = models.PositiveSmallIntegerField(
        _("extra travel days for green travel"), default=4)
    default_country_group = models.CharField(
        _("country group for unlisted countries"), max_length=10,
        choices=CountryGroup.choices, default=CountryGroup.PARTNER)
    rates_are_examples = models.BooleanField(
        _("individual support rates are examples"), default=False,
        help_text=_("Shown next to every estimate until the office enters the official rates."))
    notes = models.TextField(_("notes"), blank=True,
                             help_text=_("Source of the rates; say here when rates are examples."))

    class Meta:
        ordering = ["-first_call_year"]
        verbose_name = _("grant rate table")
        verbose_name_plural = _("grant rate tables")
        constraints = [
            models.UniqueConstraint(fields=["first_call_year"], name="rate_table_unique_first_year"),
            models.CheckConstraint(
                condition=Q(last_call_year__isnull=True)
                | Q(last_call_year__gte=F("first_call_year")),
                name="rate_table_years_ordered",
            ),
        ]

    def __str__(self):
        years = f"{self.first_call_year}–{self.last_call_year or ''}"
        return f"{self.name} ({years})"


class TravelBand(models.Model):
    table = models.ForeignKey(GrantRateTable, on_delete=models.CASCADE, related_name="bands")
    min_km = models.PositiveIntegerField(_("from (km)"))
    max_km = models.PositiveIntegerField(_("to (km, inclusive)"), null=True, blank=True,
                                         help_text=_("Empty for the open-ended last band."))
    standard_amount = models.DecimalField(_("standard travel"), max_digits=9, decimal_places=2)
    green_amount = models.DecimalField(_("green travel"), max_digits=9, decimal_places=2,
                                       null=True, blank=True,
                                       help_text=_("Empty when green travel pays the standard amount."))

    class Meta:
        ordering = ["table", "min_km"]
        verbose_name = _("travel distance band")
        verbose_name_plural = _("travel distance bands")
        constraints = [
            models.UniqueConstraint(fields=["table", "min_km"], name="travel_band_unique_start"),
            models.CheckConstraint(condition=Q(max_km__isnull=True) | Q(max_km__gte=F("min_km")),
                                   name="travel_band_range_ordered"),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        if self.max_km is None:
            return f"{self.min_km}+ km"
        return f"{self.min_km}–{self.max_km} km"


class CountryGroupEntry(models.Model):
    table = models.ForeignKey(GrantRateTable, on_delete=models.CASCADE,
                              related_name="country_groups")
    country = CountryField(_("country"))
    group = models.CharField(_("country group"), max_length=10, choices=CountryGroup.choices)

    class Meta:
        ordering = ["table", "group", "country"]
        verbose_name = _("host-country group")
        verbose_name_plural = _("host-country groups")
        constraints = [
            models.UniqueConstraint(fields=["table", "country"], name="country_group_unique"),
        ]

    def __str__(self):
        return f"{self.country.name}: {self.get_group_display()}"


class DailyRate(models.Model):
    table = models.ForeignKey(GrantRateTable, on_delete=models.CASCADE, related_name="daily_rates")
    country_group = models.CharField(_("host-country group"), max_length=10,
                                     choices=CountryGroup.choices)
    participant_kind = models.CharField(_("participant"), max_length=10,
                                        choices=ParticipantKind.choices)
    amount = models.DecimalField(_("amount per day"), max_digits=9, decimal_places=2)

    class Meta:
        ordering = ["table", "participant_kind", "country_group"]
        verbose_name = _("individual support rate")
        verbose_name_plural = _("individual support rates")
        constraints = [
            models.UniqueConstraint(fields=["table", "country_group", "participant_kind"],
                                    name="daily_rate_unique"),
        ]

    def __str__(self):
        return f"{self.get_participant_kind_display()}, {self.get_country_group_display()}: {self.amount}"
