from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from marathon.exceptions import RuleViolation
from marathon.models import AuditEntry, Notification
from projects.models import Membership, MembershipRole, ProjectStatus
from teams import services
from teams.models import Invitation, InvitationStatus, JoinRequest, RequestStatus
from tests.factories import MembershipFactory, UniversityFactory, UserFactory
from tests.teams.factories import InvitationFactory, JoinRequestFactory, add_students, make_team

pytestmark = pytest.mark.django_db


def close_formation(edition, research_started=False):
    today = timezone.localdate()
    edition.team_formation_start = today - timedelta(days=40)
    edition.team_formation_end = today - timedelta(days=5)
    edition.proposals_end = min(edition.proposals_end, edition.team_formation_end)
    edition.research_start = today - timedelta(days=1) if research_started else today + timedelta(days=3)
    edition.save()


def kinds(user):
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


# --- send ------------------------------------------------------------------------------------
def test_send_join_request_stores_audits_and_notifies_supervisors(team, supervisor, student):
    request = services.send_join_request(team=team, student=student, motivation=" I like it ",
                                         actor=student)
    assert (request.status, request.motivation) == (RequestStatus.PENDING, "I like it")
    assert AuditEntry.objects.get(action="join_request.sent").actor == student
    notification = Notification.objects.get(recipient=supervisor)
    assert notification.kind == "teams/join_request_received"
    assert notification.subject == f"{student.full_name} asks to join {team.name}"
    assert "I like it" in notification.body
    assert notification.url == f"/teams/{team.pk}/"


def test_send_join_request_notifies_co_supervisors(team, student, other_professor):
    team.project.co_supervisors.add(other_professor)
    services.send_join_request(team=team, student=student, motivation="Hi", actor=student)
    assert kinds(other_professor) == ["teams/join_request_received"]


def test_send_join_request_refused_for_professor(team, professor):
    with pytest.raises(PermissionDenied, match="Only students"):
        services.send_join_request(team=team, student=professor, motivation="x", actor=professor)
    assert JoinRequest.objects.count() == 0


def test_send_join_request_for_someone_else_refused(team, student, outsider):
    with pytest.raises(PermissionDenied):
        services.send_join_request(team=team, student=student, motivation="x", actor=outsider)


def test_send_join_request_needs_motivation(team, student):
    with pytest.raises(ValidationError) as exc:
        services.send_join_request(team=team, student=student, motivation="   ", actor=student)
    assert list(exc.value.message_dict) == ["motivation"]
    assert JoinRequest.objects.count() == 0


def test_send_join_request_refused_when_formation_closed(team, student):
    close_formation(team.edition)
    with pytest.raises(RuleViolation, match="team-formation phase is closed"):
        services.send_join_request(team=team, student=student, motivation="x", actor=student)
    assert JoinRequest.objects.count() == 0


def test_office_overrides_closed_formation(team, student, office):
    close_formation(team.edition)
    request = services.send_join_request(team=team, student=student, motivation="x", actor=office)
    assert request.student == student
    assert AuditEntry.objects.get(action="join_request.sent").actor == office


def test_send_join_request_twice_refused(team, student):
    services.send_join_request(team=team, student=student, motivation="x", actor=student)
    with pytest.raises(RuleViolation, match="already have a pending request"):
        services.send_join_request(team=team, student=student, motivation="y", actor=student)
    assert JoinRequest.objects.count() == 1


def test_send_join_request_refused_when_in_a_team_of_the_edition(team, student):
    other = make_team(edition=team.edition)
    MembershipFactory(team=other, user=student)
    with pytest.raises(RuleViolation, match="only one team per edition"):
        services.send_join_request(team=team, student=student, motivation="x", actor=student)


def test_send_join_request_allowed_when_in_a_team_of_another_edition(team, student):
    MembershipFactory(team=make_team(), user=student)
    assert services.send_join_request(team=team, student=student, motivation="x", actor=student).pk


def test_send_join_request_refused_when_team_full(team, student):
    add_students(team, team.capacity)
    with pytest.raises(RuleViolation, match="team is full"):
        services.send_join_request(team=team, student=student, motivation="x", actor=student)


def test_send_join_request_refused_for_draft_project(student):
    team = make_team()
    team.project.status = ProjectStatus.COMPLETED
    team.project.save()
    with pytest.raises(RuleViolation, match="no longer takes"):
        services.send_join_request(team=team, student=student, motivation="x", actor=student)


# --- withdraw --------------------------------------------------------------------------------
def test_withdraw_own_request(team, student):
    request = JoinRequestFactory(team=team, student=student)
    services.withdraw_join_request(join_request=request, actor=student)
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN
    assert AuditEntry.objects.filter(action="join_request.withdrawn").count() == 1


def test_withdraw_someone_elses_request_refused(team, student, outsider):
    request = JoinRequestFactory(team=team, student=student)
    with pytest.raises(PermissionDenied):
        services.withdraw_join_request(join_request=request, actor=outsider)
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


def test_withdraw_decided_request_refused(team, student):
    request = JoinRequestFactory(team=team, student=student, status=RequestStatus.DECLINED)
    with pytest.raises(RuleViolation, match="no longer pending"):
        services.withdraw_join_request(join_request=request, actor=student)


# --- accept / decline ------------------------------------------------------------------------
def test_accept_creates_membership_audits_and_notifies_student(team, supervisor, student):
    request = JoinRequestFactory(team=team, student=student)
    membership = services.accept_join_request(join_request=request, actor=supervisor)
    assert (membership.team, membership.user, membership.role) == (team, student, MembershipRole.MEMBER)
    request.refresh_from_db()
    assert (request.status, request.decided_by) == (RequestStatus.ACCEPTED, supervisor)
    assert AuditEntry.objects.get(action="join_request.accepted").actor == supervisor
    notification = Notification.objects.get(recipient=student)
    assert (notification.kind, notification.subject) == ("teams/join_request_decided",
                                                         f"You joined {team.name}")


def test_accept_closes_the_students_other_pending_requests_and_invitations(team, supervisor, student):
    other = make_team(edition=team.edition)
    elsewhere = JoinRequestFactory(team=other, student=student)
    invitation = InvitationFactory(team=other, student=student)
    other_edition = JoinRequestFactory(team=make_team(), student=student)
    request = JoinRequestFactory(team=team, student=student)
    services.accept_join_request(join_request=request, actor=supervisor)
    elsewhere.refresh_from_db()
    invitation.refresh_from_db()
    other_edition.refresh_from_db()
    assert (elsewhere.status, invitation.status, other_edition.status) == (
        RequestStatus.WITHDRAWN, InvitationStatus.DECLINED, RequestStatus.PENDING)
    changes = AuditEntry.objects.get(action="join_request.accepted").changes
    assert (changes["closed_requests"], changes["closed_invitations"]) == ([elsewhere.pk], [invitation.pk])


def test_accept_refused_for_other_professor(team, student, other_professor):
    request = JoinRequestFactory(team=team, student=student)
    with pytest.raises(PermissionDenied):
        services.accept_join_request(join_request=request, actor=other_professor)
    assert Membership.objects.filter(user=student).count() == 0


def test_accept_refused_for_the_student_themself(team, student):
    request = JoinRequestFactory(team=team, student=student)
    with pytest.raises(PermissionDenied):
        services.accept_join_request(join_request=request, actor=student)


def test_co_supervisor_can_accept(team, student, other_professor):
    team.project.co_supervisors.add(other_professor)
    request = JoinRequestFactory(team=team, student=student)
    assert services.accept_join_request(join_request=request, actor=other_professor).user == student


def test_accept_refused_when_full(team, supervisor, student):
    add_students(team, team.capacity)
    request = JoinRequestFactory(team=team, student=student)
    with pytest.raises(RuleViolation, match="team is full"):
        services.accept_join_request(join_request=request, actor=supervisor)
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


def test_accept_refused_when_student_joined_elsewhere(team, supervisor, student):
    MembershipFactory(team=make_team(edition=team.edition), user=student)
    request = JoinRequestFactory(team=team, student=student)
    with pytest.raises(RuleViolation, match="only one team per edition"):
        services.accept_join_request(join_request=request, actor=supervisor)
    assert Membership.objects.filter(user=student).count() == 1


def test_accept_refused_when_formation_closed_unless_office(team, supervisor, student, office):
    close_formation(team.edition)
    request = JoinRequestFactory(team=team, student=student)
    with pytest.raises(RuleViolation, match="phase is closed"):
        services.accept_join_request(join_request=request, actor=supervisor)
    assert services.accept_join_request(join_request=request, actor=office).user == student


def test_accept_twice_refused(team, supervisor, student):
    request = JoinRequestFactory(team=team, student=student)
    services.accept_join_request(join_request=request, actor=supervisor)
    with pytest.raises(RuleViolation, match="no longer pending"):
        services.accept_join_request(join_request=request, actor=supervisor)


def test_decline_notifies_student(team, supervisor, student):
    request = JoinRequestFactory(team=team, student=student)
    services.decline_join_request(join_request=request, actor=supervisor)
    request.refresh_from_db()
    assert (request.status, request.decided_by) == (RequestStatus.DECLINED, supervisor)
    assert Notification.objects.get(recipient=student).subject == \
        f"Your request to join {team.name} was declined"
    assert AuditEntry.objects.filter(action="join_request.declined").count() == 1


def test_decline_refused_for_outsider(team, student, outsider):
    request = JoinRequestFactory(team=team, student=student)
    with pytest.raises(PermissionDenied):
        services.decline_join_request(join_request=request, actor=outsider)


# --- team complete ---------------------------------------------------------------------------
def test_team_complete_when_it_first_meets_the_mix_rule(supervisor, team):
    # Factory edition: at least 2 students from 2 universities.
    first = JoinRequestFactory(team=team, student=UserFactory(status="bachelor"))
    services.accept_join_request(join_request=first, actor=supervisor)
    assert "teams/team_complete" not in kinds(supervisor)
    second = JoinRequestFactory(team=team, student=UserFactory(status="master"))
    services.accept_join_request(join_request=second, actor=supervisor)
    assert kinds(supervisor).count("teams/team_complete") == 1
    third = JoinRequestFactory(team=team, student=UserFactory(status="master"))
    services.accept_join_request(join_request=third, actor=supervisor)
    assert kinds(supervisor).count("teams/team_complete") == 1  # only the first time
    assert AuditEntry.objects.filter(action="team.complete").count() == 1


def test_team_complete_when_it_reaches_capacity(supervisor):
    team = make_team(team_size_max=2, team_size_min=2)
    same = UniversityFactory()
    add_students(team, 1, university=same)
    request = JoinRequestFactory(team=team, student=UserFactory(university=same))
    services.accept_join_request(join_request=request, actor=team.supervisor)
    notification = Notification.objects.get(recipient=team.supervisor, kind="teams/team_complete")
    assert notification.subject == f"{team.name} is full"


# --- invitations -----------------------------------------------------------------------------
def test_invite_notifies_student_and_audits(team, supervisor, student):
    invitation = services.invite_student(team=team, student=student, actor=supervisor, message="Come")
    assert (invitation.status, invitation.invited_by) == (InvitationStatus.PENDING, supervisor)
    notification = Notification.objects.get(recipient=student)
    assert (notification.kind, notification.url) == ("teams/invitation_received", "/teams/requests/")
    assert AuditEntry.objects.filter(action="invitation.sent").count() == 1


def test_invite_refused_for_other_professor(team, student, other_professor):
    with pytest.raises(PermissionDenied):
        services.invite_student(team=team, student=student, actor=other_professor)
    assert Invitation.objects.count() == 0


def test_invite_refused_for_student_actor(team, student, outsider):
    with pytest.raises(PermissionDenied):
        services.invite_student(team=team, student=student, actor=outsider)


def test_invite_a_professor_refused(team, supervisor, other_professor):
    with pytest.raises(RuleViolation, match="Only students"):
        services.invite_student(team=team, student=other_professor, actor=supervisor)


def test_invite_twice_refused(team, supervisor, student):
    services.invite_student(team=team, student=student, actor=supervisor)
    with pytest.raises(RuleViolation, match="already has a pending invitation"):
        services.invite_student(team=team, student=student, actor=supervisor)


def test_invite_refused_when_formation_closed(team, supervisor, student):
    close_formation(team.edition)
    with pytest.raises(RuleViolation, match="phase is closed"):
        services.invite_student(team=team, student=student, actor=supervisor)


def test_invite_student_in_another_team_refused(team, supervisor, student):
    MembershipFactory(team=make_team(edition=team.edition), user=student)
    with pytest.raises(RuleViolation, match="only one team per edition"):
        services.invite_student(team=team, student=student, actor=supervisor)


def test_accept_invitation_joins_and_notifies_supervisors(team, supervisor, student):
    invitation = InvitationFactory(team=team, student=student, invited_by=supervisor)
    own_request = JoinRequestFactory(team=make_team(edition=team.edition), student=student)
    membership = services.accept_invitation(invitation=invitation, actor=student)
    assert (membership.team, membership.user) == (team, student)
    invitation.refresh_from_db()
    own_request.refresh_from_db()
    assert (invitation.status, own_request.status) == (InvitationStatus.ACCEPTED, RequestStatus.WITHDRAWN)
    assert "teams/invitation_answered" in kinds(supervisor)
    assert AuditEntry.objects.filter(action="invitation.accepted").count() == 1


def test_accept_invitation_by_someone_else_refused(team, student, outsider):
    invitation = InvitationFactory(team=team, student=student)
    with pytest.raises(PermissionDenied):
        services.accept_invitation(invitation=invitation, actor=outsider)


def test_accept_invitation_refused_when_full(team, student):
    add_students(team, team.capacity)
    invitation = InvitationFactory(team=team, student=student)
    with pytest.raises(RuleViolation, match="team is full"):
        services.accept_invitation(invitation=invitation, actor=student)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


def test_decline_invitation_notifies_supervisors(team, supervisor, student):
    invitation = InvitationFactory(team=team, student=student)
    services.decline_invitation(invitation=invitation, actor=student)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DECLINED
    assert kinds(supervisor) == ["teams/invitation_answered"]


def test_cancel_invitation_by_supervisor(team, supervisor, student):
    invitation = InvitationFactory(team=team, student=student)
    services.cancel_invitation(invitation=invitation, actor=supervisor)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.CANCELLED
    assert AuditEntry.objects.filter(action="invitation.cancelled").count() == 1


def test_cancel_invitation_refused_for_the_student(team, student):
    invitation = InvitationFactory(team=team, student=student)
    with pytest.raises(PermissionDenied):
        services.cancel_invitation(invitation=invitation, actor=student)


# --- leave / office --------------------------------------------------------------------------
def test_leave_team_before_research(team, supervisor, student):
    MembershipFactory(team=team, user=student)
    services.leave_team(team=team, actor=student)
    assert not Membership.objects.filter(user=student).exists()
    assert AuditEntry.objects.get(action="team.member_left").changes["user"] == student.pk
    assert kinds(supervisor) == ["teams/member_left"]


def test_leave_team_refused_once_research_started(team, student):
    MembershipFactory(team=team, user=student)
    close_formation(team.edition, research_started=True)
    with pytest.raises(RuleViolation, match="until the research phase starts"):
        services.leave_team(team=team, actor=student)
    assert Membership.objects.filter(user=student).exists()


def test_leave_team_refused_for_non_member(team, student):
    with pytest.raises(RuleViolation, match="not a student member"):
        services.leave_team(team=team, actor=student)


def test_office_removes_member_any_phase(team, student, office):
    membership = MembershipFactory(team=team, user=student)
    close_formation(team.edition, research_started=True)
    services.remove_member(membership=membership, actor=office)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert kinds(student) == ["teams/member_removed"]
    assert AuditEntry.objects.filter(action="team.member_removed").count() == 1


def test_remove_member_refused_for_supervisor(team, supervisor, student):
    membership = MembershipFactory(team=team, user=student)
    with pytest.raises(PermissionDenied):
        services.remove_member(membership=membership, actor=supervisor)


def test_office_adds_student_and_supervisor(team, student, office, other_professor):
    close_formation(team.edition)
    services.add_member(team=team, user=student, actor=office)
    services.add_member(team=team, user=other_professor, role=MembershipRole.SUPERVISOR, actor=office)
    assert set(team.memberships.values_list("user_id", "role")) == {
        (team.supervisor.pk, "supervisor"), (student.pk, "member"), (other_professor.pk, "supervisor")}
    assert kinds(student) == ["teams/member_added"]


def test_office_add_still_respects_capacity(team, student, office):
    add_students(team, team.capacity)
    with pytest.raises(RuleViolation, match="team is full"):
        services.add_member(team=team, user=student, actor=office)


def test_add_member_refused_for_supervisor(team, supervisor, student):
    with pytest.raises(PermissionDenied):
        services.add_member(team=team, user=student, actor=supervisor)
