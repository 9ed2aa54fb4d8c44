import pytest

from tests.factories import EditionFactory, UniversityFactory, UserFactory
from tests.teams.factories import make_team


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


class World:
    """An edition with three approved teams (2–3 students, ≥ 2 universities) and six students
    of two universities."""

    def __init__(self):
        self.edition = EditionFactory(team_size_min=2, team_size_max=3, min_universities=2)
        self.unis = [UniversityFactory(), UniversityFactory()]
        self.teams = [make_team(edition=self.edition, title=f"Team {c}") for c in "ABC"]
        self.students = [UserFactory(status="bachelor", university=self.unis[i % 2], full_name=f"Student {i}")
                         for i in range(6)]
        self.office = UserFactory(status="researcher", is_staff=True, full_name="Office Person")


@pytest.fixture
def world(db):
    return World()
