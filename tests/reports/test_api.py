import pytest
from rest_framework.test import APIClient

from reports.models import ExportJob
from tests.factories import UserFactory
from tests.outcomes.factories import publication_by
from tests.reports.conftest import add_mobility, add_project

pytestmark = pytest.mark.django_db

FIGURE_KEYS = ["participants", "projects", "joint_publications", "grant_applications", "conferences",
               "erasmus_mobility_grants", "implementations"]


def api_for(user=None) -> APIClient:
    client = APIClient()
    if user:
        client.force_authenticate(user)
    return client


def test_stats_has_exactly_the_issue_shape(world):
    add_project(world, students=[world.graz], area=world.energy)
    publication_by(world.host, world.graz, year=2020)
    add_mobility(world, year=2018)
    body = api_for().get("/api/v1/stats/?from=2018&to=2020").json()
    assert list(body) == ["from", "to", "partner_universities", "scientific_areas", *FIGURE_KEYS, "by_year"]
    assert body["from"] == 2018 and body["to"] == 2020
    assert body["partner_universities"] == ["TU Graz"]
    assert body["scientific_areas"] == ["Energy"]
    assert [body[key] for key in FIGURE_KEYS] == [2, 1, 1, 0, 0, 1, 0]
    assert body["by_year"][0] == {"year": 2018, "participants": 0, "projects": 0, "joint_publications": 0,
                                  "grant_applications": 0, "conferences": 0, "erasmus_mobility_grants": 1,
                                  "implementations": 0}


@pytest.mark.parametrize("query, field", [
    ("from=2020&to=2018", "to"), ("from=abc&to=2020", "from"), ("to=2020", "from"),
    ("from=1900&to=2020", "from"),
])
def test_stats_bad_input_is_400_in_house_format(world, query, field):
    response = api_for().get(f"/api/v1/stats/?{query}")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert field in body["errors"]


def test_stats_query_count_constant(world, django_assert_num_queries):
    for rows in (1, 5):
        for _ in range(rows):
            add_project(world, students=[world.graz])
        with django_assert_num_queries(13):  # a cache miss: the statistics' 13 queries
            api_for().get("/api/v1/stats/?from=2018&to=2020")


def test_export_api_starts_job_then_reports_download_url(world):
    office = UserFactory(is_staff=True)
    client = api_for(office)
    response = client.post("/api/v1/exports/", {"from": 2018, "to": 2020, "format": "xlsx"}, format="json")
    assert response.status_code == 202
    body = response.json()
    assert body == {"id": body["id"], "status": "pending", "progress": 0, "error": "", "download_url": None}
    # the test client runs on_commit callbacks only in transaction tests: run the task here
    from reports.tasks import generate_export
    generate_export(body["id"])
    state = client.get(f"/api/v1/exports/{body['id']}/").json()
    assert state == {"id": body["id"], "status": "done", "progress": 100, "error": "",
                     "download_url": f"http://testserver/api/v1/exports/{body['id']}/download/"}


def test_export_api_pending_job_has_no_download_url(world):
    office = UserFactory(is_staff=True)
    job = ExportJob.objects.create(owner=office, year_from=2018, year_to=2018, format="csv")
    assert api_for(office).get(f"/api/v1/exports/{job.pk}/").json() == {
        "id": job.pk, "status": "pending", "progress": 0, "error": "", "download_url": None}


@pytest.mark.parametrize("payload, field", [
    ({"from": 2018, "to": 2020, "format": "docx"}, "format"),
    ({"from": 2021, "to": 2020, "format": "csv"}, "to"),
    ({"from": "x", "to": 2020, "format": "csv"}, "from"),
])
def test_export_api_bad_input_is_400(world, payload, field):
    response = api_for(UserFactory(is_staff=True)).post("/api/v1/exports/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert ExportJob.objects.count() == 0


def test_export_api_is_office_only(world):
    job = ExportJob.objects.create(owner=UserFactory(is_staff=True), year_from=2018, year_to=2018,
                                   format="csv")
    student = api_for(UserFactory())
    assert student.post("/api/v1/exports/", {"from": 2018, "to": 2020, "format": "csv"},
                        format="json").status_code == 403
    assert student.get(f"/api/v1/exports/{job.pk}/").status_code == 403
    assert api_for().get(f"/api/v1/exports/{job.pk}/").status_code in (401, 403)
