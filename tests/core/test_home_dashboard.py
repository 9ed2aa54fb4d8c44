"""The home page's "what to do now" cards, per role."""

import pytest
from django.contrib.auth.models import Group

from marathon.roles import COMMISSION_MEMBERS, MOBILITY_COORDINATORS
from mobility.models import MobilityStatus
from projects.models import ProjectStatus
from tests.evaluation.factories import AssignmentFactory, CommissionMemberFactory
from tests.factories import ProjectFactory, UserFactory
from tests.mobility.factories import MobilityFactory
from tests.querycount import PAGE_BASE
from tests.teams.factories import InvitationFactory, JoinRequestFactory, add_students, make_team

pytestmark = pytest.mark.django_db


def card_text(client, key):
    page = client.get("/").content.decode()
    start = page.find(f'id="card-{key}"')
    return page[start:page.find("</div>\n      </div>", start)] if start >= 0 else ""


def test_anonymous_home_has_no_cards(client, edition):
    assert "What to do now" not in client.get("/").content.decode()


def test_office_sees_proposals_awaiting_decision(login, office, edition):
    ProjectFactory.create_batch(2, edition=edition, status=ProjectStatus.SUBMITTED)
    ProjectFactory(edition=edition, status=ProjectStatus.DRAFT)
    text = card_text(login(office), "review")
    assert "2 proposals await your decision." in text
    assert 'href="/projects/review/"' in text


def test_student_without_team_is_pointed_to_teams_with_free_places(login, edition):
    student = UserFactory(status="master")
    open_team = make_team(edition=edition)
    full_team = make_team(edition=edition)
    add_students(full_team, full_team.capacity)
    add_students(open_team, 1)
    text = card_text(login(student), "find-project")
    assert "1 team of" in text and "has free places." in text
    assert f"?edition={edition.pk}&amp;has_free_places=on" in text


def test_student_in_a_team_sees_the_team_not_the_catalogue(login, edition):
    team = make_team(edition=edition)
    [student] = add_students(team, 1)
    client = login(student)
    assert f"You are in the team “{team.name}”." in card_text(client, "my-team")
    assert card_text(client, "find-project") == ""


def test_student_sees_pending_invitations(login, edition):
    student = UserFactory(status="bachelor")
    InvitationFactory(team=make_team(edition=edition), student=student)
    assert "1 team has invited you." in card_text(login(student), "invitations")


def test_supervisor_sees_pending_join_requests_of_own_teams_only(login, edition):
    team = make_team(edition=edition)
    other = make_team(edition=edition)
    JoinRequestFactory.create_batch(2, team=team)
    JoinRequestFactory(team=other)
    assert "2 students wait for your answer." in card_text(login(team.supervisor), "join-requests")


def test_expert_sees_sheets_to_submit(login, edition):
    member = CommissionMemberFactory(commission__edition=edition)
    member.user.groups.add(Group.objects.get_or_create(name=COMMISSION_MEMBERS)[0])
    AssignmentFactory.create_batch(3, member=member)
    assert "3 score sheets to submit by" in card_text(login(member.user), "sheets")


def test_coordinator_sees_the_mobility_queue_and_others_do_not(login, edition, student):
    coordinator = UserFactory(status="researcher")
    coordinator.groups.add(Group.objects.get_or_create(name=MOBILITY_COORDINATORS)[0])
    MobilityFactory(status=MobilityStatus.SUBMITTED)
    assert "1 application awaits a decision." in card_text(login(coordinator), "mobility-queue")
    assert card_text(login(student), "mobility-queue") == ""


@pytest.mark.parametrize("rows", [1, 5])
def test_home_query_count_does_not_grow(login, office, edition, rows, django_assert_num_queries):
    ProjectFactory.create_batch(rows, edition=edition, status=ProjectStatus.SUBMITTED)
    MobilityFactory.create_batch(rows, status=MobilityStatus.SUBMITTED)
    client = login(office)
    # + current edition, + proposals awaiting, + join requests of supervised teams, + mobility queue,
    # + rankings to allocate, + research tasks awaiting review, + customer claims awaiting a decision,
    # + own certificates, + published editions still to certify
    with django_assert_num_queries(PAGE_BASE + 9):
        client.get("/")
