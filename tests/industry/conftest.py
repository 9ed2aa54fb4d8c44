import pytest

from tests.factories import OrganisationFactory

from .factories import representative as make_representative


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Nordic Bearings GmbH")


@pytest.fixture
def customer(organisation):
    return make_representative(organisation, full_name="Carla Customer")


@pytest.fixture
def other_customer(db):
    return make_representative(OrganisationFactory(), full_name="Oscar Other")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
