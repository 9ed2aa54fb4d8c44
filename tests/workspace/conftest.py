"""Personas of a team's workspace in an edition whose research phase runs today."""

from datetime import timedelta

import pytest
from django.utils import timezone

from marathon.models import User
from projects.models import MembershipRole
from tests.factories import EditionFactory, MembershipFactory, UserFactory, approved_project_with_team


def research_edition(**fields):
    today = timezone.localdate()
    return EditionFactory(
        proposals_start=today - timedelta(days=200), proposals_end=today - timedelta(days=150),
        team_formation_start=today - timedelta(days=140), team_formation_end=today - timedelta(days=100),
        research_start=today - timedelta(days=90), research_end=today + timedelta(days=60),
        evaluation_start=today + timedelta(days=61), evaluation_end=today + timedelta(days=90), **fields)


def evaluation_edition():
    today = timezone.localdate()
    return EditionFactory(
        proposals_start=today - timedelta(days=300), proposals_end=today - timedelta(days=250),
        team_formation_start=today - timedelta(days=240), team_formation_end=today - timedelta(days=200),
        research_start=today - timedelta(days=190), research_end=today - timedelta(days=10),
        evaluation_start=today - timedelta(days=5), evaluation_end=today + timedelta(days=20))


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def edition(db):
    return research_edition()


@pytest.fixture
def project(edition):
    return approved_project_with_team(edition=edition, title="Corrosion of magnesium alloys")


@pytest.fixture
def team(project):
    return project.team


@pytest.fixture
def supervisor(project):
    return project.proposer


@pytest.fixture
def member(team):
    return MembershipFactory(team=team, user=UserFactory(status=User.Status.BACHELOR, email="anna.k@example.org",
                                                         full_name="Anna Kovaleva")).user


@pytest.fixture
def second_member(team):
    return MembershipFactory(team=team, user=UserFactory(status=User.Status.MASTER, email="jon.b@example.org",
                                                         full_name="Jon Berger"), role=MembershipRole.LEAD).user


@pytest.fixture
def outsider(db):
    return UserFactory(status=User.Status.MASTER)


@pytest.fixture
def office(db):
    return UserFactory(status=User.Status.RESEARCHER, is_staff=True)
