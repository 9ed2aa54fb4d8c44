"""The id-based selectors (UNIONs of indexed lookups) return what the old OR-across-joins did."""

import pytest

from projects.models import MembershipRole, Team
from teams import selectors
from tests.factories import MembershipFactory, UserFactory
from tests.teams.factories import InvitationFactory, JoinRequestFactory, make_team

pytestmark = pytest.mark.django_db


def test_team_supervisors_unites_proposer_co_supervisors_and_supervisor_members(team, other_professor):
    member_supervisor = UserFactory(status="professor")
    MembershipFactory(team=team, user=member_supervisor, role=MembershipRole.SUPERVISOR)
    team.project.co_supervisors.add(other_professor, team.supervisor)  # the proposer twice: once
    MembershipFactory(team=team, user=UserFactory(status="bachelor"), role=MembershipRole.MEMBER)
    make_team()  # another team's supervisor is not one of them

    ids = list(selectors.team_supervisors(team).values_list("pk", flat=True))

    assert ids == sorted({team.supervisor.pk, other_professor.pk, member_supervisor.pk})
    assert selectors.team_supervisors(team).filter(pk=other_professor.pk).exists()


def test_supervised_teams_by_each_role(other_professor):
    proposed, co_supervised, as_member, unrelated = make_team(), make_team(), make_team(), make_team()
    professor = proposed.supervisor
    co_supervised.project.co_supervisors.add(professor)
    MembershipFactory(team=as_member, user=professor, role=MembershipRole.SUPERVISOR)

    teams = set(Team.objects.filter(pk__in=selectors._supervised_team_ids(professor)))

    assert teams == {proposed, co_supervised, as_member}
    assert unrelated not in teams


def test_requests_and_invitations_visible_to_student_and_supervisors(other_professor):
    team, other = make_team(), make_team()
    team.project.co_supervisors.add(other_professor)
    student = UserFactory(status="bachelor")
    own_elsewhere = JoinRequestFactory(team=other, student=student)
    for_team = JoinRequestFactory(team=team)
    own_here = JoinRequestFactory(team=team, student=student)
    invitation = InvitationFactory(team=team, student=student)
    InvitationFactory(team=other)

    assert set(selectors.join_requests_visible_to(student)) == {own_elsewhere, own_here}
    assert set(selectors.join_requests_visible_to(other_professor)) == {for_team, own_here}
    assert set(selectors.join_requests_visible_to(team.supervisor)) == {for_team, own_here}
    assert list(selectors.invitations_visible_to(student)) == [invitation]
    assert list(selectors.invitations_visible_to(other_professor)) == [invitation]
    assert not selectors.invitations_visible_to(UserFactory(status="professor")).exists()
