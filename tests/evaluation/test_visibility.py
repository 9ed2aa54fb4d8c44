"""Individual scores are visible only to their author and the chair: the programme office (staff
without a chair seat), other experts and team members never see them, before or after publishing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import NoReverseMatch, reverse

from evaluation import services
from evaluation.models import ExpertGroup, ResultSnapshot
from tests.conftest import api_client_for as api

from .conftest import seat
from .helpers import full_scores, open_evaluation, publish

pytestmark = pytest.mark.django_db
API = "/api/v1/evaluation"
SECRET_NOTE = "confidential remark 7f3"


@pytest.fixture
def sheet(chair, expert_member, project, criteria):
    sheet = services.assign_expert(member=expert_member, project=project, actor=chair).sheet
    services.save_score_sheet(sheet=sheet, actor=expert_member.user, scores=full_scores(criteria, [4, 2]),
                              feedback="Good work", confidential_note=SECRET_NOTE)
    services.submit_score_sheet(sheet=sheet, actor=expert_member.user)
    return sheet


@pytest.fixture
def other_expert(commission):
    return seat(commission, group=ExpertGroup.INVESTOR).user


@pytest.fixture(params=["before", "after"])
def phase(request, commission, chair, sheet):
    if request.param == "after":
        publish(commission, chair)
    return request.param


@pytest.fixture(params=["office", "other_expert", "team_member"])
def viewer(request, office_user, other_expert, team_member):
    return {"office": office_user, "other_expert": other_expert, "team_member": team_member}[request.param]


def test_sheet_page_hidden_from_non_chairs(login, sheet, viewer, phase):
    assert login(viewer).get(reverse("evaluation:sheet", args=[sheet.pk])).status_code == 404


def test_project_sheets_page_hidden_from_non_chairs(login, sheet, viewer, phase, edition, project):
    url = reverse("evaluation:project_sheets", args=[edition.year, project.pk])
    assert login(viewer).get(url).status_code == 404


def test_exports_hidden_from_non_chairs(login, sheet, viewer, phase, edition):
    for fmt in ("csv", "xlsx"):
        assert login(viewer).get(reverse("evaluation:export", args=[edition.year, fmt])).status_code == 404


def test_api_sheets_hidden_from_non_chairs(sheet, viewer, phase):
    client = api(viewer)
    assert client.get(f"{API}/sheets/").json()["results"] == []
    assert client.get(f"{API}/sheets/{sheet.pk}/").status_code == 404


def test_api_results_show_no_live_scores_to_non_chairs(sheet, viewer, phase, edition):
    response = api(viewer).get(f"{API}/results/", {"edition": edition.pk})
    if phase == "before":
        assert response.status_code == 404
    else:
        assert response.status_code == 200 and "live" not in response.json()
        assert SECRET_NOTE not in response.content.decode()


def test_office_dashboard_shows_progress_not_scores(login, sheet, office_user, phase, edition, project):
    response = login(office_user).get(reverse("evaluation:dashboard", args=[edition.year]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="progress-projects"' in html and "1 / 1" in html
    assert 'id="results"' not in html and 'id="publish"' not in html
    assert reverse("evaluation:project_sheets", args=[edition.year, project.pk]) not in html
    assert reverse("evaluation:export", args=[edition.year, "csv"]) not in html


def test_chair_dashboard_shows_results(login, sheet, chair, edition):
    open_evaluation(edition)
    html = login(chair).get(reverse("evaluation:dashboard", args=[edition.year])).content.decode()
    assert 'id="results"' in html and 'id="publish"' in html


def test_chair_sees_sheet_and_confidential_note(login, sheet, chair, edition, project):
    html = login(chair).get(reverse("evaluation:project_sheets", args=[edition.year, project.pk])).content.decode()
    assert SECRET_NOTE in html


def test_chair_api_sees_live_results_and_sheets(sheet, chair, edition):
    assert "live" in api(chair).get(f"{API}/results/", {"edition": edition.pk}).json()
    assert api(chair).get(f"{API}/sheets/{sheet.pk}/").status_code == 200


def test_office_cannot_publish(login, commission, sheet, office_user, edition):
    with pytest.raises(PermissionDenied):
        services.publish_results(commission=commission, actor=office_user)
    assert api(office_user).post(f"{API}/results/publish/", {"edition": edition.pk}).status_code == 403
    login(office_user).post(reverse("evaluation:publish", args=[edition.year]))
    assert not ResultSnapshot.objects.exists()


def test_office_assigns_and_reminds(commission, office_user, chair, expert_member, edition):
    from tests.factories import approved_project_with_team

    project = approved_project_with_team(edition=edition)
    assignment = services.assign_expert(member=expert_member, project=project, actor=office_user)
    assert assignment.sheet.status == "draft"
    assert services.send_reminders(commission=commission, actor=office_user) == 1


def test_office_sees_assignments_without_scores_in_api(sheet, office_user):
    rows = api(office_user).get(f"{API}/assignments/").json()["results"]
    assert [(r["sheet"], r["sheet_status"]) for r in rows] == [(sheet.pk, "submitted")]
    assert "scores" not in rows[0]


def test_other_expert_cannot_open_dashboard(login, other_expert, team_member, edition, commission):
    for user in (other_expert, team_member):
        assert login(user).get(reverse("evaluation:dashboard", args=[edition.year])).status_code == 404


@pytest.mark.parametrize("model", ["scoresheet", "scoresheetrevision", "score"])
def test_admin_does_not_expose_scores(login, office_user, model):
    office_user.is_superuser = True
    office_user.save()
    with pytest.raises(NoReverseMatch):
        reverse(f"admin:evaluation_{model}_changelist")
    assert login(office_user).get(f"/admin/evaluation/{model}/").status_code == 404
