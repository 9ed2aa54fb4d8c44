"""A small marathon: host + two partners, editions 2018-2021, helpers to add rows."""

from datetime import date
from types import SimpleNamespace

import pytest

from mobility.models import Mobility
from projects.models import MembershipRole, Project
from tests.factories import (
    EditionFactory,
    MembershipFactory,
    ScientificAreaFactory,
    UniversityFactory,
    UserFactory,
    approved_project_with_team,
)


@pytest.fixture
def world(db, settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path / "exports"
    w = SimpleNamespace()
    w.host = UniversityFactory(name="SPbPU", country="RU", is_host=True)
    w.graz = UniversityFactory(name="TU Graz", country="AT")
    w.madrid = UniversityFactory(name="Technical University of Madrid", country="ES")
    w.editions = {year: EditionFactory(year=year) for year in (2017, 2018, 2019, 2020, 2021)}
    w.it = ScientificAreaFactory(name="IT technologies")
    w.energy = ScientificAreaFactory(name="Energy")
    return w


def add_project(world, year=2019, *, students=(), area=None, status="approved"):
    """An approved project of `year` supervised by a host professor, with `students` (universities)."""
    project = approved_project_with_team(
        edition=world.editions[year], area=area or world.it,
        proposer=UserFactory(status="professor", university=world.host))
    if status != "approved":
        Project.objects.filter(pk=project.pk).update(status=status)
    for university in students:
        MembershipFactory(team=project.team, user=UserFactory(university=university),
                          role=MembershipRole.MEMBER)
    return project


def add_mobility(world, *, year=2019, funding="erasmus", status="approved", participant=None):
    return Mobility.objects.create(
        participant=participant or UserFactory(university=world.host), kind="student_study",
        home_university=world.host, host_university=world.graz, planned_start=date(year, 3, 1),
        planned_end=date(year, 4, 1), status=status, funding_source=funding)
