"""Who may do what with a project. Pure checks over loaded rows (no queries of their own
except where noted), shared by services, views and the API."""

from marathon.models import User

from .models import AttachmentKind, Project, ProjectStatus

PUBLIC_STATUSES = (ProjectStatus.APPROVED, ProjectStatus.ACTIVE, ProjectStatus.COMPLETED)


def is_office(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_staff)


def can_propose(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)
                and (user.status in User.SUPERVISOR_STATUSES or user.is_staff))


def is_proposer(user, project: Project) -> bool:
    return bool(getattr(user, "is_authenticated", False) and project.proposer_id == user.pk)


def is_supervisor(user, project: Project) -> bool:
    """Proposer or co-supervisor (uses prefetched co_supervisors when present)."""
    return bool(getattr(user, "is_authenticated", False) and user.pk in project.supervisor_ids())


def can_view(user, project: Project) -> bool:
    return project.status in PUBLIC_STATUSES or is_office(user) or is_supervisor(user, project)


def can_edit(user, project: Project) -> bool:
    return is_proposer(user, project) and project.status == ProjectStatus.DRAFT


def can_run(user, project: Project) -> bool:
    """Activate or complete a project: the office or the project's supervisors."""
    return is_office(user) or is_supervisor(user, project)


def can_upload(user, project: Project) -> bool:
    return is_office(user) or is_supervisor(user, project)


def is_team_member(user, project: Project) -> bool:
    """One query unless the team's memberships are prefetched."""
    team = getattr(project, "team", None) if project.status in PUBLIC_STATUSES else None
    if team is None or not getattr(user, "is_authenticated", False):
        return False
    return any(m.user_id == user.pk for m in team.memberships.all())


def can_download(user, attachment) -> bool:
    """The proposal of a published project is open to every signed-in user; every other file
    only to the office, the supervisors and the team's members."""
    project = attachment.project
    if not getattr(user, "is_authenticated", False) or not can_view(user, project):
        return False
    if attachment.kind == AttachmentKind.PROPOSAL and project.status in PUBLIC_STATUSES:
        return True
    return is_office(user) or is_supervisor(user, project) or is_team_member(user, project)
