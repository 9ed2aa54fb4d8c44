from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from mobility import services
from mobility.models import DocumentKind, Mobility

from .factories import MobilityFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/mobilities/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def payload(applicant, host, **overrides):
    start = timezone.localdate() + timedelta(days=40)
    return {"kind": "student_research", "home_university": applicant.university_id,
            "host_university": host.pk, "planned_start": start.isoformat(),
            "planned_end": (start + timedelta(days=29)).isoformat(), "funding_source": "erasmus",
            **overrides}


def submitted(**fields):
    mobility = MobilityFactory(**fields)
    return services.submit_mobility(mobility=mobility, actor=mobility.participant)


# --- list, create, detail -----------------------------------------------------------------------
def test_anonymous_is_refused():
    assert api().get(URL).status_code in (401, 403)


def test_list_shows_own_mobilities_only(applicant):
    mine = MobilityFactory(participant=applicant)
    MobilityFactory()
    body = api(applicant).get(URL).json()
    assert [row["id"] for row in body["results"]] == [mine.pk]


def test_coordinator_lists_all(coordinator):
    MobilityFactory.create_batch(3)
    assert api(coordinator).get(URL).json()["count"] == 3


def test_create_draft(applicant, spbpu, ka1):
    response = api(applicant).post(URL, payload(applicant, spbpu), format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["participant"]["id"], body["kind"]) == (
        "draft", applicant.pk, "student_research")


@pytest.mark.parametrize(("overrides", "field"), [
    ({"host_university": "same"}, "host_university"),
    ({"host_university": 999999}, "host_university"),
    ({"planned_end": "2020-01-01"}, "planned_end"),
    ({"planned_start": "not-a-date"}, "planned_start"),
    ({"kind": "holiday"}, "kind"),
    ({"teaching_hours": 6}, "teaching_hours"),
])
def test_create_bad_input_is_400_with_message(applicant, spbpu, overrides, field):
    if overrides.get("host_university") == "same":
        overrides = {"host_university": applicant.university_id}
    response = api(applicant).post(URL, payload(applicant, spbpu, **overrides), format="json")
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"] and body["detail"]
    assert Mobility.objects.count() == 0


def test_outsider_gets_404(outsider):
    assert api(outsider).get(f"{URL}{MobilityFactory().pk}/").status_code == 404


def test_patch_draft(applicant):
    mobility = MobilityFactory(participant=applicant)
    response = api(applicant).patch(f"{URL}{mobility.pk}/", {"purpose": "Lab work"}, format="json")
    assert (response.status_code, response.json()["purpose"]) == (200, "Lab work")


def test_patch_submitted_is_409():
    mobility = submitted()
    response = api(mobility.participant).patch(f"{URL}{mobility.pk}/", {"purpose": "x"},
                                               format="json")
    assert response.status_code == 409
    assert response.json()["detail"]


def test_coordinator_cannot_patch_someones_draft(coordinator):
    assert api(coordinator).patch(f"{URL}{MobilityFactory().pk}/", {"purpose": "x"},
                                  format="json").status_code == 403


def test_delete_draft(applicant):
    mobility = MobilityFactory(participant=applicant)
    assert api(applicant).delete(f"{URL}{mobility.pk}/").status_code == 204
    assert not Mobility.objects.exists()


def test_delete_submitted_is_409():
    mobility = submitted()
    assert api(mobility.participant).delete(f"{URL}{mobility.pk}/").status_code == 409


# --- workflow -------------------------------------------------------------------------------------
def test_full_workflow_over_the_api(coordinator, ka1):
    mobility = MobilityFactory()
    participant = api(mobility.participant)
    assert participant.post(f"{URL}{mobility.pk}/submit/").json()["status"] == "submitted"
    assert api(coordinator).post(f"{URL}{mobility.pk}/approve/").json()["status"] == "approved"
    started = participant.post(f"{URL}{mobility.pk}/start/", {"on": str(mobility.planned_start)},
                               format="json")
    assert started.json()["actual_start"] == str(mobility.planned_start)
    assert participant.post(f"{URL}{mobility.pk}/complete/").status_code == 409
    services.upload_document(mobility=mobility, actor=mobility.participant,
                             kind=DocumentKind.CERTIFICATE,
                             upload=SimpleUploadedFile("c.pdf", PDF, "application/pdf"))
    completed = participant.post(f"{URL}{mobility.pk}/complete/", {"on": str(mobility.planned_end)},
                                 format="json")
    assert completed.json()["status"] == "completed"


def test_participant_cannot_approve():
    mobility = submitted()
    assert api(mobility.participant).post(f"{URL}{mobility.pk}/approve/").status_code == 403


def test_outsider_cannot_approve(outsider):
    assert api(outsider).post(f"{URL}{submitted().pk}/approve/").status_code == 404


def test_approve_overlap_is_409_with_message(coordinator):
    first = submitted()
    second = submitted(participant=first.participant, planned_start=first.planned_start,
                       planned_end=first.planned_start)
    services.approve_mobility(mobility=first, actor=coordinator)
    response = api(coordinator).post(f"{URL}{second.pk}/approve/")
    assert response.status_code == 409
    assert "overlaps" in response.json()["detail"]


def test_reject_needs_reason(coordinator):
    mobility = submitted()
    response = api(coordinator).post(f"{URL}{mobility.pk}/reject/", {}, format="json")
    assert (response.status_code, list(response.json()["errors"])) == (400, ["reason"])
    response = api(coordinator).post(f"{URL}{mobility.pk}/reject/", {"reason": "Full."},
                                     format="json")
    assert (response.json()["status"], response.json()["rejection_reason"]) == ("rejected", "Full.")


def test_cancel(applicant):
    mobility = MobilityFactory(participant=applicant)
    assert api(applicant).post(f"{URL}{mobility.pk}/cancel/").json()["status"] == "cancelled"


def test_submit_by_coordinator_of_someone_elses_draft_is_403(coordinator):
    assert api(coordinator).post(f"{URL}{MobilityFactory().pk}/submit/").status_code == 403


# --- estimate -----------------------------------------------------------------------------------
def estimate(user, **params):
    return api(user).get(f"{URL}estimate/", params)


def test_estimate_spbpu_graz(applicant, spbpu, graz, ka1):
    response = estimate(applicant, home=spbpu.pk, host=graz.pk, kind="student_research",
                        start="2022-04-01", end="2022-04-30", green="true")
    assert response.status_code == 200
    body = response.json()
    assert (body["distance_km"], body["band"], body["travel_amount"], body["per_day_amount"],
            body["days"], body["total"], body["currency"]) == (
        1736, "500–1999 km", "320.00", "70.00", 36, "2840.00", "EUR")
    assert body["rates_are_examples"] is True


@pytest.mark.parametrize("params", [
    {"host": "same"}, {"host": 999999}, {"home": "abc"}, {"end": "2022-03-01"},
    {"start": "2022-13-45"}, {"kind": "holiday"}, {"end": "2024-04-30"},
])
def test_estimate_bad_input_is_400(applicant, spbpu, graz, params):
    query = {"home": spbpu.pk, "host": graz.pk, "kind": "student_research",
             "start": "2022-04-01", "end": "2022-04-30", **params}
    if query["host"] == "same":
        query["host"] = spbpu.pk
    response = estimate(applicant, **query)
    assert response.status_code == 400
    assert response.json()["detail"]


def test_schema_documents_mobility_endpoints(client):
    schema = client.get("/api/schema/").content.decode()
    for path in ("/api/v1/mobilities/", "/api/v1/mobilities/{id}/approve/",
                 "/api/v1/mobilities/estimate/"):
        assert path in schema


# --- query counts -----------------------------------------------------------------------------
@pytest.mark.parametrize("rows", [1, 5])
def test_list_query_count_is_constant(coordinator, django_assert_num_queries, rows):
    MobilityFactory.create_batch(rows)
    client = api(coordinator)
    # coordinator check (groups), count, page of rows with related objects
    with django_assert_num_queries(3):
        assert client.get(URL).json()["count"] == rows


def test_upload_certificate_over_the_api(applicant):
    mobility = MobilityFactory(participant=applicant)
    response = api(applicant).post(f"{URL}{mobility.pk}/documents/", {
        "kind": "certificate", "file": SimpleUploadedFile("c.pdf", PDF, "application/pdf")},
        format="multipart")
    assert (response.status_code, response.json()["original_name"]) == (201, "c.pdf")


def test_upload_wrong_type_over_the_api_is_400(applicant):
    mobility = MobilityFactory(participant=applicant)
    response = api(applicant).post(f"{URL}{mobility.pk}/documents/", {
        "kind": "certificate", "file": SimpleUploadedFile("c.pdf", b"text", "text/plain")},
        format="multipart")
    assert (response.status_code, list(response.json()["errors"])) == (400, ["file"])


def test_team_of_others_refused(applicant, spbpu):
    from tests.factories import TeamFactory

    team = TeamFactory()
    response = api(applicant).post(URL, payload(applicant, spbpu, team=team.pk), format="json")
    assert (response.status_code, list(response.json()["errors"])) == (400, ["team"])
