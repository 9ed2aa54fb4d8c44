"""Team leads (appointed and demoted by supervisors) and the closing of pending requests when a
team becomes full: services, page and API."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from rest_framework.test import APIClient

from marathon.exceptions import RuleViolation
from marathon.models import AuditEntry, Notification
from projects.models import Membership, MembershipRole
from teams import services
from teams.models import JoinRequest, RequestStatus
from tests.factories import UserFactory
from tests.teams.factories import InvitationFactory, JoinRequestFactory, add_students, make_team

pytestmark = pytest.mark.django_db


def membership_of(team, user) -> Membership:
    return Membership.objects.get(team=team, user=user)


def kinds(user):
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


# --- team lead: services ---------------------------------------------------------------------
def test_supervisor_appoints_lead_audited_and_notified(team, supervisor):
    student = add_students(team, 1)[0]
    membership = services.appoint_team_lead(membership=membership_of(team, student), actor=supervisor)
    assert membership.role == MembershipRole.LEAD
    entry = AuditEntry.objects.get(action="team.lead_appointed")
    assert (entry.actor, entry.changes) == (supervisor, {"lead": [None, student.pk]})
    notification = Notification.objects.get(recipient=student)
    assert (notification.kind, notification.subject) == ("teams/team_lead_changed",
                                                         f"You are the team lead of {team.name}")


def test_appointing_a_new_lead_demotes_the_previous_one(team, supervisor):
    first, second = add_students(team, 2)
    services.appoint_team_lead(membership=membership_of(team, first), actor=supervisor)
    services.appoint_team_lead(membership=membership_of(team, second), actor=supervisor)
    assert membership_of(team, first).role == MembershipRole.MEMBER
    assert membership_of(team, second).role == MembershipRole.LEAD
    assert AuditEntry.objects.filter(action="team.lead_appointed").order_by("pk").last().changes == {
        "lead": [first.pk, second.pk]}
    assert Notification.objects.filter(recipient=first).latest("pk").subject == (
        f"You are no longer the team lead of {team.name}")


def test_demote_lead(team, supervisor):
    student = add_students(team, 1)[0]
    services.appoint_team_lead(membership=membership_of(team, student), actor=supervisor)
    membership = services.demote_team_lead(membership=membership_of(team, student), actor=supervisor)
    assert membership.role == MembershipRole.MEMBER
    assert AuditEntry.objects.get(action="team.lead_demoted").changes == {"lead": [student.pk, None]}
    assert kinds(student) == ["teams/team_lead_changed", "teams/team_lead_changed"]


def test_demote_refused_for_a_plain_member(team, supervisor):
    student = add_students(team, 1)[0]
    with pytest.raises(RuleViolation, match="is not the team lead"):
        services.demote_team_lead(membership=membership_of(team, student), actor=supervisor)


def test_supervisor_cannot_be_made_lead(team, supervisor):
    with pytest.raises(RuleViolation, match="Only a student member can be the team lead."):
        services.appoint_team_lead(membership=membership_of(team, supervisor), actor=supervisor)


def test_appoint_twice_refused(team, supervisor):
    student = add_students(team, 1)[0]
    services.appoint_team_lead(membership=membership_of(team, student), actor=supervisor)
    with pytest.raises(RuleViolation, match="already the team lead"):
        services.appoint_team_lead(membership=membership_of(team, student), actor=supervisor)


@pytest.mark.parametrize("who", ["other_professor", "student", "member"])
def test_appoint_refused_for_non_supervisors(request, team, who):
    member = add_students(team, 1)[0]
    actor = member if who == "member" else request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.appoint_team_lead(membership=membership_of(team, member), actor=actor)
    assert membership_of(team, member).role == MembershipRole.MEMBER
    assert AuditEntry.objects.filter(action="team.lead_appointed").count() == 0


def test_office_and_co_supervisor_may_appoint(team, office, other_professor):
    team.project.co_supervisors.add(other_professor)
    first, second = add_students(team, 2)
    services.appoint_team_lead(membership=membership_of(team, first), actor=office)
    services.appoint_team_lead(membership=membership_of(team, second), actor=other_professor)
    assert membership_of(team, second).role == MembershipRole.LEAD


def test_database_allows_one_lead_per_team(team):
    from django.db import IntegrityError

    first, second = add_students(team, 2)
    Membership.objects.filter(user=first).update(role=MembershipRole.LEAD)
    with pytest.raises(IntegrityError):
        Membership.objects.filter(user=second).update(role=MembershipRole.LEAD)


# --- team lead: page and API -----------------------------------------------------------------
def test_team_page_lead_buttons_for_supervisor_only(login, team, supervisor, student):
    member = add_students(team, 1)[0]
    url = reverse("teams:lead_appoint", args=[membership_of(team, member).pk])
    assert url in login(supervisor).get(team.get_absolute_url()).content.decode()
    assert url not in login(student).get(team.get_absolute_url()).content.decode()


def test_supervisor_appoints_and_demotes_on_the_page(login, team, supervisor):
    member = add_students(team, 1)[0]
    pk = membership_of(team, member).pk
    response = login(supervisor).post(reverse("teams:lead_appoint", args=[pk]), follow=True)
    assert "The team lead has been appointed." in response.content.decode()
    assert membership_of(team, member).role == MembershipRole.LEAD
    response = login(supervisor).post(reverse("teams:lead_demote", args=[pk]), follow=True)
    assert "The team lead is a student member again." in response.content.decode()
    assert membership_of(team, member).role == MembershipRole.MEMBER


def test_page_appoint_refused_for_member(login, team):
    first, second = add_students(team, 2)
    response = login(first).post(reverse("teams:lead_appoint", args=[membership_of(team, first).pk]))
    assert response.status_code == 403
    assert membership_of(team, first).role == MembershipRole.MEMBER


def test_api_appoint_and_demote(team, supervisor, student):
    member = add_students(team, 1)[0]
    pk = membership_of(team, member).pk
    client = APIClient()
    client.force_authenticate(supervisor)
    response = client.post(f"/api/v1/teams/{team.pk}/members/{pk}/appoint-lead/")
    assert (response.status_code, response.json()["role"]) == (200, "lead")
    response = client.post(f"/api/v1/teams/{team.pk}/members/{pk}/appoint-lead/")
    assert response.status_code == 409
    assert response.json()["detail"] == f"{member.full_name} is already the team lead."
    response = client.post(f"/api/v1/teams/{team.pk}/members/{pk}/demote-lead/")
    assert (response.status_code, response.json()["role"]) == (200, "member")
    client.force_authenticate(student)
    assert client.post(f"/api/v1/teams/{team.pk}/members/{pk}/appoint-lead/").status_code == 403
    other = make_team()
    assert client.post(f"/api/v1/teams/{other.pk}/members/{pk}/appoint-lead/").status_code == 404


# --- a full team closes its other pending requests -------------------------------------------
def test_accept_that_fills_the_team_declines_other_pending_requests(team, supervisor):
    add_students(team, team.capacity - 1)
    accepted, *others = [JoinRequestFactory(team=team) for _ in range(3)]
    elsewhere = JoinRequestFactory(team=make_team(edition=team.edition))
    services.accept_join_request(join_request=accepted, actor=supervisor)
    for request in others:
        request.refresh_from_db()
        assert (request.status, request.decision_reason) == (
            RequestStatus.DECLINED, f"The team became full ({team.capacity} students).")
        assert request.decided_at is not None
        notification = Notification.objects.get(recipient=request.student)
        assert (notification.kind, notification.subject) == ("teams/join_request_closed",
                                                             f"{team.name} is full")
    elsewhere.refresh_from_db()
    assert elsewhere.status == RequestStatus.PENDING
    assert AuditEntry.objects.get(action="team.full_requests_closed").changes == {
        "closed_requests": sorted(r.pk for r in others)}


def test_accept_that_leaves_free_places_keeps_requests_pending(team, supervisor):
    accepted, other = JoinRequestFactory(team=team), JoinRequestFactory(team=team)
    services.accept_join_request(join_request=accepted, actor=supervisor)
    other.refresh_from_db()
    assert other.status == RequestStatus.PENDING
    assert AuditEntry.objects.filter(action="team.full_requests_closed").count() == 0


def test_invitation_and_office_add_that_fill_the_team_close_requests(team, office):
    add_students(team, team.capacity - 2)
    waiting = JoinRequestFactory(team=team)
    invitation = InvitationFactory(team=team)
    services.accept_invitation(invitation=invitation, actor=invitation.student)
    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.PENDING
    services.add_member(team=team, user=UserFactory(status="phd"), actor=office)
    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.DECLINED


def test_closed_request_reason_shown_to_student_and_in_api(login, team, supervisor):
    add_students(team, team.capacity - 1)
    accepted, other = JoinRequestFactory(team=team), JoinRequestFactory(team=team)
    services.accept_join_request(join_request=accepted, actor=supervisor)
    html = login(other.student).get(reverse("teams:my_requests")).content.decode()
    assert f"The team became full ({team.capacity} students)." in html
    client = APIClient()
    client.force_authenticate(other.student)
    row = client.get("/api/v1/join-requests/").json()["results"][0]
    assert (row["status"], row["decision_reason"]) == ("declined",
                                                       f"The team became full ({team.capacity} students).")
    assert JoinRequest.objects.filter(status=RequestStatus.PENDING).count() == 0
