"""Personas of the commission: a chair, two experts of different groups, a team with a member,
criteria, all in one edition whose evaluation deadline lies ahead."""

import pytest

from evaluation import services
from evaluation.models import ExpertGroup
from marathon.models import User
from projects.models import MembershipRole
from tests.factories import MembershipFactory, UserFactory, approved_project_with_team

from .factories import CommissionFactory, CriterionFactory
from .helpers import full_scores


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


@pytest.fixture
def scored(commission, chair, criteria, edition):
    """Two projects, two experts of different groups, all sheets submitted.
    Sheet scores (weights 3/1, scale 1-5): A: 100 and 50, B: 25 and 0."""
    experts = [seat(commission, group=ExpertGroup.PARTNER_PROFESSOR), seat(commission, group=ExpertGroup.CUSTOMER)]
    a = approved_project_with_team(edition=edition, title="Alpha")
    b = approved_project_with_team(edition=edition, title="Beta")
    values = {(0, a): [5, 5], (1, a): [3, 3], (0, b): [2, 2], (1, b): [1, 1]}
    sheets = {}
    for (i, project), vals in values.items():
        sheet = services.assign_expert(member=experts[i], project=project, actor=chair).sheet
        services.save_score_sheet(sheet=sheet, actor=experts[i].user, scores=full_scores(criteria, vals),
                                  feedback=f"Feedback {i} on {project.title}", confidential_note="secret note")
        services.submit_score_sheet(sheet=sheet, actor=experts[i].user)
        sheets[(i, project.title)] = sheet
    return {"experts": experts, "a": a, "b": b, "sheets": sheets}
