"""Withdrawing an expert from a project: service rules, the page button and the API endpoint."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from evaluation import services
from evaluation.models import Assignment, ConflictOfInterest, ConflictSource, ScoreSheet
from marathon.exceptions import RuleViolation
from marathon.models import AuditEntry, Notification
from tests.conftest import api_client_for as api

from .helpers import full_scores

pytestmark = pytest.mark.django_db
API = "/api/v1/evaluation"


@pytest.fixture
def assignment(chair, expert_member, project):
    return services.assign_expert(member=expert_member, project=project, actor=chair)


@pytest.fixture
def submitted(assignment, expert, criteria):
    services.save_score_sheet(sheet=assignment.sheet, actor=expert, scores=full_scores(criteria, [3, 3]))
    services.submit_score_sheet(sheet=assignment.sheet, actor=expert)
    return assignment


def test_remove_draft_assignment_deletes_sheet_notifies_and_audits(assignment, chair, expert):
    services.remove_assignment(assignment=assignment, actor=chair)
    assert not Assignment.objects.exists() and not ScoreSheet.objects.exists()
    assert Notification.objects.filter(recipient=expert, kind="evaluation_assignment_removed").count() == 1
    entry = AuditEntry.objects.get(action="evaluation.assignment_removed")
    assert entry.changes == {"expert": expert.email, "project": assignment.project_id,
                             "sheet_status": "draft", "conflict": False}


def test_office_may_remove(assignment, office_user):
    services.remove_assignment(assignment=assignment, actor=office_user)
    assert Assignment.objects.count() == 0


def test_expert_and_outsider_may_not_remove(assignment, expert, outsider):
    for user in (expert, outsider):
        with pytest.raises(PermissionDenied):
            services.remove_assignment(assignment=assignment, actor=user)
    assert Assignment.objects.count() == 1


def test_submitted_sheet_is_kept(submitted, chair):
    with pytest.raises(RuleViolation):
        services.remove_assignment(assignment=submitted, actor=chair)
    assert Assignment.objects.count() == 1 and not AuditEntry.objects.filter(
        action="evaluation.assignment_removed").exists()


def test_submitted_sheet_of_conflicted_expert_is_removable(submitted, chair, expert_member):
    ConflictOfInterest.objects.create(member=expert_member, project=submitted.project,
                                      source=ConflictSource.DECLARED, reason="Former employer")
    services.remove_assignment(assignment=submitted, actor=chair)
    assert Assignment.objects.count() == 0
    assert AuditEntry.objects.get(action="evaluation.assignment_removed").changes["conflict"] is True


def test_page_button_removes_and_returns_to_project(login, assignment, chair, edition, project):
    client = login(chair)
    page = client.get(reverse("evaluation:project_sheets", args=[edition.year, project.pk])).content.decode()
    url = reverse("evaluation:remove_assignment", args=[edition.year, assignment.pk])
    assert f'action="{url}"' in page
    response = client.post(url)
    assert response.status_code == 302
    assert response.url == reverse("evaluation:project_sheets", args=[edition.year, project.pk])
    assert Assignment.objects.count() == 0


def test_page_shows_refusal_for_submitted_sheet(login, submitted, chair, edition):
    response = login(chair).post(reverse("evaluation:remove_assignment", args=[edition.year, submitted.pk]),
                                 follow=True)
    assert "cannot be removed" in response.content.decode()
    assert Assignment.objects.count() == 1


def test_page_hidden_from_experts_and_get_not_allowed(login, assignment, expert, chair, edition):
    url = reverse("evaluation:remove_assignment", args=[edition.year, assignment.pk])
    assert login(expert).post(url).status_code == 404
    assert login(chair).get(url).status_code == 405
    assert Assignment.objects.count() == 1


def test_api_delete(assignment, chair):
    assert api(chair).delete(f"{API}/assignments/{assignment.pk}/").status_code == 204
    assert Assignment.objects.count() == 0


def test_api_delete_submitted_is_409_with_message(submitted, office_user):
    response = api(office_user).delete(f"{API}/assignments/{submitted.pk}/")
    assert response.status_code == 409
    assert "cannot be removed" in response.json()["detail"]


def test_api_delete_by_assigned_expert_is_403_outsider_404(assignment, expert, outsider):
    assert api(expert).delete(f"{API}/assignments/{assignment.pk}/").status_code == 403
    assert api(outsider).delete(f"{API}/assignments/{assignment.pk}/").status_code == 404
    assert Assignment.objects.count() == 1
