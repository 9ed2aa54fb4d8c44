import pytest
from rest_framework.test import APIClient

from marathon.models import AuditEntry
from projects.models import Membership
from teams.models import Invitation, InvitationStatus, JoinRequest, RequestStatus
from tests.factories import EditionFactory, MembershipFactory, UserFactory
from tests.teams.factories import InvitationFactory, JoinRequestFactory, add_students, make_team
from tests.teams.test_services import close_formation

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    def client_for(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client
    return client_for


def test_team_detail_shape(api, team, student):
    member = add_students(team, 1)[0]
    body = api(student).get(f"/api/v1/teams/{team.pk}/").json()
    assert body["free_places"] == 4
    assert body["composition"]["meets_rules"] is False
    assert body["composition"]["missing"] == ["1 more student is needed.",
                                              "Students from 1 more university are needed."]
    student_row = next(m for m in body["members"] if m["role"] == "member")
    assert student_row["user"] == {
        "id": member.pk, "full_name": member.full_name, "university_id": member.university_id,
        "university": member.university.short_name, "country": member.country.code,
        "degree_level": "bachelor"}
    assert {m["role"] for m in body["members"]} == {"member", "supervisor"}


def test_teams_require_authentication(api, team):
    response = api().get("/api/v1/teams/")
    assert response.status_code in (401, 403)
    assert response.json()["detail"] == "Authentication credentials were not provided."


def test_unknown_team_is_404_with_error_shape(api, student):
    response = api(student).get("/api/v1/teams/999999/")
    assert response.status_code == 404
    assert set(response.json()) == {"detail", "errors"}


def test_join_request_created(api, team, student):
    response = api(student).post(f"/api/v1/teams/{team.pk}/join-requests/", {"motivation": "Hi"},
                                 format="json")
    assert response.status_code == 201
    assert (response.json()["status"], response.json()["motivation"]) == ("pending", "Hi")
    assert JoinRequest.objects.get().student == student


@pytest.mark.parametrize("body", [{"motivation": "Hi"}, {}])
def test_join_request_to_unknown_team_is_404_whatever_the_body(api, student, professor, body):
    # The view hands the team's id to the service, which locks it first: an unknown team is still
    # a 404 before the body's, the student's or the phase's errors.
    for user in (student, professor):
        response = api(user).post("/api/v1/teams/999999/join-requests/", body, format="json")
        assert response.status_code == 404
        assert set(response.json()) == {"detail", "errors"}
    assert JoinRequest.objects.count() == 0


def test_join_request_missing_motivation_is_400(api, team, student):
    response = api(student).post(f"/api/v1/teams/{team.pk}/join-requests/", {}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["motivation"]
    assert JoinRequest.objects.count() == 0


def test_join_request_formation_closed_is_409(api, team, student):
    close_formation(team.edition)
    response = api(student).post(f"/api/v1/teams/{team.pk}/join-requests/", {"motivation": "x"},
                                 format="json")
    assert response.status_code == 409
    assert "team-formation phase is closed" in response.json()["detail"]


def test_join_request_by_professor_is_403(api, team, professor):
    response = api(professor).post(f"/api/v1/teams/{team.pk}/join-requests/", {"motivation": "x"},
                                   format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "Only students can ask to join a team.", "errors": {}}


def test_join_requests_list_mine_or_my_teams(api, team, supervisor, student, outsider):
    mine = JoinRequestFactory(team=team, student=student)
    JoinRequestFactory(team=make_team())
    assert [r["id"] for r in api(student).get("/api/v1/join-requests/").json()["results"]] == [mine.pk]
    assert [r["id"] for r in api(supervisor).get("/api/v1/join-requests/").json()["results"]] == [mine.pk]
    assert api(outsider).get("/api/v1/join-requests/").json()["results"] == []


def test_accept_returns_membership(api, team, supervisor, student):
    request = JoinRequestFactory(team=team, student=student)
    response = api(supervisor).post(f"/api/v1/join-requests/{request.pk}/accept/")
    assert response.status_code == 200
    assert (response.json()["team"], response.json()["user"], response.json()["role"]) == (
        team.pk, student.pk, "member")


@pytest.mark.parametrize("who", ["outsider", "other_professor", "student"])
def test_accept_is_403_for_non_supervisors(api, request, team, student, who):
    join_request = JoinRequestFactory(team=team, student=student)
    response = api(request.getfixturevalue(who)).post(f"/api/v1/join-requests/{join_request.pk}/accept/")
    assert response.status_code == 403
    assert response.json()["detail"] == "Only the supervisors of this team can do this."
    assert Membership.objects.filter(user=student).count() == 0


def test_accept_full_team_is_409(api, team, supervisor, student):
    add_students(team, team.capacity)
    request = JoinRequestFactory(team=team, student=student)
    response = api(supervisor).post(f"/api/v1/join-requests/{request.pk}/accept/")
    assert response.status_code == 409
    assert response.json() == {"detail": "This team is full (5 students).",
                               "errors": {"non_field_errors": ["This team is full (5 students)."]}}


def test_decline_and_withdraw(api, team, supervisor, student):
    first = JoinRequestFactory(team=team, student=student)
    assert api(supervisor).post(f"/api/v1/join-requests/{first.pk}/decline/").json()["status"] == "declined"
    second = JoinRequestFactory(team=team, student=student)
    assert api(student).post(f"/api/v1/join-requests/{second.pk}/withdraw/").json()["status"] == "withdrawn"
    response = api(student).post(f"/api/v1/join-requests/{second.pk}/withdraw/")
    assert response.status_code == 409
    assert response.json()["detail"] == "This request is no longer pending (it is withdrawn)."


def test_withdraw_someone_elses_is_403(api, team, student, outsider):
    request = JoinRequestFactory(team=team, student=student)
    assert api(outsider).post(f"/api/v1/join-requests/{request.pk}/withdraw/").status_code == 403


def test_invite_accept_flow(api, team, supervisor, student):
    response = api(supervisor).post(f"/api/v1/teams/{team.pk}/invitations/", {"user": student.pk},
                                    format="json")
    assert response.status_code == 201
    invitation_id = response.json()["id"]
    assert [i["id"] for i in api(student).get("/api/v1/invitations/").json()["results"]] == [invitation_id]
    response = api(student).post(f"/api/v1/invitations/{invitation_id}/accept/")
    assert response.status_code == 200
    assert Membership.objects.get(user=student).team == team


def test_invite_unknown_user_is_400(api, team, supervisor):
    response = api(supervisor).post(f"/api/v1/teams/{team.pk}/invitations/", {"user": 999999}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["user"]


def test_invite_bad_user_type_is_400(api, team, supervisor):
    response = api(supervisor).post(f"/api/v1/teams/{team.pk}/invitations/", {"user": "abc"}, format="json")
    assert response.status_code == 400


def test_invite_by_other_professor_is_403(api, team, other_professor, student):
    response = api(other_professor).post(f"/api/v1/teams/{team.pk}/invitations/", {"user": student.pk},
                                         format="json")
    assert response.status_code == 403
    assert Invitation.objects.count() == 0


def test_invitation_decline_and_cancel(api, team, supervisor, student):
    first = InvitationFactory(team=team, student=student)
    assert api(student).post(f"/api/v1/invitations/{first.pk}/decline/").json()["status"] == "declined"
    second = InvitationFactory(team=team, student=student)
    assert api(student).post(f"/api/v1/invitations/{second.pk}/cancel/").status_code == 403
    assert api(supervisor).post(f"/api/v1/invitations/{second.pk}/cancel/").json()["status"] == "cancelled"
    second.refresh_from_db()
    assert second.status == InvitationStatus.CANCELLED


def test_accept_someone_elses_invitation_is_403(api, team, student, outsider):
    invitation = InvitationFactory(team=team, student=student)
    assert api(outsider).post(f"/api/v1/invitations/{invitation.pk}/accept/").status_code == 403


def test_leave(api, team, student):
    MembershipFactory(team=team, user=student)
    assert api(student).post(f"/api/v1/teams/{team.pk}/leave/").status_code == 204
    assert not Membership.objects.filter(user=student).exists()
    assert api(student).post(f"/api/v1/teams/{team.pk}/leave/").status_code == 409


def test_office_adds_and_removes_member(api, team, office, student, supervisor):
    response = api(office).post(f"/api/v1/teams/{team.pk}/members/", {"user": student.pk}, format="json")
    assert response.status_code == 201
    membership_id = response.json()["id"]
    assert api(supervisor).delete(f"/api/v1/teams/{team.pk}/members/{membership_id}/").status_code == 403
    assert api(office).delete(f"/api/v1/teams/{team.pk}/members/{membership_id}/").status_code == 204
    assert AuditEntry.objects.filter(action__in=["team.member_added", "team.member_removed"]).count() == 2


def test_member_add_bad_role_is_400(api, team, office, student):
    response = api(office).post(f"/api/v1/teams/{team.pk}/members/", {"user": student.pk, "role": "boss"},
                                format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["role"]


def test_schema_documents_team_endpoints(api, student):
    schema = api(student).get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    for path in ("/api/v1/teams/{id}/join-requests/", "/api/v1/join-requests/{id}/accept/",
                 "/api/v1/invitations/{id}/decline/", "/api/v1/teams/{id}/leave/"):
        assert path in schema


# --- query counts ----------------------------------------------------------------------------
@pytest.mark.parametrize("count", [1, 5])
def test_teams_list_query_count(api, student, django_assert_num_queries, count):
    edition = EditionFactory()
    for _ in range(count):
        add_students(make_team(edition=edition), 2)
    client = api(student)
    with django_assert_num_queries(3):  # count, teams, memberships with users
        body = client.get("/api/v1/teams/").json()
    assert body["count"] == count
    assert all(len(t["members"]) == 3 for t in body["results"])


@pytest.mark.parametrize("count", [1, 5])
def test_team_detail_query_count(api, student, django_assert_num_queries, count):
    team = make_team()
    add_students(team, count)
    client = api(student)
    with django_assert_num_queries(2):  # team with project and edition, memberships with users
        body = client.get(f"/api/v1/teams/{team.pk}/").json()
    assert len(body["members"]) == count + 1


@pytest.mark.parametrize("count", [1, 5])
def test_join_requests_list_query_count(api, team, supervisor, django_assert_num_queries, count):
    for _ in range(count):
        JoinRequestFactory(team=team)
    client = api(supervisor)
    with django_assert_num_queries(2):  # count, rows
        assert client.get("/api/v1/join-requests/").json()["count"] == count


@pytest.mark.parametrize("count", [1, 5])
def test_invitations_list_query_count(api, student, django_assert_num_queries, count):
    for _ in range(count):
        InvitationFactory(student=student, team=make_team())
    client = api(student)
    with django_assert_num_queries(2):  # count, rows
        assert client.get("/api/v1/invitations/").json()["count"] == count


def test_join_requests_filter_by_status(api, team, supervisor):
    JoinRequestFactory(team=team)
    JoinRequestFactory(team=team, status=RequestStatus.DECLINED, student=UserFactory())
    body = api(supervisor).get("/api/v1/join-requests/", {"status": "pending"}).json()
    assert body["count"] == 1
