"""Every change of a team's membership: one function per workflow step.

Concurrency (DESIGN.md "Rules users rely on"): a step that adds a student to a team first locks
the student's user row, then the team row (always in that order, so two steps never deadlock).
The student lock serialises everything one student does, so two teams can't take the same
student at the same moment; the team lock serialises the capacity count. The partial unique
constraint on Membership (one non-supervisor team per edition) backs the rule up in the database.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from marathon.exceptions import RuleViolation
from marathon.models import AuditEntry, User
from marathon.services import notify, record_audit
from projects.composition import STUDENT_ROLES, team_composition
from projects.models import Membership, MembershipRole, Team

from .models import Invitation, InvitationStatus, JoinRequest, RequestStatus
from .selectors import OPEN_PROJECT_STATUSES, team_supervisors, teams_with_composition


# --- join requests ---------------------------------------------------------------------------
def send_join_request(*, team: Team, student: User, motivation: str, actor: User) -> JoinRequest:
    """A student asks to join. Side effects: audit `join_request.sent`, notifies the team's
    supervisors. The office may send one for a student outside the team-formation phase.
    The team lock makes a double submit meet the pending-request check, not the DB constraint."""
    if actor.pk != student.pk and not actor.is_staff:
        raise PermissionDenied(_("You can only ask to join a team for yourself."))
    if not student.is_student:
        raise PermissionDenied(_("Only students can ask to join a team."))
    motivation = (motivation or "").strip()
    if not motivation:
        raise ValidationError({"motivation": [_("Tell the supervisors why you want to join.")]})
    with transaction.atomic():
        team = _lock_team(team.pk)
        _require_open_project(team)
        _require_team_formation(team, actor)
        _require_can_join(team, student)
        if JoinRequest.objects.filter(team=team, student=student, status=RequestStatus.PENDING).exists():
            raise RuleViolation(_("You already have a pending request for this team."))
        request = JoinRequest.objects.create(team=team, student=student, motivation=motivation)
        record_audit(actor=actor, action="join_request.sent", target=request,
                     changes={"team": team.pk, "student": student.pk})
        for supervisor in team_supervisors(team):
            notify(recipient=supervisor, template="teams/join_request_received",
                   context={"team": team.name, "student": student.full_name, "motivation": motivation},
                   url=team.get_absolute_url())
    return request


def withdraw_join_request(*, join_request: JoinRequest, actor: User) -> JoinRequest:
    """The student takes back a pending request. Side effect: audit `join_request.withdrawn`."""
    if actor.pk != join_request.student_id and not actor.is_staff:
        raise PermissionDenied(_("Only the student who sent the request can withdraw it."))
    with transaction.atomic():
        request = _lock_pending_request(join_request.pk)
        request.status = RequestStatus.WITHDRAWN
        request.decided_at = timezone.now()
        request.save(update_fields=["status", "decided_at"])
        record_audit(actor=actor, action="join_request.withdrawn", target=request,
                     changes={"status": [RequestStatus.PENDING, RequestStatus.WITHDRAWN]})
    return request


def accept_join_request(*, join_request: JoinRequest, actor: User) -> Membership:
    """A supervisor (or the office) takes the student in. Side effects: the membership, the
    student's other pending requests and invitations of the edition closed, audit
    `join_request.accepted`, the student notified, supervisors told when the team is complete,
    and when the team is now full its other pending requests declined (students notified)."""
    with transaction.atomic():
        student = _lock_user(join_request.student_id)
        team = _lock_team(join_request.team_id)
        _require_manager(actor, team)
        request = _lock_pending_request(join_request.pk)
        _require_open_project(team)
        _require_team_formation(team, actor)
        membership = _add_student(team=team, student=student)
        _decide(request, RequestStatus.ACCEPTED, actor)
        closed = _close_other_pending(student=student, team=team, keep_request=request.pk)
        record_audit(actor=actor, action="join_request.accepted", target=request,
                     changes={"status": [RequestStatus.PENDING, RequestStatus.ACCEPTED], **closed})
        _notify_decision(request, accepted=True)
        _close_requests_if_full(team, actor)
        _announce_if_complete(team, actor)
    return membership


def decline_join_request(*, join_request: JoinRequest, actor: User) -> JoinRequest:
    """Side effects: audit `join_request.declined`, the student notified."""
    with transaction.atomic():
        team = _lock_team(join_request.team_id)
        _require_manager(actor, team)
        request = _lock_pending_request(join_request.pk)
        _decide(request, RequestStatus.DECLINED, actor)
        record_audit(actor=actor, action="join_request.declined", target=request,
                     changes={"status": [RequestStatus.PENDING, RequestStatus.DECLINED]})
        _notify_decision(request, accepted=False)
    return request


# --- invitations -----------------------------------------------------------------------------
def invite_student(*, team: Team, student: User, actor: User, message: str = "") -> Invitation:
    """A supervisor invites a student. Side effects: audit `invitation.sent`, the student notified."""
    with transaction.atomic():
        team = _lock_team(team.pk)
        _require_manager(actor, team)
        if not student.is_student:
            raise RuleViolation(_("Only students can be invited to a team."))
        _require_open_project(team)
        _require_team_formation(team, actor)
        _require_can_join(team, student)
        if Invitation.objects.filter(team=team, student=student, status=InvitationStatus.PENDING).exists():
            raise RuleViolation(_("This student already has a pending invitation to this team."))
        invitation = Invitation.objects.create(team=team, student=student, invited_by=actor,
                                               message=(message or "").strip())
        record_audit(actor=actor, action="invitation.sent", target=invitation,
                     changes={"team": team.pk, "student": student.pk})
        notify(recipient=student, template="teams/invitation_received",
               context={"team": team.name, "inviter": actor.full_name, "message": invitation.message},
               url=reverse("teams:my_requests"))
    return invitation


def accept_invitation(*, invitation: Invitation, actor: User) -> Membership:
    """The invited student joins. Side effects as `accept_join_request`; supervisors notified."""
    if actor.pk != invitation.student_id:
        raise PermissionDenied(_("Only the invited student can accept this invitation."))
    with transaction.atomic():
        student = _lock_user(invitation.student_id)
        team = _lock_team(invitation.team_id)
        invitation = _lock_pending_invitation(invitation.pk)
        _require_open_project(team)
        _require_team_formation(team, actor)
        membership = _add_student(team=team, student=student)
        _answer(invitation, InvitationStatus.ACCEPTED)
        closed = _close_other_pending(student=student, team=team, keep_invitation=invitation.pk)
        record_audit(actor=actor, action="invitation.accepted", target=invitation,
                     changes={"status": [InvitationStatus.PENDING, InvitationStatus.ACCEPTED], **closed})
        _notify_answer(team, student, accepted=True)
        _close_requests_if_full(team, actor)
        _announce_if_complete(team, actor)
    return membership


def decline_invitation(*, invitation: Invitation, actor: User) -> Invitation:
    """Side effects: audit `invitation.declined`, the supervisors notified."""
    if actor.pk != invitation.student_id:
        raise PermissionDenied(_("Only the invited student can decline this invitation."))
    with transaction.atomic():
        invitation = _lock_pending_invitation(invitation.pk)
        _answer(invitation, InvitationStatus.DECLINED)
        record_audit(actor=actor, action="invitation.declined", target=invitation,
                     changes={"status": [InvitationStatus.PENDING, InvitationStatus.DECLINED]})
        _notify_answer(invitation.team, invitation.student, accepted=False)
    return invitation


def cancel_invitation(*, invitation: Invitation, actor: User) -> Invitation:
    """A supervisor takes back a pending invitation. Side effect: audit `invitation.cancelled`."""
    with transaction.atomic():
        team = _lock_team(invitation.team_id)
        _require_manager(actor, team)
        invitation = _lock_pending_invitation(invitation.pk)
        _answer(invitation, InvitationStatus.CANCELLED)
        record_audit(actor=actor, action="invitation.cancelled", target=invitation,
                     changes={"status": [InvitationStatus.PENDING, InvitationStatus.CANCELLED]})
    return invitation


# --- membership ------------------------------------------------------------------------------
def leave_team(*, team: Team, actor: User) -> None:
    """A student leaves, until the research phase starts. Side effects: audit
    `team.member_left` on the team, the supervisors notified."""
    with transaction.atomic():
        _lock_user(actor.pk)
        team = _lock_team(team.pk)
        membership = Membership.objects.filter(team=team, user=actor, role__in=STUDENT_ROLES).first()
        if membership is None:
            raise RuleViolation(_("You are not a student member of this team."))
        if timezone.localdate() >= team.edition.research_start:
            raise RuleViolation(_("Students can leave a team only until the research phase starts "
                                  "(%(date)s).") % {"date": date_format(team.edition.research_start)})
        membership.delete()
        record_audit(actor=actor, action="team.member_left", target=team,
                     changes={"user": actor.pk, "role": membership.role})
        for supervisor in team_supervisors(team):
            notify(recipient=supervisor, template="teams/member_left",
                   context={"team": team.name, "student": actor.full_name}, url=team.get_absolute_url())


def remove_member(*, membership: Membership, actor: User) -> None:
    """The office removes anyone, in any phase. Side effects: audit `team.member_removed`, the
    removed person notified."""
    _require_office(actor)
    with transaction.atomic():
        _lock_user(membership.user_id)
        team = _lock_team(membership.team_id)
        membership = Membership.objects.select_related("user").filter(pk=membership.pk).first()
        if membership is None:
            raise RuleViolation(_("This person is no longer in the team."))
        membership.delete()
        record_audit(actor=actor, action="team.member_removed", target=team,
                     changes={"user": membership.user_id, "role": membership.role})
        notify(recipient=membership.user, template="teams/member_removed",
               context={"team": team.name}, url=team.get_absolute_url())


def add_member(*, team: Team, user: User, actor: User,
               role: str = MembershipRole.MEMBER) -> Membership:
    """The office adds a student (any phase; capacity and one-team-per-edition still hold) or a
    supervisor. Side effects: audit `team.member_added`, the person notified."""
    _require_office(actor)
    with transaction.atomic():
        user = _lock_user(user.pk)
        team = _lock_team(team.pk)
        if role == MembershipRole.SUPERVISOR:
            membership = _add_supervisor(team=team, user=user)
        else:
            if not user.is_student:
                raise RuleViolation(_("Only students can be student members or team leads."))
            membership = _add_student(team=team, student=user, role=role)
            _close_other_pending(student=user, team=team)
        record_audit(actor=actor, action="team.member_added", target=team,
                     changes={"user": user.pk, "role": role})
        notify(recipient=user, template="teams/member_added",
               context={"team": team.name, "role": str(MembershipRole(role).label)},
               url=team.get_absolute_url())
        if role != MembershipRole.SUPERVISOR:
            _close_requests_if_full(team, actor)
            _announce_if_complete(team, actor)
    return membership


def appoint_team_lead(*, membership: Membership, actor: User) -> Membership:
    """A supervisor (or the office) makes a student member the team lead; a previous lead
    becomes a student member again (a team has at most one lead). Side effects: audit
    `team.lead_appointed`, the new lead and a replaced lead notified."""
    with transaction.atomic():
        team = _lock_team(membership.team_id)
        _require_manager(actor, team)
        membership = _student_membership(team, membership.pk)
        if membership.role == MembershipRole.LEAD:
            raise RuleViolation(_("%(name)s is already the team lead.") % {"name": membership.user.full_name})
        previous = (Membership.objects.select_related("user")
                    .filter(team=team, role=MembershipRole.LEAD).first())
        if previous is not None:
            _set_role(previous, MembershipRole.MEMBER)
            _notify_lead(previous, team, appointed=False)
        _set_role(membership, MembershipRole.LEAD)
        record_audit(actor=actor, action="team.lead_appointed", target=team,
                     changes={"lead": [previous.user_id if previous else None, membership.user_id]})
        _notify_lead(membership, team, appointed=True)
    return membership


def demote_team_lead(*, membership: Membership, actor: User) -> Membership:
    """The team lead becomes a student member again (a supervisor or the office). Side effects:
    audit `team.lead_demoted`, the student notified."""
    with transaction.atomic():
        team = _lock_team(membership.team_id)
        _require_manager(actor, team)
        membership = _student_membership(team, membership.pk)
        if membership.role != MembershipRole.LEAD:
            raise RuleViolation(_("%(name)s is not the team lead.") % {"name": membership.user.full_name})
        _set_role(membership, MembershipRole.MEMBER)
        record_audit(actor=actor, action="team.lead_demoted", target=team,
                     changes={"lead": [membership.user_id, None]})
        _notify_lead(membership, team, appointed=False)
    return membership


# --- helpers ---------------------------------------------------------------------------------
def _lock_user(user_id: int) -> User:
    # Serialises every join of one student (see the module docstring for the lock order).
    # NO KEY UPDATE, not UPDATE: inserting a row that references the user (a notification
    # stored by another team's transaction) takes a KEY SHARE lock, which UPDATE would block —
    # a deadlock when that transaction holds a row this one is about to change.
    return User.objects.select_for_update(no_key=True).get(pk=user_id)


def _lock_team(team_id: int) -> Team:
    return (Team.objects.select_for_update(of=("self",))
            .select_related("project", "edition").get(pk=team_id))


def _lock_pending_request(pk: int) -> JoinRequest:
    request = JoinRequest.objects.select_for_update(of=("self",)).select_related("team", "student").get(pk=pk)
    if request.status != RequestStatus.PENDING:
        raise RuleViolation(_("This request is no longer pending (it is %(status)s).")
                            % {"status": request.get_status_display().lower()})
    return request


def _lock_pending_invitation(pk: int) -> Invitation:
    invitation = (Invitation.objects.select_for_update(of=("self",))
                  .select_related("team", "student").get(pk=pk))
    if invitation.status != InvitationStatus.PENDING:
        raise RuleViolation(_("This invitation is no longer pending (it is %(status)s).")
                            % {"status": invitation.get_status_display().lower()})
    return invitation


def _require_office(actor: User) -> None:
    if not actor.is_staff:
        raise PermissionDenied(_("Only the programme office can change team members directly."))


def _require_manager(actor: User, team: Team) -> None:
    if actor.is_staff or team_supervisors(team).filter(pk=actor.pk).exists():
        return
    raise PermissionDenied(_("Only the supervisors of this team can do this."))


def _require_open_project(team: Team) -> None:
    if team.project.status not in OPEN_PROJECT_STATUSES:
        raise RuleViolation(_("This project no longer takes new team members."))


def _require_team_formation(team: Team, actor: User) -> None:
    if actor.is_staff or team.edition.is_team_formation_open():
        return
    raise RuleViolation(
        _("Teams of the %(year)s edition form from %(start)s to %(end)s; the team-formation "
          "phase is closed.") % {"year": team.edition.year,
                                 "start": date_format(team.edition.team_formation_start),
                                 "end": date_format(team.edition.team_formation_end)})


def _require_can_join(team: Team, student: User) -> None:
    """Checks before a request or invitation (the binding checks run again in `_add_student`)."""
    # One query for both facts: the student's team of this edition, and the team's students.
    theirs, ours = Q(user=student, edition_id=team.edition_id), Q(team_id=team.pk)
    facts = Membership.objects.filter(theirs | ours, role__in=STUDENT_ROLES).aggregate(
        current=Min("team_id", filter=theirs), students=Count("pk", filter=ours))
    if facts["current"] is not None:
        raise RuleViolation(_("%(name)s is already in the team “%(team)s” of this edition; a "
                              "student can be in only one team per edition.")
                            % {"name": student.full_name, "team": Team.objects.get(pk=facts["current"]).name})
    if facts["students"] >= team.capacity:
        raise RuleViolation(_("This team is full (%(capacity)d students).") % {"capacity": team.capacity})


def _student_count(team: Team) -> int:
    return Membership.objects.filter(team=team, role__in=STUDENT_ROLES).count()


def _add_student(*, team: Team, student: User, role: str = MembershipRole.MEMBER) -> Membership:
    """Caller holds the student and team locks, so the count and the check are current."""
    _require_can_join(team, student)
    try:
        with transaction.atomic():
            return Membership.objects.create(team=team, user=student, edition_id=team.edition_id,
                                             role=role)
    except IntegrityError as exc:
        raise RuleViolation(_("%(name)s is already in a team of this edition; a student can be in "
                              "only one team per edition.") % {"name": student.full_name}) from exc


def _add_supervisor(*, team: Team, user: User) -> Membership:
    if not user.is_supervisor:
        raise RuleViolation(_("Only professors and researchers can supervise a team."))
    if Membership.objects.filter(team=team, user=user).exists():
        raise RuleViolation(_("%(name)s is already in this team.") % {"name": user.full_name})
    return Membership.objects.create(team=team, user=user, edition_id=team.edition_id,
                                     role=MembershipRole.SUPERVISOR)


def _close_other_pending(*, student: User, team: Team, keep_request: int | None = None,
                         keep_invitation: int | None = None) -> dict:
    """The student joined a team: their other open requests and invitations of the edition end."""
    now = timezone.now()
    requests = (JoinRequest.objects.filter(student=student, team__edition_id=team.edition_id,
                                           status=RequestStatus.PENDING).exclude(pk=keep_request))
    invitations = (Invitation.objects.filter(student=student, team__edition_id=team.edition_id,
                                             status=InvitationStatus.PENDING).exclude(pk=keep_invitation))
    closed = {"closed_requests": sorted(requests.values_list("pk", flat=True)),
              "closed_invitations": sorted(invitations.values_list("pk", flat=True))}
    # Re-filter on the status: a concurrent decline that committed first keeps its answer.
    JoinRequest.objects.filter(pk__in=closed["closed_requests"], status=RequestStatus.PENDING).update(
        status=RequestStatus.WITHDRAWN, decided_at=now)
    Invitation.objects.filter(pk__in=closed["closed_invitations"], status=InvitationStatus.PENDING).update(
        status=InvitationStatus.DECLINED, decided_at=now)
    return closed


def _decide(request: JoinRequest, status: str, actor: User) -> None:
    request.status = status
    request.decided_at = timezone.now()
    request.decided_by = actor
    request.save(update_fields=["status", "decided_at", "decided_by"])


def _answer(invitation: Invitation, status: str) -> None:
    invitation.status = status
    invitation.decided_at = timezone.now()
    invitation.save(update_fields=["status", "decided_at"])


def _notify_decision(request: JoinRequest, *, accepted: bool) -> None:
    notify(recipient=request.student, template="teams/join_request_decided",
           context={"team": request.team.name, "accepted": accepted},
           url=request.team.get_absolute_url())


def _notify_answer(team: Team, student: User, *, accepted: bool) -> None:
    for supervisor in team_supervisors(team):
        notify(recipient=supervisor, template="teams/invitation_answered",
               context={"team": team.name, "student": student.full_name, "accepted": accepted},
               url=team.get_absolute_url())


def _announce_if_complete(team: Team, actor: User) -> None:
    """Tell the supervisors when the team reaches capacity, or first meets the mix rule."""
    composition = team_composition(teams_with_composition().get(pk=team.pk))
    announced = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Team), object_id=str(team.pk),
        action="team.complete").exists()
    if not (composition.is_full or (composition.meets_rules and not announced)):
        return
    record_audit(actor=actor, action="team.complete", target=team,
                 changes={"students": composition.students, "capacity": composition.capacity,
                          "meets_rules": composition.meets_rules})
    for supervisor in team_supervisors(team):
        notify(recipient=supervisor, template="teams/team_complete",
               context={"team": team.name, "students": composition.students,
                        "full": composition.is_full, "meets_rules": composition.meets_rules},
               url=team.get_absolute_url())


def _student_membership(team: Team, pk: int) -> Membership:
    membership = Membership.objects.select_related("user").filter(pk=pk, team=team).first()
    if membership is None:
        raise RuleViolation(_("This person is no longer in the team."))
    if membership.role not in STUDENT_ROLES:
        raise RuleViolation(_("Only a student member can be the team lead."))
    return membership


def _set_role(membership: Membership, role: str) -> None:
    membership.role = role
    membership.save(update_fields=["role"])


def _notify_lead(membership: Membership, team: Team, *, appointed: bool) -> None:
    notify(recipient=membership.user, template="teams/team_lead_changed",
           context={"team": team.name, "appointed": appointed}, url=team.get_absolute_url())


def _close_requests_if_full(team: Team, actor: User) -> None:
    """The team just reached capacity: its other pending requests can never be accepted, so
    they end now, declined with the reason, and their students hear it at once. Caller holds
    the team lock; locking the rows skips a request withdrawn a moment ago."""
    if _student_count(team) < team.capacity:
        return
    requests = list(JoinRequest.objects.select_for_update(of=("self",)).select_related("student")
                    .filter(team=team, status=RequestStatus.PENDING).order_by("pk"))
    if not requests:
        return
    now = timezone.now()
    for request in requests:
        # Stored in the student's language: it is shown to them as it is.
        with translation.override(request.student.preferred_language or "en"):
            request.decision_reason = _("The team became full (%(capacity)d students).") % {
                "capacity": team.capacity}
        request.status, request.decided_at = RequestStatus.DECLINED, now
        request.save(update_fields=["status", "decided_at", "decision_reason"])
    record_audit(actor=actor, action="team.full_requests_closed", target=team,
                 changes={"closed_requests": [r.pk for r in requests]})
    for request in requests:
        notify(recipient=request.student, template="teams/join_request_closed",
               context={"team": team.name, "capacity": team.capacity}, url=reverse("teams:my_requests"))
