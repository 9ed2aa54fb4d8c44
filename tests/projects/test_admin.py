"""The admin's reject action asks for a reason on a confirmation page, then runs the service."""

import pytest
from django.contrib.auth import get_user_model

from marathon.models import AuditEntry, Notification
from projects.models import ProjectStatus
from tests.factories import approved_project_with_team
from tests.projects.factories import submitted_project

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/projects/project/"


@pytest.fixture
def admin_client(login):
    superuser = get_user_model().objects.create_superuser(
        email="root@example.org", password="x", full_name="Root", status="researcher")
    return login(superuser)


def test_reject_action_first_asks_for_a_reason(admin_client):
    project = submitted_project(title="Too vague")
    response = admin_client.post(CHANGELIST, {"action": "reject_with_reason",
                                              "_selected_action": [project.pk]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Too vague" in html and 'name="reason"' in html and 'name="apply"' in html
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED


def test_reject_action_with_reason_runs_the_service(admin_client):
    project = submitted_project()
    response = admin_client.post(CHANGELIST, {"action": "reject_with_reason", "apply": "1",
                                              "_selected_action": [project.pk],
                                              "reason": "Out of the programme's scope."})
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.status, project.rejection_reason) == (ProjectStatus.REJECTED,
                                                          "Out of the programme's scope.")
    assert AuditEntry.objects.filter(action="project.rejected").count() == 1
    assert Notification.objects.filter(kind="project_rejected", recipient=project.proposer).count() == 1


def test_reject_action_without_reason_shows_the_form_again(admin_client):
    project = submitted_project()
    response = admin_client.post(CHANGELIST, {"action": "reject_with_reason", "apply": "1",
                                              "_selected_action": [project.pk], "reason": "  "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED


def test_reject_action_reports_projects_the_rule_refuses(admin_client):
    submitted, approved = submitted_project(), approved_project_with_team()
    response = admin_client.post(CHANGELIST, {"action": "reject_with_reason", "apply": "1",
                                              "_selected_action": [submitted.pk, approved.pk],
                                              "reason": "Duplicate."}, follow=True)
    html = response.content.decode()
    assert "Only a submitted project can be rejected." in html
    assert "1 project(s) updated." in html
    approved.refresh_from_db()
    assert approved.status == ProjectStatus.APPROVED
