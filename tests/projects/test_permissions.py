"""The permission matrix per role: owner (proposer), co-supervisor, other professor, student,
office — each workflow step allowed or refused."""

import pytest
from django.core.exceptions import PermissionDenied

from projects import permissions, selectors, services
from projects.models import ProjectStatus
from tests.factories import ProjectFactory, UserFactory, approved_project_with_team
from tests.projects.factories import pdf

pytestmark = pytest.mark.django_db

ROLES = ["owner", "co_supervisor", "other_professor", "student", "office"]


@pytest.fixture
def people(proposer, co_supervisor):
    return {"owner": proposer, "co_supervisor": co_supervisor,
            "other_professor": UserFactory(status="professor"), "student": UserFactory(status="bachelor"),
            "office": UserFactory(status="researcher", is_staff=True)}


def project_in(status, people):
    if status in (ProjectStatus.APPROVED, ProjectStatus.ACTIVE):
        project = approved_project_with_team(proposer=people["owner"])
        project.status = status
        project.save()
    else:
        project = ProjectFactory(proposer=people["owner"], status=status, rejection_reason="x")
    project.co_supervisors.add(people["co_supervisor"])
    return project


STEPS = {
    "edit": ("draft", lambda p, u: services.update_project(project=p, actor=u, data={"title": "X"}),
             {"owner"}),
    "submit": ("draft", lambda p, u: services.submit_project(project=p, actor=u), {"owner"}),
    "delete": ("draft", lambda p, u: services.delete_project(project=p, actor=u), {"owner"}),
    "approve": ("submitted", lambda p, u: services.approve_project(project=p, actor=u), {"office"}),
    "reject": ("submitted", lambda p, u: services.reject_project(project=p, actor=u, reason="r"),
               {"office"}),
    "activate": ("approved", lambda p, u: services.activate_project(project=p, actor=u),
                 {"owner", "co_supervisor", "office"}),
    "complete": ("active", lambda p, u: services.complete_project(project=p, actor=u),
                 {"owner", "co_supervisor", "office"}),
    "upload": ("draft", lambda p, u: services.upload_attachment(project=p, actor=u, kind="proposal",
                                                                upload=pdf()),
               {"owner", "co_supervisor", "office"}),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("step", list(STEPS))
def test_permission_matrix(people, step, role):
    status, action, allowed = STEPS[step]
    project = project_in(status, people)
    if role in allowed:
        action(project, people[role])
    else:
        with pytest.raises(PermissionDenied):
            action(project, people[role])


@pytest.mark.parametrize("status, visible_to", [
    ("draft", {"owner", "co_supervisor", "office"}),
    ("submitted", {"owner", "co_supervisor", "office"}),
    ("rejected", {"owner", "co_supervisor", "office"}),
    ("approved", set(ROLES)),
    ("completed", set(ROLES)),
])
def test_visibility_matrix(people, status, visible_to):
    project = project_in(status, people)
    for role, user in people.items():
        in_queryset = selectors.projects_visible_to(user).filter(pk=project.pk).exists()
        assert (role, in_queryset, permissions.can_view(user, project)) == (
            role, role in visible_to, role in visible_to)


def test_search_fallback_without_postgresql(monkeypatch):
    class FakeConnection:
        vendor = "sqlite"

    monkeypatch.setattr(selectors, "connection", FakeConnection())
    approved_project_with_team(title="Welding robots", keywords="steel")
    approved_project_with_team(title="Language models")
    found = selectors.search_projects(selectors.projects_visible_to(None), "WELD steel")
    assert [p.title for p in found] == ["Welding robots"]
