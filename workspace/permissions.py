"""Who may read or write a team's workspace. Pure checks over a team loaded by
`selectors.team_for_workspace` (memberships and co-supervisors prefetched); the commission and
customer checks run one small query each, only when the cheaper checks have not decided.

- write: the team's members and supervisors (the project's proposer and co-supervisors too);
- review reports: the supervisors;
- read: writers, the programme office, the commission during the evaluation phase (experts
  assigned to the project, chairs), and the customer's representatives when the project allows.
Everyone else gets 404."""

from dataclasses import dataclass

from django.apps import apps

from industry import selectors as industry_selectors
from marathon.models import Edition
from projects.models import MembershipRole, Project, Team


@dataclass(frozen=True)
class Access:
    read: bool = False
    write: bool = False
    review: bool = False


NONE = Access()


def supervisor_ids(team: Team) -> set[int]:
    ids = {m.user_id for m in team.memberships.all() if m.role == MembershipRole.SUPERVISOR}
    return ids | team.project.supervisor_ids()


def member_ids(team: Team) -> set[int]:
    return {m.user_id for m in team.memberships.all()}


def access_for(user, team: Team) -> Access:
    if not getattr(user, "is_authenticated", False):
        return NONE
    supervising = user.pk in supervisor_ids(team)
    if supervising or user.pk in member_ids(team):
        return Access(read=True, write=True, review=supervising)
    if user.is_staff:
        return Access(read=True)
    if commission_reads(user, team) or customer_reads(user, team.project):
        return Access(read=True)
    return NONE


def commission_reads(user, team: Team) -> bool:
    """Experts assigned to the project and the chairs of its edition, during evaluation."""
    if team.edition.phase != Edition.Phase.EVALUATION:
        return False
    try:
        assignment = apps.get_model("evaluation", "Assignment")
        member = apps.get_model("evaluation", "CommissionMember")
    except LookupError:
        return False
    return (assignment.objects.filter(project_id=team.project_id, member__user=user).exists()
            or member.objects.filter(commission__edition_id=team.edition_id, user=user, is_chair=True).exists())


def customer_reads(user, project: Project) -> bool:
    if not is_customer_representative(user, project):
        return False
    settings = project_settings(project)
    return bool(settings and settings.customer_can_read)


def project_settings(project: Project):
    """The project's workspace settings row or None (select_related by the team lookup)."""
    from .models import ProjectWorkspaceSettings

    try:
        return project.workspace_settings
    except ProjectWorkspaceSettings.DoesNotExist:
        return None


def is_customer_representative(user, project: Project) -> bool:
    """"user represents the project's customer organisation": an approved customer account of the
    industry app (a self-declared profile organisation or an open claim counts for nothing)."""
    return bool(project.customer_id) and industry_selectors.is_customer_representative(user, project.customer_id)


def workspace_readers(team: Team) -> set[int]:
    """Ids of the people who write (members and supervisors); the rest read by role."""
    return member_ids(team) | supervisor_ids(team)
