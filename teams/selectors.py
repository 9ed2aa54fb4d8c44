"""Reads of teams, join requests and invitations, shaped so pages and the API use a constant
number of queries (everything a template or serializer touches is joined or prefetched)."""

from django.db.models import Prefetch, Q, QuerySet

from marathon.models import User
from projects.composition import STUDENT_ROLES
from projects.models import Membership, MembershipRole, ProjectStatus, Team

from .models import Invitation, InvitationStatus, JoinRequest, RequestStatus

OPEN_PROJECT_STATUSES = (ProjectStatus.APPROVED, ProjectStatus.ACTIVE)


def member_rows() -> QuerySet:
    return Membership.objects.select_related("user__university").order_by("role", "joined_at", "pk")


def teams_with_composition() -> QuerySet:
    """Teams with what `team_composition()`, supervisor checks and member lists need."""
    return (
        Team.objects.select_related("project__edition", "edition")
        .prefetch_related(Prefetch("memberships", queryset=member_rows()),
                          "project__co_supervisors")
        .order_by("-edition__year", "name", "pk")
    )


def team_supervisor_ids(team: Team) -> set[int]:
    """Supervisor memberships plus the project's proposer and co-supervisors (prefetched rows)."""
    ids = {m.user_id for m in team.memberships.all() if m.role == MembershipRole.SUPERVISOR}
    return ids | team.project.supervisor_ids()


def can_manage_team(user, team: Team) -> bool:
    return bool(user.is_authenticated and (user.is_staff or user.pk in team_supervisor_ids(team)))


def team_supervisors(team: Team) -> QuerySet:
    """Fresh query (not prefetched): used by services to notify inside their transaction."""
    project = team.project
    return User.objects.filter(
        Q(memberships__team=team, memberships__role=MembershipRole.SUPERVISOR)
        | Q(pk=project.proposer_id) | Q(co_supervised_projects=project)
    ).distinct().order_by("pk")


def student_membership(user, edition_id: int) -> Membership | None:
    if not user.is_authenticated:
        return None
    return (Membership.objects.select_related("team").filter(
        user=user, edition_id=edition_id, role__in=STUDENT_ROLES).first())


def join_requests_visible_to(user) -> QuerySet:
    """The user's own requests, and the requests for teams they supervise (the office: all)."""
    rows = JoinRequest.objects.select_related("team__project", "student__university", "decided_by")
    if user.is_staff:
        return rows
    return rows.filter(Q(student=user) | Q(team__in=_supervised_team_ids(user))).distinct()


def invitations_visible_to(user) -> QuerySet:
    rows = Invitation.objects.select_related("team__project", "student__university", "invited_by")
    if user.is_staff:
        return rows
    return rows.filter(Q(student=user) | Q(team__in=_supervised_team_ids(user))).distinct()


def _supervised_team_ids(user) -> QuerySet:
    return Team.objects.filter(
        Q(memberships__user=user, memberships__role=MembershipRole.SUPERVISOR)
        | Q(project__proposer=user) | Q(project__co_supervisors=user)
    ).values("pk")


def pending_join_requests(team: Team) -> QuerySet:
    return (JoinRequest.objects.filter(team=team, status=RequestStatus.PENDING)
            .select_related("student__university").order_by("created_at", "pk"))


def pending_invitations(team: Team) -> QuerySet:
    return (Invitation.objects.filter(team=team, status=InvitationStatus.PENDING)
            .select_related("student__university").order_by("created_at", "pk"))


def invitable_students(team: Team, query: str) -> QuerySet:
    """Students matching a name or e-mail fragment who are in no team of the team's edition."""
    query = query.strip()
    if len(query) < 2:
        return User.objects.none()
    taken = Membership.objects.filter(edition_id=team.edition_id, role__in=STUDENT_ROLES)
    return (User.objects.filter(status__in=User.STUDENT_STATUSES, is_active=True)
            .filter(Q(email__icontains=query) | Q(full_name__icontains=query))
            .exclude(pk__in=taken.values("user_id"))
            .select_related("university").order_by("full_name", "pk")[:10])
