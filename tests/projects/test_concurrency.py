"""Workflow races, with real threads on PostgreSQL: the row lock makes the second decision
see the first one's status."""


import pytest
from django.db import connection

from projects import services
from projects.models import Membership, Project, ProjectStatus, Team
from tests.concurrency import run_together
from tests.factories import UserFactory
from tests.projects.factories import submitted_project

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks")]


def test_two_office_members_approving_at_once_create_one_team():
    project = submitted_project()
    offices = [UserFactory(status="researcher", is_staff=True) for _ in range(2)]
    outcomes = run_together(*[lambda o=o: services.approve_project(project=project, actor=o)
                              for o in offices])
    assert outcomes == ["ok", "refused"]
    assert Team.objects.filter(project=project).count() == 1
    assert Membership.objects.filter(team__project=project).count() == 1


def test_approve_and_reject_at_once_give_one_decision():
    project = submitted_project()
    office_a, office_b = (UserFactory(status="researcher", is_staff=True) for _ in range(2))
    outcomes = run_together(
        lambda: services.approve_project(project=project, actor=office_a),
        lambda: services.reject_project(project=project, actor=office_b, reason="No budget."))
    assert outcomes == ["ok", "refused"]
    project = Project.objects.get(pk=project.pk)
    assert project.status in (ProjectStatus.APPROVED, ProjectStatus.REJECTED)
    assert Team.objects.filter(project=project).exists() == (project.status == ProjectStatus.APPROVED)
