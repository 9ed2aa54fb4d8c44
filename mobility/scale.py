"""Scale data of `mobility`: stays of team members during their edition's research phase, with the
ERASMUS+ grant computed by the app's own calculation (`ORDER` 50)."""

from datetime import date, timedelta

from marathon.models import Edition
from marathon.scale import Context, at, between, bulk
from mobility.grants import RateBook, estimate_grant
from mobility.models import DailyRate, GrantRateTable, Mobility, TravelBand
from projects.scale import team_user_ids

ORDER = 50

TRAVEL_BANDS = {  # first call year: (min km, max km, standard, green) per band (DESIGN.md)
    2021: [(10, 99, "23", None), (100, 499, "180", "210"), (500, 1999, "275", "320"),
           (2000, 2999, "360", "410"), (3000, 3999, "530", "610"), (4000, 7999, "820", None),
           (8000, None, "1500", None)],
    2024: [(10, 99, "28", "56"), (100, 499, "211", "285"), (500, 1999, "309", "417"),
           (2000, 2999, "395", "535"), (3000, 3999, "580", "785"), (4000, 7999, "1188", None),
           (8000, None, "1735", None)],
}


def mobility(ctx: Context) -> None:
    """Mobilities of team members and supervisors during their edition's research phase: never
    two overlapping ones per person; about half ERASMUS+-funded (never to or from a Russian
    university from 2022 on), with the grant computed as the mobility service stores it."""
    ensure_rate_tables()
    rates = RateBook()
    rng = ctx.rng
    members = team_user_ids(ctx)
    users = {u.pk: u for u in ctx.people}
    unis = {u.pk: u for u in ctx.universities}
    busy: dict[int, date] = {}  # person -> the day after their last mobility ends
    candidates = []
    for team in ctx.teams:
        for user_id in sorted(members.get(team.pk, ())):
            user = users[user_id]
            if user.university_id:
                candidates.append((team, user))
    rng.shuffle(candidates)
    rows = []
    for team, user in candidates:
        if len(rows) >= ctx.sizes.mobilities:
            break
        row = mobility_row(ctx, team, user, unis, members, users, busy, rates)
        if row is not None:
            rows.append(row)
    bulk(Mobility, rows)
    ctx.counts.update(mobilities=len(rows),
                      erasmus_grants=sum(1 for r in rows if r.funding_source == "erasmus"))


def mobility_row(ctx, team, user, unis, members, users, busy, rates):
    rng = ctx.rng
    edition = next(e for e in ctx.editions if e.pk == team.edition_id)
    student = user.is_student
    kind = rng.choice(["student_research", "student_study"] if student else
                      ["staff_teaching", "staff_training"])
    length = rng.randint(14, 90) if student else rng.randint(3, 12)
    earliest = max(edition.research_start, busy.get(user.pk, edition.research_start))
    latest = edition.research_end - timedelta(days=length)
    if earliest > latest:
        return None
    start = between(rng, earliest, latest)
    end = start + timedelta(days=length - 1)
    busy[user.pk] = end + timedelta(days=1)
    hosts = sorted({users[i].university_id for i in members[team.pk]} - {None, user.university_id})
    host = unis[rng.choice(hosts)] if hosts else rng.choice([u for u in ctx.universities
                                                              if u.pk != user.university_id])
    home = unis[user.university_id]
    status = mobility_status(ctx, edition)
    russian = "RU" in (str(home.country), str(host.country))
    erasmus = rng.random() < 0.5 and not (russian and edition.year >= 2022) and status != "draft"
    green = erasmus and rng.random() < 0.3
    row = Mobility(
        participant=user, kind=kind, home_university=home, host_university=host, edition=edition,
        project=team.project, team=team, purpose="Joint experiments in the partner laboratory.",
        planned_start=start, planned_end=end, status=status,
        actual_start=start if status in ("in_progress", "completed") else None,
        actual_end=end if status == "completed" else None,
        rejection_reason="No budget left in this call." if status == "rejected" else "",
        funding_source="erasmus" if erasmus else rng.choice(["university", "host", "other", "none"]),
        erasmus_action="KA131" if erasmus else "", erasmus_call_year=start.year if erasmus else None,
        grant_reference=f"ERA-{edition.year}-{user.pk:06d}" if erasmus else "", green_travel=green,
        teaching_hours=8 if kind == "staff_teaching" else None,
        created_at=at(start - timedelta(days=45)),
        submitted_at=at(start - timedelta(days=40)) if status != "draft" else None,
        decided_at=at(start - timedelta(days=30)) if status not in ("draft", "submitted") else None,
        decided_by=ctx.accounts["coordinator"] if status not in ("draft", "submitted") else None,
    )
    store_grant(row, home, host, kind, start, end, green, funded=erasmus, rates=rates)
    return row


def mobility_status(ctx: Context, edition: Edition) -> str:
    rng = ctx.rng
    if edition == ctx.current_edition:
        return rng.choices(["draft", "submitted", "approved"], [2, 3, 5])[0]
    return rng.choices(["completed", "cancelled", "rejected"], [90, 5, 5])[0]


def store_grant(row, home, host, kind, start, end, green, *, funded: bool, rates: RateBook) -> None:
    """As `mobility.services.store_grant`: the distance for every mobility, the amounts for
    ERASMUS+-funded ones; the app's own calculation, with the rate tables read once (`RateBook`:
    reading them per call cost four queries a mobility, ~45 s at scale 100)."""
    grant = estimate_grant(home=home, host=host, kind=kind, start=start, end=end, green=green,
                           call_year=row.erasmus_call_year, rates=rates)
    row.distance_km, row.distance_band, row.grant_currency = grant.distance_km, grant.band, grant.currency
    row.grant_computed_at = row.submitted_at
    if funded:
        row.rate_table = grant.rate_table
        row.grant_travel_amount, row.grant_daily_rate = grant.travel_amount, grant.daily_rate
        row.grant_days, row.grant_individual_amount = grant.days, grant.individual_amount
        row.grant_total = grant.total


def ensure_rate_tables() -> None:
    """The ERASMUS+ travel tables of DESIGN.md with example per-day rates, unless a migration
    or the app's demo already created rate tables."""
    if GrantRateTable.objects.exists():
        return
    try:  # the app's own tables (with the Programme Guide's host-country groups) when it has them
        from mobility.demo import KA1_2024_BANDS, seed_rate_table
    except ImportError:
        seed_rate_table = None
    if seed_rate_table is not None:
        seed_rate_table()
        seed_rate_table(first_year=2024, last_year=None, bands=KA1_2024_BANDS)
        return
    for first, last in ((2021, 2023), (2024, None)):
        table = GrantRateTable.objects.create(
            name="ERASMUS+ KA131", first_call_year=first, last_call_year=last, rates_are_examples=True,
            notes="Travel bands from the programme guide; per-day rates are examples (scale data).")
        bulk(TravelBand, [TravelBand(table=table, min_km=lo, max_km=hi, standard_amount=std,
                                     green_amount=green)
                          for lo, hi, std, green in TRAVEL_BANDS[first]])
        bulk(DailyRate, [DailyRate(table=table, country_group=group, participant_kind=kind,
                                   amount=amount)
                         for group, student, staff in (("1", 25, 140), ("2", 22, 120), ("3", 19, 100),
                                                        ("partner", 19, 100))
                         for kind, amount in (("student", student), ("staff", staff))])


generate = mobility
