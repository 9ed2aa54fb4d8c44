from datetime import date
from decimal import Decimal

import pytest

from mobility.grants import distance_between, estimate_grant, great_circle_km
from mobility.models import GrantRateTable, MobilityKind

from .factories import origin_university, university_at_km

START, END = date(2022, 3, 1), date(2022, 3, 10)  # 10 days at the host
STUDENT = MobilityKind.STUDENT_RESEARCH
STAFF = MobilityKind.STAFF_TEACHING


@pytest.mark.parametrize(("km", "band", "standard", "green"), [
    (9.95, "", "0", "0"),
    (10.05, "10–99 km", "23", "23"),
    (99.95, "10–99 km", "23", "23"),
    (100.05, "100–499 km", "180", "210"),
    (499.95, "100–499 km", "180", "210"),
    (500.05, "500–1999 km", "275", "320"),
    (1999.95, "500–1999 km", "275", "320"),
    (2000.05, "2000–2999 km", "360", "410"),
    (2999.95, "2000–2999 km", "360", "410"),
    (3000.05, "3000–3999 km", "530", "610"),
    (3999.95, "3000–3999 km", "530", "610"),
    (4000.05, "4000–7999 km", "820", "820"),
    (7999.95, "4000–7999 km", "820", "820"),
    (8000.05, "8000+ km", "1500", "1500"),
])
def test_travel_support_at_every_band_edge(ka1, km, band, standard, green):
    home, host = origin_university(), university_at_km(km, country="AT")
    plain = estimate_grant(home=home, host=host, kind=STUDENT, start=START, end=END)
    greener = estimate_grant(home=home, host=host, kind=STUDENT, start=START, end=END, green=True)
    assert (plain.distance_km, plain.band) == (int(km), band)
    assert plain.travel_amount == Decimal(standard)
    assert greener.travel_amount == Decimal(green)


def test_haversine_matches_a_quarter_meridian():
    assert round(great_circle_km(0, 0, 90, 0)) == 10008


def test_spbpu_tu_graz_research_stay_hand_computed(ka1, spbpu, graz):
    # 1736 km -> 500–1999 band, 275 EUR; Austria is group 2, student example rate 70 EUR/day;
    # 30 days + 2 travel days.
    estimate = estimate_grant(home=spbpu, host=graz, kind=STUDENT, start=date(2022, 4, 1),
                              end=date(2022, 4, 30))
    assert distance_between(spbpu, graz) == 1736
    assert (estimate.band, estimate.travel_amount) == ("500–1999 km", Decimal("275"))
    assert (estimate.country_group, estimate.daily_rate, estimate.days) == ("2", Decimal("70"), 32)
    assert estimate.individual_amount == Decimal("2240.00")
    assert estimate.total == Decimal("2515.00")
    assert estimate.currency == "EUR"
    assert estimate.rates_are_examples is True


def test_spbpu_cadiz_green_teaching_hand_computed(ka1, spbpu, cadiz):
    # 3680 km -> 3000–3999 band, green 610 EUR; Spain group 2, staff 160 EUR/day;
    # 5 days + 2 travel days + 4 extra green travel days.
    estimate = estimate_grant(home=spbpu, host=cadiz, kind=STAFF, start=date(2023, 5, 8),
                              end=date(2023, 5, 12), green=True)
    assert distance_between(spbpu, cadiz) == 3680
    assert (estimate.band, estimate.travel_amount) == ("3000–3999 km", Decimal("610"))
    assert (estimate.daily_rate, estimate.days) == (Decimal("160"), 11)
    assert estimate.total == Decimal("2370.00")


def test_host_in_unlisted_country_uses_partner_rate(ka1, graz, spbpu):
    estimate = estimate_grant(home=graz, host=spbpu, kind=STAFF, start=START, end=END)
    assert (estimate.country_group, estimate.daily_rate) == ("partner", Decimal("180"))


def test_without_any_rate_table_the_estimate_is_zero(db, spbpu, graz):
    estimate = estimate_grant(home=spbpu, host=graz, kind=STUDENT, start=START, end=END)
    assert (estimate.total, estimate.distance_km, estimate.notes) == (Decimal("0"), 1736,
                                                                      ["no-rate-table"])


def test_other_call_year_uses_nearest_table_and_says_so(ka1, spbpu, graz):
    estimate = estimate_grant(home=spbpu, host=graz, kind=STUDENT, start=date(2019, 3, 1),
                              end=date(2019, 3, 10))
    assert estimate.rate_table == ka1
    assert estimate.notes == ["rate-table-of-other-call"]


def test_table_of_the_call_year_is_chosen(ka1, spbpu, graz):
    newer = GrantRateTable.objects.create(name="KA1 2024", first_call_year=2024)
    newer.bands.create(min_km=500, max_km=1999, standard_amount=Decimal("309"),
                       green_amount=Decimal("417"))
    estimate = estimate_grant(home=spbpu, host=graz, kind=STUDENT, start=date(2025, 3, 1),
                              end=date(2025, 3, 10), call_year=2024)
    assert (estimate.rate_table, estimate.travel_amount) == (newer, Decimal("309"))
