"""Reads of mobilities: lists for the pages and the API, the calendar, the grant summary.

`erasmus_grants()` is the public definition statistics use: ERASMUS+-funded mobilities that are
approved, in progress or completed, counted in the year of their planned start.
"""

from datetime import date, timedelta

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from marathon.models import Edition, University

from .models import BLOCKING_STATUSES, GRANTED_STATUSES, FundingSource, Mobility, MobilityStatus
from .permissions import is_coordinator

LIST_RELATED = ("participant", "home_university", "host_university", "edition")


def mobilities_visible_to(user) -> QuerySet[Mobility]:
    mobilities = Mobility.objects.select_related(*LIST_RELATED)
    return mobilities if is_coordinator(user) else mobilities.filter(participant=user)


def mobilities_with_related() -> QuerySet[Mobility]:
    """For re-reading a record after a permitted write (the caller has checked access)."""
    return Mobility.objects.select_related(*LIST_RELATED)


def mobilities_of(user) -> QuerySet[Mobility]:
    return Mobility.objects.filter(participant=user).select_related(*LIST_RELATED)


def mobility_queue() -> QuerySet[Mobility]:
    return (Mobility.objects.filter(status=MobilityStatus.SUBMITTED)
            .select_related(*LIST_RELATED).order_by("submitted_at", "id"))


def incoming_to(university: University) -> QuerySet[Mobility]:
    return (Mobility.objects.filter(host_university=university)
            .exclude(status=MobilityStatus.DRAFT).select_related(*LIST_RELATED))


def outgoing_from(university: University) -> QuerySet[Mobility]:
    return (Mobility.objects.filter(home_university=university)
            .exclude(status=MobilityStatus.DRAFT).select_related(*LIST_RELATED))


def who_is_where(start: date, end: date) -> QuerySet[Mobility]:
    """Approved, running and completed stays that touch the period, by host and start date."""
    return (
        Mobility.objects.filter(
            status__in=(*BLOCKING_STATUSES, MobilityStatus.COMPLETED),
            planned_start__lte=end, planned_end__gte=start)
        .select_related(*LIST_RELATED).order_by("host_university__name", "planned_start", "id")
    )


def erasmus_grants(*, first_year: int | None = None, last_year: int | None = None,
                   edition: Edition | None = None) -> QuerySet[Mobility]:
    grants = Mobility.objects.filter(funding_source=FundingSource.ERASMUS,
                                     status__in=GRANTED_STATUSES)
    if first_year is not None:
        grants = grants.filter(planned_start__year__gte=first_year)
    if last_year is not None:
        grants = grants.filter(planned_start__year__lte=last_year)
    if edition is not None:
        grants = grants.filter(edition=edition)
    return grants


def grant_summary(edition: Edition | None) -> dict:
    """Count and total of ERASMUS+ grants of an edition (all editions when None), per pair."""
    grants = erasmus_grants(edition=edition)
    totals = grants.aggregate(count=Count("id"), total=Sum("grant_total"))
    pairs = list(
        grants.values("home_university__short_name", "host_university__short_name",
                      "grant_currency")
        .annotate(count=Count("id"), total=Sum("grant_total"))
        .order_by("home_university__short_name", "host_university__short_name")
    )
    rows = [{"home": p["home_university__short_name"], "host": p["host_university__short_name"],
             "count": p["count"], "total": p["total"], "currency": p["grant_currency"]}
            for p in pairs]
    return {"edition": edition, "count": totals["count"], "total": totals["total"] or 0,
            "pairs": rows}


def default_calendar_period() -> tuple[date, date]:
    today = timezone.localdate()
    return today, today + timedelta(days=90)
