import pytest

from tests.teams.factories import make_team


@pytest.fixture
def team(db):
    return make_team()


@pytest.fixture
def supervisor(team):
    return team.supervisor


@pytest.fixture
def other_professor(db):
    from tests.factories import UserFactory

    return UserFactory(status="professor")


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English, whatever language an earlier request left active."""
    from django.utils import translation

    with translation.override("en"):
        yield
