"""ERASMUS+ grant calculation from the rate tables (data) and the universities' coordinates.

Method (as the EU distance calculator): the one-way great-circle distance between the home and
host universities (haversine, mean Earth radius 6371 km), truncated to whole kilometres, selects
the travel band; the band pays a lump sum for the return trip, the green amount when the
participant travels green. Individual support is the per-day rate for the host country's group
and the participant kind (student or staff), times the days of the stay (first to last day,
inclusive) plus the table's travel days (more for green travel).
"""

import math
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from marathon.models import University

from .models import (
    CountryGroupEntry,
    DailyRate,
    GrantRateTable,
    TravelBand,
    participant_kind_of,
)

EARTH_RADIUS_KM = 6371.0
ZERO = Decimal("0.00")


def great_circle_km(lat1, lon1, lat2, lon2) -> float:
    phi1, phi2 = math.radians(float(lat1)), math.radians(float(lat2))
    d_phi = phi2 - phi1
    d_lambda = math.radians(float(lon2) - float(lon1))
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def distance_between(home: University, host: University) -> int:
    """Whole kilometres, rounded down: 99.9 km is still in the 10–99 km band."""
    return int(great_circle_km(home.latitude, home.longitude, host.latitude, host.longitude))


@dataclass(frozen=True)
class GrantEstimate:
    distance_km: int
    band: str
    travel_amount: Decimal
    daily_rate: Decimal
    stay_days: int
    travel_days: int
    days: int
    individual_amount: Decimal
    total: Decimal
    currency: str
    country_group: str = ""
    participant_kind: str = ""
    rate_table: GrantRateTable | None = None
    call_year: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def rates_are_examples(self) -> bool:
        return bool(self.rate_table and self.rate_table.rates_are_examples)


def table_for_year(year: int) -> GrantRateTable | None:
    """The table of that call year; else the latest one before it; else the earliest one."""
    return pick_table(list(GrantRateTable.objects.order_by("first_call_year")), year)


def pick_table(tables: list, year: int) -> GrantRateTable | None:
    """`table_for_year`'s rule over `tables` (ordered by first call year)."""
    for table in tables:
        if table.first_call_year <= year and (table.last_call_year or year) >= year:
            return table
    earlier = [t for t in tables if t.first_call_year <= year]
    if earlier:
        return earlier[-1]
    return tables[0] if tables else None


def band_for(table: GrantRateTable, distance_km: int) -> TravelBand | None:
    return pick_band(table.bands.order_by("min_km"), distance_km)


def pick_band(bands, distance_km: int) -> TravelBand | None:
    for band in bands:
        if band.min_km <= distance_km and (band.max_km is None or distance_km <= band.max_km):
            return band
    return None


def country_group_for(table: GrantRateTable, country) -> str:
    entry = table.country_groups.filter(country=str(country)).first()
    return entry.group if entry else table.default_country_group


def daily_rate_for(table: GrantRateTable, group: str, participant_kind: str) -> Decimal:
    rate = DailyRate.objects.filter(table=table, country_group=group,
                                    participant_kind=participant_kind).first()
    return rate.amount if rate else ZERO


class RateBook:
    """Every rate table read once (4 queries), for a caller that estimates thousands of grants
    (the scale generator): the same answers as the per-call lookups above, from memory. The
    tables are unique per first call year, bands per start, groups per country and rates per
    (group, kind), so no ordering question arises."""

    def __init__(self):
        self.tables = list(GrantRateTable.objects.order_by("first_call_year"))
        self.bands, self.groups, self.rates = {}, {}, {}
        for band in TravelBand.objects.order_by("table_id", "min_km"):
            self.bands.setdefault(band.table_id, []).append(band)
        for table_id, country, group in CountryGroupEntry.objects.values_list("table_id", "country", "group"):
            self.groups[table_id, str(country)] = group
        for table_id, group, kind, amount in DailyRate.objects.values_list(
                "table_id", "country_group", "participant_kind", "amount"):
            self.rates[table_id, group, kind] = amount

    def table_for_year(self, year: int) -> GrantRateTable | None:
        return pick_table(self.tables, year)

    def band_for(self, table: GrantRateTable, distance_km: int) -> TravelBand | None:
        return pick_band(self.bands.get(table.pk, ()), distance_km)

    def country_group_for(self, table: GrantRateTable, country) -> str:
        return self.groups.get((table.pk, str(country)), table.default_country_group)

    def daily_rate_for(self, table: GrantRateTable, group: str, participant_kind: str) -> Decimal:
        return self.rates.get((table.pk, group, participant_kind), ZERO)


class _LiveRates:
    """The default: each estimate reads what it needs from the database."""

    table_for_year = staticmethod(table_for_year)
    band_for = staticmethod(band_for)
    country_group_for = staticmethod(country_group_for)
    daily_rate_for = staticmethod(daily_rate_for)


LIVE_RATES = _LiveRates()


def estimate_grant(*, home: University, host: University, kind: str, start: date, end: date,
                   green: bool = False, call_year: int | None = None,
                   rates: RateBook | None = None) -> GrantEstimate:
    rates = rates or LIVE_RATES
    distance = distance_between(home, host)
    table = rates.table_for_year(call_year or start.year)
    stay_days = max((end - start).days + 1, 0)
    if table is None:
        return GrantEstimate(distance, "", ZERO, ZERO, stay_days, 0, stay_days, ZERO, ZERO, "EUR",
                             notes=["no-rate-table"])
    notes = []
    if not (table.first_call_year <= (call_year or start.year) <= (table.last_call_year or 9999)):
        notes.append("rate-table-of-other-call")
    band = rates.band_for(table, distance)
    travel = ZERO
    if band is not None:
        travel = band.green_amount if green and band.green_amount is not None else band.standard_amount
    group = rates.country_group_for(table, host.country)
    participant_kind = participant_kind_of(kind)
    daily = rates.daily_rate_for(table, group, participant_kind)
    travel_days = table.travel_days + (table.green_travel_extra_days if green else 0)
    days = stay_days + travel_days if stay_days else 0
    individual = (daily * days).quantize(Decimal("0.01"))
    return GrantEstimate(
        distance_km=distance, band=band.label if band else "", travel_amount=travel,
        daily_rate=daily, stay_days=stay_days, travel_days=travel_days if stay_days else 0,
        days=days, individual_amount=individual, total=travel + individual,
        currency=table.currency, country_group=group, participant_kind=participant_kind,
        rate_table=table, call_year=call_year or start.year, notes=notes,
    )


def stored_grant(mobility) -> GrantEstimate:
    """The grant as stored on the record at submission/approval, in the estimate's shape."""
    stay_days = (mobility.planned_end - mobility.planned_start).days + 1
    return GrantEstimate(
        distance_km=mobility.distance_km or 0, band=mobility.distance_band,
        travel_amount=mobility.grant_travel_amount, daily_rate=mobility.grant_daily_rate,
        stay_days=stay_days, travel_days=max(mobility.grant_days - stay_days, 0),
        days=mobility.grant_days, individual_amount=mobility.grant_individual_amount,
        total=mobility.grant_total, currency=mobility.grant_currency,
        rate_table=mobility.rate_table, call_year=mobility.erasmus_call_year,
    )
