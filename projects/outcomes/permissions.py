"""Who may record a project's outcomes: the office, its supervisors and its team members."""

from django.db.models import Q

from projects.models import Project, ProjectStatus

# Outcomes belong to projects that actually ran.
RECORDABLE_STATUSES = (ProjectStatus.APPROVED, ProjectStatus.ACTIVE, ProjectStatus.COMPLETED)


def can_record_outcomes(user, project: Project) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or project.proposer_id == user.pk:
        return True
    return Project.objects.filter(
        Q(co_supervisors=user) | Q(team__memberships__user=user), pk=project.pk,
    ).exists()
