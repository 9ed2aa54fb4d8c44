import pytest
from django.contrib.auth.models import Group

from marathon.demo import UNIVERSITIES
from marathon.roles import MOBILITY_COORDINATORS
from mobility.demo import seed_rate_table
from tests import factories


@pytest.fixture
def ka1(db):
    """The ERASMUS+ KA1 table of calls 2021–2023 as the demo ships it (example per-day rates)."""
    return seed_rate_table()


def _real(short_name):
    for name, short, country, city, lat, lon, host, _web in UNIVERSITIES:
        if short == short_name:
            return factories.UniversityFactory(name=name, short_name=short, country=country,
                                               city=city, latitude=lat, longitude=lon,
                                               is_host=host)
    raise LookupError(short_name)


@pytest.fixture
def spbpu(db):
    return _real("SPbPU")


@pytest.fixture
def graz(db):
    return _real("TU Graz")


@pytest.fixture
def cadiz(db):
    return _real("UCA")


@pytest.fixture
def coordinator(db):
    user = factories.UserFactory(status="researcher", full_name="Carmen Coordinator")
    user.groups.add(Group.objects.get_or_create(name=MOBILITY_COORDINATORS)[0])
    return user


@pytest.fixture
def applicant(db, graz):
    return factories.UserFactory(status="master", university=graz, full_name="Anna Applicant")
