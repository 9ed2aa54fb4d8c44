"""Reads of teams, join requests and invitations, shaped so pages and the API use a constant
number of queries (everything a template or serializer touches is joined or prefetched)."""

from django.db.models import Prefetch, Q, QuerySet

from marathon.models import User
from projects.composition import STUDENT_ROLES, compose
from projects.models import Membership, MembershipRole, Project, ProjectStatus, Team

from .models import Invitation, InvitationStatus, JoinRequest, RequestStatus

OPEN_PROJECT_STATUSES = (ProjectStatus.APPROVED, ProjectStatus.ACTIVE)


def member_rows() -> QuerySet:
    return Membership.objects.select_related("user__university").order_by("role", "joined_at", "pk")


def teams_with_members() -> QuerySet:
    """Teams with what `team_composition()` and member lists need (the API's rows)."""
    return (
        Team.objects.select_related("project__edition", "edition")
        .prefetch_related(Prefetch("memberships", queryset=member_rows()))
        .order_by("-edition__year", "name", "pk")
    )


def teams_with_composition() -> QuerySet:
    """`teams_with_members()` plus the project's co-supervisors, for supervisor checks."""
    return teams_with_members().prefetch_related("project__co_supervisors")


def team_supervisor_ids(team: Team) -> set[int]:
    """Supervisor memberships plus the project's proposer and co-supervisors (prefetched rows)."""
    ids = {m.user_id for m in team.memberships.all() if m.role == MembershipRole.SUPERVISOR}
    return ids | team.project.supervisor_ids()


def can_manage_team(user, team: Team) -> bool:
    return bool(user.is_authenticated and (user.is_staff or user.pk in team_supervisor_ids(team)))


def team_supervisors(team: Team) -> QuerySet:
    """Fresh query (not prefetched): used by services to notify inside their transaction.

    The ids come from three indexed lookups combined with UNION (supervisor memberships of the
    team, the project's proposer, its co-supervisors), so the users are read by primary key. An
    OR across the joins instead made PostgreSQL scan every user and membership (bench: 8 ms at
    scale 100, growing with the data)."""
    return User.objects.filter(pk__in=team_supervisor_user_ids(team)).order_by("pk")


def team_supervisor_user_ids(team: Team) -> QuerySet:
    """A `UNION` subquery of the user ids that supervise `team` (see `team_supervisors`)."""
    return (
        Membership.objects.filter(team_id=team.pk, role=MembershipRole.SUPERVISOR).order_by().values("user_id")
        .union(Project.objects.filter(pk=team.project_id).order_by().values("proposer_id"),
               Project.co_supervisors.through.objects.filter(project_id=team.project_id).order_by()
               .values("user_id"))
    )


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
    return rows.filter(pk__in=_own_or_supervised(JoinRequest, user))


def invitations_visible_to(user) -> QuerySet:
    rows = Invitation.objects.select_related("team__project", "student__university", "invited_by")
    if user.is_staff:
        return rows
    return rows.filter(pk__in=_own_or_supervised(Invitation, user))


def _own_or_supervised(model, user) -> QuerySet:
    """Ids of `model` rows (join requests, invitations) of the student `user` or of a team they
    supervise: two indexed lookups in a `UNION`. `student = me OR team IN (...)` made PostgreSQL
    estimate half the table and hash-join it with every user, team and project (bench: 16 ms)."""
    return (model.objects.filter(student_id=user.pk).order_by().values("pk")
            .union(model.objects.filter(team_id__in=_supervised_team_ids(user)).order_by().values("pk")))


def _supervised_team_ids(user) -> QuerySet:
    """A `UNION` subquery of the ids of the teams `user` supervises: as a supervisor member, as
    the project's proposer or as a co-supervisor. Each part is an indexed lookup by the user (an
    OR across the three joins scanned every team, membership and project)."""
    co_supervised = Project.co_supervisors.through.objects.filter(user_id=user.pk).values("project_id")
    return (
        Membership.objects.filter(user_id=user.pk, role=MembershipRole.SUPERVISOR).order_by().values("team_id")
        .union(Team.objects.filter(project__proposer_id=user.pk).order_by().values("pk"),
               Team.objects.filter(project_id__in=co_supervised).order_by().values("pk"))
    )


def pending_join_requests(team: Team) -> QuerySet:
    return (JoinRequest.objects.filter(team=team, status=RequestStatus.PENDING)
            .select_related("student__university").order_by("created_at", "pk"))


def pending_requests_for_decision(user) -> QuerySet:
    """Pending requests for the teams `user` decides on (the office: all), with what the decision
    list shows: the student's university, and each team's members and edition for the mix-rule
    effect of accepting (one prefetch for every team on the page)."""
    return (join_requests_visible_to(user).exclude(student_id=user.pk).filter(status=RequestStatus.PENDING)
            .select_related("team__project__edition")
            .prefetch_related(Prefetch("team__memberships", queryset=member_rows()))
            .order_by("-created_at", "-pk"))


def acceptance_effect(join_request: JoinRequest):
    """The team's composition if `join_request` were accepted (uses the prefetched members)."""
    team = join_request.team
    students = [m.user for m in team.memberships.all() if m.role in STUDENT_ROLES]
    return compose(students=[*students, join_request.student], capacity=team.capacity,
                   minimum=team.project.team_size_min, edition=team.project.edition)


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
