"""Mobility demo data (idempotent): the KA1 rate table 2021–2023, mobilities 2018–2020 between
SPbPU and the partners (exactly 7 ERASMUS+ grants), a few in the current edition, and the
coordinator in the coordinators group."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.utils import timezone

from marathon.demo import ensure_demo_user
from marathon.models import Edition, University, User
from marathon.roles import MOBILITY_COORDINATORS

from .models import (
    CountryGroup,
    CountryGroupEntry,
    DailyRate,
    FundingSource,
    GrantRateTable,
    Mobility,
    MobilityKind,
    MobilityStatus,
    ParticipantKind,
    TravelBand,
)
from .services import store_grant

# ERASMUS+ KA1 travel support, calls 2021–2023 (Programme Guide): km from, km to, standard, green.
KA1_2021_BANDS = [
    (10, 99, "23", None),
    (100, 499, "180", "210"),
    (500, 1999, "275", "320"),
    (2000, 2999, "360", "410"),
    (3000, 3999, "530", "610"),
    (4000, 7999, "820", None),
    (8000, None, "1500", None),
]
# The same for calls from 2024 (Programme Guide 2024), so current estimates use current figures.
KA1_2024_BANDS = [
    (10, 99, "28", "56"),
    (100, 499, "211", "285"),
    (500, 1999, "309", "417"),
    (2000, 2999, "395", "535"),
    (3000, 3999, "580", "785"),
    (4000, 7999, "1188", None),
    (8000, None, "1735", None),
]
# Host-country groups of the Programme Guide 2021–2027; other countries use the partner rate.
COUNTRY_GROUPS = {
    CountryGroup.GROUP_1: ["DK", "FI", "IS", "IE", "LI", "LU", "NO", "SE"],
    CountryGroup.GROUP_2: ["AT", "BE", "CY", "DE", "ES", "FR", "GR", "IT", "MT", "NL", "PT"],
    CountryGroup.GROUP_3: ["BG", "CZ", "EE", "HR", "HU", "LT", "LV", "MK", "PL", "RO", "RS",
                           "SI", "SK", "TR"],
}
# EXAMPLE per-day individual support (EUR), NOT the official figures: the office enters those.
EXAMPLE_DAILY_RATES = {
    ParticipantKind.STUDENT: {CountryGroup.GROUP_1: "80", CountryGroup.GROUP_2: "70",
                              CountryGroup.GROUP_3: "60", CountryGroup.PARTNER: "70"},
    ParticipantKind.STAFF: {CountryGroup.GROUP_1: "180", CountryGroup.GROUP_2: "160",
                            CountryGroup.GROUP_3: "140", CountryGroup.PARTNER: "180"},
}

PEOPLE = [
    # email, full name, status, university short name
    ("lukas.huber@tugraz.example", "Lukas Huber", User.Status.MASTER, "TU Graz"),
    ("maria.garcia@uca.example", "María García", User.Status.PHD, "UCA"),
    ("jonas.weber@tu-berlin.example", "Jonas Weber", User.Status.MASTER, "TU Berlin"),
    ("andres.lopez@upm.example", "Andrés López", User.Status.PROFESSOR, "UPM"),
    ("karin.hofer@tugraz.example", "Karin Hofer", User.Status.PROFESSOR, "TU Graz"),
    ("irina.smirnova@spbstu.example", "Irina Smirnova", User.Status.PHD, "SPbPU"),
    ("dmitry.ivanov@spbstu.example", "Dmitry Ivanov", User.Status.PROFESSOR, "SPbPU"),
]

R, T, L = MobilityKind.STUDENT_RESEARCH, MobilityKind.STAFF_TEACHING, MobilityKind.STUDENT_STUDY
E, U, H = FundingSource.ERASMUS, FundingSource.UNIVERSITY, FundingSource.HOST
DONE, CANCELLED, REJECTED = (MobilityStatus.COMPLETED, MobilityStatus.CANCELLED,
                             MobilityStatus.REJECTED)
HISTORY = [
    # person, kind, home, host, start, days, funding, status, green, teaching hours
    ("lukas.huber@tugraz.example", R, "TU Graz", "SPbPU", date(2018, 5, 14), 60, E, DONE, True, None),
    ("karin.hofer@tugraz.example", T, "TU Graz", "SPbPU", date(2018, 9, 17), 5, E, DONE, False, 8),
    ("irina.smirnova@spbstu.example", R, "SPbPU", "UCA", date(2018, 10, 1), 90, E, DONE, False, None),
    ("maria.garcia@uca.example", L, "UCA", "SPbPU", date(2019, 3, 4), 14, E, DONE, False, None),
    ("dmitry.ivanov@spbstu.example", T, "SPbPU", "TU Graz", date(2019, 6, 3), 5, E, DONE, True, 8),
    ("andres.lopez@upm.example", T, "UPM", "SPbPU", date(2019, 10, 7), 7, E, DONE, False, 12),
    ("jonas.weber@tu-berlin.example", R, "TU Berlin", "SPbPU", date(2020, 2, 3), 45, E, DONE, True, None),
    # Not grants: other funding, or ERASMUS+ but cancelled / rejected.
    ("irina.smirnova@spbstu.example", L, "SPbPU", "TU Berlin", date(2019, 11, 11), 10, U, DONE, False, None),
    ("karin.hofer@tugraz.example", T, "TU Graz", "SPbPU", date(2019, 4, 8), 5, H, DONE, False, 10),
    ("maria.garcia@uca.example", R, "UCA", "SPbPU", date(2020, 4, 6), 30, E, CANCELLED, False, None),
    ("jonas.weber@tu-berlin.example", L, "TU Berlin", "SPbPU", date(2018, 11, 5), 14, E, REJECTED, False, None),
]


def seed(stdout) -> None:
    table = seed_rate_table()
    seed_rate_table(first_year=2024, last_year=None, bands=KA1_2024_BANDS)
    coordinator = User.objects.filter(email="coordinator@marathon.example").first()
    group, _created = Group.objects.get_or_create(name=MOBILITY_COORDINATORS)
    if coordinator:
        coordinator.groups.add(group)
    universities = {u.short_name: u for u in University.objects.all()}
    people = {email: ensure_demo_user(email=email, full_name=name, status=status,
                                      university=universities[uni])
              for email, name, status, uni in PEOPLE}
    for person, kind, home, host, start, days, funding, status, green, hours in HISTORY:
        _mobility(people[person], kind, universities[home], universities[host], start,
                  start + timedelta(days=days - 1), funding, status, green, hours, coordinator)
    _current_edition(universities, people)
    grants = Mobility.objects.filter(funding_source=E, status__in=[DONE]).count()
    stdout.write(f"  mobility: rate table {table}, {Mobility.objects.count()} mobilities, "
                 f"{grants} ERASMUS+ grants")


def seed_rate_table(*, first_year=2021, last_year=2023, bands=KA1_2021_BANDS) -> GrantRateTable:
    table, _created = GrantRateTable.objects.update_or_create(first_call_year=first_year, defaults={
        "name": "ERASMUS+ KA1 (KA131/KA171)", "last_call_year": last_year, "currency": "EUR",
        "travel_days": 2, "green_travel_extra_days": 4,
        "default_country_group": CountryGroup.PARTNER, "rates_are_examples": True,
        "notes": f"Travel bands: Erasmus+ Programme Guide, calls from {first_year}. "
                 "Per-day individual support rates are EXAMPLES for the demo, not official."})
    for low, high, standard, green in bands:
        TravelBand.objects.update_or_create(table=table, min_km=low, defaults={
            "max_km": high, "standard_amount": Decimal(standard),
            "green_amount": Decimal(green) if green else None})
    for group, countries in COUNTRY_GROUPS.items():
        for country in countries:
            CountryGroupEntry.objects.update_or_create(table=table, country=country,
                                                       defaults={"group": group})
    for kind, rates in EXAMPLE_DAILY_RATES.items():
        for group, amount in rates.items():
            DailyRate.objects.update_or_create(table=table, country_group=group,
                                               participant_kind=kind,
                                               defaults={"amount": Decimal(amount)})
    return table


def _mobility(person, kind, home, host, start, end, funding, status, green, hours, coordinator,
              edition=None):
    mobility = Mobility.objects.filter(participant=person, planned_start=start).first() or Mobility(
        participant=person, planned_start=start)
    mobility.kind, mobility.home_university, mobility.host_university = kind, home, host
    mobility.planned_end, mobility.funding_source, mobility.status = end, funding, status
    mobility.green_travel, mobility.teaching_hours = green, hours
    mobility.edition = edition or Edition.objects.filter(year=start.year).first()
    mobility.purpose = {R: "Joint experiments in the partner laboratory.",
                        T: "Lectures and a workshop for the marathon teams.",
                        L: "Collaborative learning with the partner team."}[kind]
    if funding == E:
        mobility.erasmus_action, mobility.erasmus_call_year = "KA107", start.year
        mobility.grant_reference = f"KA107-{start.year}-{person.pk:03d}"
    if status == DONE:
        mobility.actual_start, mobility.actual_end = start, end
    if status != MobilityStatus.DRAFT:
        mobility.submitted_at = timezone.make_aware(
            datetime.combine(start - timedelta(days=60), time(10)))
    if status in (DONE, REJECTED):
        mobility.decided_at, mobility.decided_by = mobility.submitted_at, coordinator
    if status == REJECTED:
        mobility.rejection_reason = "The partner laboratory could not host a student at that time."
    store_grant(mobility)
    mobility.save()
    return mobility


def _current_edition(universities, people) -> None:
    edition = Edition.objects.current()
    today = timezone.localdate()
    professor = User.objects.filter(email="professor@marathon.example").first()
    if professor:
        _mobility(professor, T, universities["SPbPU"], universities["TU Graz"],
                  today + timedelta(days=40), today + timedelta(days=44), FundingSource.OTHER,
                  MobilityStatus.SUBMITTED, True, 10, None, edition)
    _mobility(people["lukas.huber@tugraz.example"], R, universities["TU Graz"],
              universities["SPbPU"], today + timedelta(days=60), today + timedelta(days=119),
              FundingSource.HOST, MobilityStatus.DRAFT, False, None, None, edition)
