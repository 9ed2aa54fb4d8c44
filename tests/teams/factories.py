"""Factories for join requests and invitations, and a ready team with its supervisor."""

import factory

from projects.models import MembershipRole
from teams.models import Invitation, JoinRequest
from tests.factories import MembershipFactory, TeamFactory, UserFactory, approved_project_with_team


class JoinRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JoinRequest

    team = factory.SubFactory(TeamFactory)
    student = factory.SubFactory(UserFactory, status="bachelor")
    motivation = "I know Python and want to work with a partner lab."


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    team = factory.SubFactory(TeamFactory)
    student = factory.SubFactory(UserFactory, status="master")
    invited_by = None
    message = "Join us!"


def make_team(**project_fields):
    """An approved project's team (formation open), its supervisor as `team.supervisor`."""
    project = approved_project_with_team(**project_fields)
    team = project.team
    team.supervisor = project.proposer
    return team


def add_students(team, count: int, **user_fields) -> list:
    return [MembershipFactory(team=team, role=MembershipRole.MEMBER,
                              user=UserFactory(status="bachelor", **user_fields)).user
            for _ in range(count)]
