"""Industry API: tasks, internships, applications, implementations; error shape; 404s; query counts."""

import pytest

from industry.models import ApplicationStatus, Confidentiality, ImplementationStatus, ResearchTask, TaskStatus
from tests.conftest import api_client_for as api
from tests.factories import EditionFactory, ScientificAreaFactory, UserFactory

from .factories import ApplicationFactory, InternshipFactory, ResearchTaskFactory, pdf

pytestmark = pytest.mark.django_db


def test_api_customer_submits_task_and_office_approves(customer, organisation, office):
    area = ScientificAreaFactory()
    response = api(customer).post("/api/v1/tasks/", {
        "organisation": organisation.pk, "title": "Bearing wear", "problem_statement": "Bearings wear.",
        "expected_results": "A model.", "area": area.pk, "contact_name": "Carla",
        "contact_email": "carla@example.org", "confidentiality": "confidential"}, format="json")
    assert response.status_code == 201
    assert (response.json()["status"], response.json()["confidentiality"]) == ("submitted", "confidential")
    pk = response.json()["id"]
    assert api(customer).post(f"/api/v1/tasks/{pk}/approve/", {}, format="json").status_code == 403
    response = api(office).post(f"/api/v1/tasks/{pk}/approve/", {}, format="json")
    assert (response.status_code, response.json()["status"]) == (200, "approved")
    again = api(office).post(f"/api/v1/tasks/{pk}/reject/", {"reason": "Late."}, format="json")
    assert again.status_code == 409
    assert set(again.json()) == {"detail", "errors"}


def test_api_task_create_with_bad_input_is_400_with_field_errors(customer, organisation):
    response = api(customer).post("/api/v1/tasks/", {"organisation": organisation.pk, "title": ""}, format="json")
    assert response.status_code == 400
    assert {"title", "problem_statement", "area"} <= set(response.json()["errors"])
    assert ResearchTask.objects.count() == 0


def test_api_reject_without_reason_is_400(office):
    task = ResearchTaskFactory(status=TaskStatus.SUBMITTED)
    response = api(office).post(f"/api/v1/tasks/{task.pk}/reject/", {}, format="json")
    assert (response.status_code, list(response.json()["errors"])) == (400, ["reason"])


def test_api_confidential_task_for_outside_professor_is_404(professor):
    task = ResearchTaskFactory(confidentiality=Confidentiality.CONFIDENTIAL, desired_edition=EditionFactory())
    assert api(professor).get(f"/api/v1/tasks/{task.pk}/").status_code == 404
    assert api(professor).get("/api/v1/tasks/").json()["count"] == 0


def test_api_professor_adopts_task(professor, customer, organisation):
    task = ResearchTaskFactory(organisation=organisation, desired_edition=EditionFactory())
    response = api(professor).post(f"/api/v1/tasks/{task.pk}/adopt/", {"title": "Bearing wear project"},
                                   format="json")
    assert response.status_code == 201
    assert response.json()["project_title"] == "Bearing wear project"
    second = api(UserFactory(status="professor")).post(f"/api/v1/tasks/{task.pk}/adopt/", {}, format="json")
    assert second.status_code == 409


def test_api_student_cannot_adopt(student):
    task = ResearchTaskFactory(desired_edition=EditionFactory())
    assert api(student).post(f"/api/v1/tasks/{task.pk}/adopt/", {}, format="json").status_code == 404


@pytest.mark.parametrize("count", [1, 5])
def test_api_task_list_query_count_is_constant(office, django_assert_num_queries, count):
    for _ in range(count):
        ResearchTaskFactory()
    client = api(office)
    with django_assert_num_queries(2):
        response = client.get("/api/v1/tasks/")
    assert response.json()["count"] == count


def test_api_internship_offer_apply_accept(customer, organisation, student):
    response = api(customer).post("/api/v1/internships/", {
        "organisation": organisation.pk, "title": "Lab internship", "description": "Testing.",
        "site_name": "Plant 1", "city": "Munich", "country": "DE", "latitude": "48.1372", "longitude": "11.5755",
        "start_date": "2027-06-01", "end_date": "2027-08-31", "places": 1, "deadline": "2099-01-01",
        "degree_levels": ["master"]}, format="json")
    assert response.status_code == 201
    internship_id = response.json()["id"]
    applied = api(student).post(f"/api/v1/internships/{internship_id}/applications/",
                                {"motivation": "Keen.", "cv": pdf()}, format="multipart")
    assert applied.status_code == 201
    application_id = applied.json()["id"]
    accepted = api(customer).post(f"/api/v1/internship-applications/{application_id}/accept/", {}, format="json")
    assert (accepted.status_code, accepted.json()["status"]) == (200, "accepted")
    other = ApplicationFactory(internship_id=internship_id)
    full = api(customer).post(f"/api/v1/internship-applications/{other.pk}/accept/", {}, format="json")
    assert (full.status_code, full.json()["detail"]) == (409, "All places of this internship are taken.")


def test_api_internship_with_bad_degree_level_is_400(customer, organisation):
    response = api(customer).post("/api/v1/internships/", {
        "organisation": organisation.pk, "title": "x", "description": "x", "site_name": "x", "city": "x",
        "country": "DE", "start_date": "2027-06-01", "end_date": "2027-05-01", "places": 0,
        "deadline": "2099-01-01", "degree_levels": ["wizard"]}, format="json")
    assert response.status_code == 400
    assert {"places"} <= set(response.json()["errors"])


def test_api_apply_with_non_pdf_is_400(student):
    internship = InternshipFactory()
    response = api(student).post(f"/api/v1/internships/{internship.pk}/applications/",
                                 {"motivation": "Keen.", "cv": pdf("cv.pdf", b"\x89PNG\r\n\x1a\n0000")},
                                 format="multipart")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["cv"]


def test_api_application_for_outsider_is_404(other_customer):
    application = ApplicationFactory()
    assert api(other_customer).get(f"/api/v1/internship-applications/{application.pk}/").status_code == 404
    response = api(other_customer).post(f"/api/v1/internship-applications/{application.pk}/decline/", {},
                                        format="json")
    assert response.status_code == 404
    assert application.__class__.objects.get(pk=application.pk).status == ApplicationStatus.SUBMITTED


@pytest.mark.parametrize("count", [1, 5])
def test_api_internship_list_query_count_is_constant(student, django_assert_num_queries, count):
    for _ in range(count):
        ApplicationFactory(internship=InternshipFactory())
    client = api(student)
    with django_assert_num_queries(2):
        response = client.get("/api/v1/internships/")
    assert [row["applicant_count"] for row in response.json()["results"]] == [1] * count


def test_api_implementation_recorded_by_supervisor_confirmed_by_customer(professor, customer, organisation):
    task = ResearchTaskFactory(organisation=organisation, desired_edition=EditionFactory())
    project_id = api(professor).post(f"/api/v1/tasks/{task.pk}/adopt/", {}, format="json").json()["project"]
    response = api(professor).post("/api/v1/implementations/", {
        "project": project_id, "what": "Wear model", "where": "Mill 2", "implemented_on": "2026-04-01",
        "evidence_link": "https://example.org/evidence", "effect": "Fewer stops"}, format="json")
    assert (response.status_code, response.json()["status"]) == (201, ImplementationStatus.PENDING)
    pk = response.json()["id"]
    assert api(professor).post(f"/api/v1/implementations/{pk}/confirm/", {}, format="json").status_code == 403
    confirmed = api(customer).post(f"/api/v1/implementations/{pk}/confirm/", {}, format="json")
    assert (confirmed.status_code, confirmed.json()["status"]) == (200, ImplementationStatus.CONFIRMED)
    assert api(customer).get("/api/v1/implementations/").json()["count"] == 1


def test_api_schema_documents_industry_endpoints(client):
    body = client.get("/api/schema/").content.decode()
    for path in ("/api/v1/tasks/{id}/adopt/", "/api/v1/internships/{id}/applications/",
                 "/api/v1/internship-applications/{id}/accept/", "/api/v1/implementations/{id}/confirm/"):
        assert path in body
