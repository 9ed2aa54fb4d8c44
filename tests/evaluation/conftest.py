"""Personas of the commission: a chair, two experts of different groups, a team with a member,
criteria, all in one edition whose evaluation deadline lies ahead."""

import pytest

from evaluation import services
from evaluation.models import ExpertGroup
from marathon.models import User
from projects.models import MembershipRole
from tests.factories import MembershipFactory, UserFactory, approved_project_with_team

from .factories import CommissionFactory, CriterionFactory


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded reports go to a temporary directory, never into the working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def commission(edition):
    return CommissionFactory(edition=edition)


@pytest.fixture
def criteria(edition):
    return [CriterionFactory(edition=edition, name="Science", weight=3),
            CriterionFactory(edition=edition, name="Value", weight=1),
            CriterionFactory(edition=edition, name="Presentation", weight=1, required=False)]


@pytest.fixture
def office_user(db):
    return UserFactory(status=User.Status.RESEARCHER, is_staff=True)


def seat(commission, user=None, group=ExpertGroup.PARTNER_PROFESSOR, is_chair=False, actor=None, organisation=None):
    user = user or UserFactory(status=User.Status.PROFESSOR)
    actor = actor or UserFactory(status=User.Status.RESEARCHER, is_staff=True)
    return services.add_commission_member(commission=commission, user=user, group=group, is_chair=is_chair,
                                          actor=actor, organisation=organisation)


@pytest.fixture
def chair(commission):
    return seat(commission, group=ExpertGroup.HOST_PROFESSOR, is_chair=True).user


@pytest.fixture
def expert_member(commission):
    return seat(commission, group=ExpertGroup.PARTNER_PROFESSOR)


@pytest.fixture
def expert(expert_member):
    return expert_member.user


@pytest.fixture
def project(edition):
    return approved_project_with_team(edition=edition)


@pytest.fixture
def team_member(project):
    return MembershipFactory(team=project.team, role=MembershipRole.MEMBER).user
