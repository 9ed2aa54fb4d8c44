from io import StringIO

import pytest

from marathon import demo as core_demo
from marathon.models import User
from marathon.roles import MOBILITY_COORDINATORS
from mobility import demo
from mobility.models import GrantRateTable, Mobility, MobilityStatus
from mobility.selectors import erasmus_grants

pytestmark = pytest.mark.django_db


def seed_twice():
    for _ in range(2):
        core_demo.seed(StringIO())
        demo.seed(StringIO())


def test_demo_is_idempotent_with_exactly_seven_grants_2018_2020():
    seed_twice()
    assert erasmus_grants(first_year=2018, last_year=2020).count() == 7
    assert Mobility.objects.filter(planned_start__year__lte=2020).count() == 11
    assert Mobility.objects.filter(status__in=[MobilityStatus.DRAFT, MobilityStatus.SUBMITTED]).count() == 2
    coordinator = User.objects.get(email="coordinator@marathon.example")
    assert list(coordinator.groups.values_list("name", flat=True)) == [MOBILITY_COORDINATORS]


def test_demo_ships_ka1_travel_table_2021_2023_exactly():
    seed_twice()
    table = GrantRateTable.objects.get(first_call_year=2021)
    assert (table.first_call_year, table.last_call_year, table.rates_are_examples) == (2021, 2023, True)
    bands = [(b.min_km, b.max_km, str(b.standard_amount), b.green_amount and str(b.green_amount))
             for b in table.bands.all()]
    assert bands == [
        (10, 99, "23.00", None), (100, 499, "180.00", "210.00"), (500, 1999, "275.00", "320.00"),
        (2000, 2999, "360.00", "410.00"), (3000, 3999, "530.00", "610.00"),
        (4000, 7999, "820.00", None), (8000, None, "1500.00", None),
    ]


def test_demo_ships_travel_table_from_2024():
    seed_twice()
    table = GrantRateTable.objects.get(first_call_year=2024)
    assert table.last_call_year is None
    assert [(b.min_km, str(b.standard_amount), b.green_amount and str(b.green_amount))
            for b in table.bands.all()] == [
        (10, "28.00", "56.00"), (100, "211.00", "285.00"), (500, "309.00", "417.00"),
        (2000, "395.00", "535.00"), (3000, "580.00", "785.00"), (4000, "1188.00", None),
        (8000, "1735.00", None)]


def test_demo_grants_have_stored_amounts():
    seed_twice()
    assert all(m.grant_total > 0 and m.distance_km > 1000
               for m in erasmus_grants(first_year=2018, last_year=2020))
