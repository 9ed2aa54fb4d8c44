import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from workspace import periods, services
from workspace.models import EditionWorkspaceSettings, JournalEntry, Milestone

from .helpers import milestone, signed_entry

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("path", ["milestones/", "journal/", "reports/"])
def test_lists_are_404_for_outsiders(team, outsider, path):
    response = api(outsider).get(f"/api/v1/teams/{team.pk}/{path}")
    assert (response.status_code, response.json()) == (404, {"detail": "Not found.", "errors": {}})


def test_office_reads_but_gets_403_on_create(team, office):
    client = api(office)
    assert client.get(f"/api/v1/teams/{team.pk}/milestones/").status_code == 200
    response = client.post(f"/api/v1/teams/{team.pk}/milestones/", {"title": "X", "due_date": "2030-01-01"},
                           format="json")
    assert response.status_code == 403
    assert Milestone.objects.count() == 0


def test_create_milestone_and_stale_update_conflict(team, member, supervisor):
    created = api(member).post(f"/api/v1/teams/{team.pk}/milestones/",
                               {"title": "Samples ordered", "due_date": "2030-01-01", "owners": [member.pk]},
                               format="json")
    assert created.status_code == 201
    body = created.json()
    assert (body["title"], body["owners"], body["version"]) == ("Samples ordered", [member.pk], 1)
    url = f"/api/v1/teams/{team.pk}/milestones/{body['id']}/"
    assert api(supervisor).patch(url, {"version": 1, "status": "done"}, format="json").json()["version"] == 2
    stale = api(member).patch(url, {"version": 1, "title": "Other"}, format="json")
    assert stale.status_code == 409
    assert stale.json()["detail"] == "Someone else changed this milestone meanwhile; reload it and try again."


def test_create_milestone_bad_input_is_400_with_errors(team, member):
    response = api(member).post(f"/api/v1/teams/{team.pk}/milestones/", {"title": ""}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"title", "due_date"}


def test_journal_create_sign_and_new_version(team, member):
    client = api(member)
    created = client.post(f"/api/v1/teams/{team.pk}/journal/", {
        "kind": "experiment", "title": "Hardness", "measurements_csv": "Sample,HV\nS1,55\n",
        "samples": [{"identifier": "S1", "material": "AZ31"}]}, format="json")
    assert created.status_code == 201
    entry_id = created.json()["id"]
    assert created.json()["measurements"] == {"columns": ["Sample", "HV"], "rows": [["S1", 55]]}
    signed = client.post(f"/api/v1/teams/{team.pk}/journal/{entry_id}/sign/")
    assert (signed.status_code, signed.json()["status"], signed.json()["chain_index"]) == (200, "signed", 1)
    again = client.post(f"/api/v1/teams/{team.pk}/journal/{entry_id}/sign/")
    assert again.status_code == 409
    version = client.post(f"/api/v1/teams/{team.pk}/journal/{entry_id}/new-version/")
    assert (version.status_code, version.json()["version"], version.json()["previous_version"]) == (201, 2, entry_id)


def test_journal_create_with_bad_csv_is_400_naming_the_cell(team, member):
    response = api(member).post(f"/api/v1/teams/{team.pk}/journal/", {
        "kind": "experiment", "title": "Hardness", "measurements_csv": "Sample,HV\nS1,x5\n"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"measurements": ["Row 2, column “HV”: “x5” is not a number."]}
    assert JournalEntry.objects.count() == 0


def test_report_review_actions(team, member, supervisor):
    start = periods.current_period(team.edition, "monthly", timezone.localdate()).start
    created = api(member).post(f"/api/v1/teams/{team.pk}/reports/", {"period_start": str(start)}, format="json")
    assert created.status_code == 201
    url = f"/api/v1/teams/{team.pk}/reports/{created.json()['id']}/"
    api(member).patch(url, {"done": "Everything"}, format="json")
    assert api(member).post(f"{url}submit/").json()["status"] == "submitted"
    assert api(member).post(f"{url}approve/").status_code == 403
    assert api(supervisor).post(f"{url}request-changes/", {"comment": ""}, format="json").status_code == 400
    sent_back = api(supervisor).post(f"{url}request-changes/", {"comment": "More data"}, format="json")
    assert (sent_back.json()["status"], sent_back.json()["reviews"][0]["comment"]) == ("changes_requested", "More data")
    api(member).post(f"{url}submit/")
    assert api(supervisor).post(f"{url}approve/").json()["status"] == "approved"


@pytest.mark.parametrize("n", [1, 5])
def test_journal_list_query_count(team, member, django_assert_num_queries, n):
    for i in range(n):
        signed_entry(team, member, title=f"E{i}")
    client = api(member)
    with django_assert_num_queries(5):  # team, memberships, co-supervisors, count, rows
        assert client.get(f"/api/v1/teams/{team.pk}/journal/").json()["count"] == n


@pytest.mark.parametrize("n", [1, 5])
def test_milestone_list_query_count(team, member, django_assert_num_queries, n):
    for i in range(n):
        milestone(team, member, title=f"M{i}")
    client = api(member)
    with django_assert_num_queries(6):
        assert client.get(f"/api/v1/teams/{team.pk}/milestones/").json()["count"] == n


@pytest.mark.parametrize("n", [1, 5])
def test_report_list_query_count(team, member, supervisor, django_assert_num_queries, n):
    EditionWorkspaceSettings.objects.create(edition=team.edition, report_cadence="weekly")
    for p in periods.report_periods(team.edition, "weekly")[:n]:
        report = services.start_report(team=team, actor=member, period_start=p.start)
        services.update_report(report=report, actor=member, data={"done": "x"})
        services.submit_report(report=report, actor=member)
        services.approve_report(report=report, actor=supervisor)
    client = api(member)
    with django_assert_num_queries(6):
        assert client.get(f"/api/v1/teams/{team.pk}/reports/").json()["count"] == n


def test_schema_documents_the_workspace_endpoints(client):
    schema = client.get("/api/schema/").content.decode()
    for path in ("/api/v1/teams/{id}/milestones/", "/api/v1/teams/{id}/journal/{entry_id}/sign/",
                 "/api/v1/teams/{id}/reports/{report_id}/request-changes/"):
        assert path in schema
