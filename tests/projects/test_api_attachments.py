"""`/api/v1/projects/{id}/attachments/`: upload with type and size checks, permission-checked
list and download."""

import pytest
from rest_framework.test import APIClient

from marathon.models import AuditEntry
from projects import services
from projects.models import ProjectAttachment
from tests.factories import approved_project_with_team
from tests.projects.factories import fake_pdf, pdf, student_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    def as_user(user):
        client = APIClient()
        client.force_authenticate(user)
        return client
    return as_user


def files_url(project):
    return f"/api/v1/projects/{project.pk}/attachments/"


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_upload_by_proposer_stores_file_and_audits(api, draft, proposer, settings):
    response = api(proposer).post(files_url(draft), {"kind": "proposal", "file": pdf()}, format="multipart")
    assert response.status_code == 201
    attachment = ProjectAttachment.objects.get()
    assert response.json() == {
        "id": attachment.pk, "kind": "proposal", "original_name": "proposal.pdf",
        "content_type": "application/pdf", "size": attachment.size,
        "uploaded_by": proposer.full_name, "uploaded_at": response.json()["uploaded_at"],
        "download_url": f"/api/v1/projects/{draft.pk}/attachments/{attachment.pk}/"}
    assert AuditEntry.objects.filter(action="project.attachment_added").count() == 1
    assert len(stored_files(settings)) == 1


def test_upload_of_wrong_type_is_400_and_writes_nothing(api, draft, proposer, settings):
    response = api(proposer).post(files_url(draft), {"kind": "proposal", "file": fake_pdf()},
                                  format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == ["file"]
    assert body["errors"]["file"][0].startswith("This type of file is not accepted (image/png)")
    assert ProjectAttachment.objects.count() == 0
    assert AuditEntry.objects.filter(action="project.attachment_added").count() == 0
    assert stored_files(settings) == []


def test_upload_too_big_is_400_and_writes_nothing(api, draft, proposer, settings):
    settings.UPLOAD_MAX_BYTES = 10
    response = api(proposer).post(files_url(draft), {"kind": "proposal", "file": pdf()}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"]["file"][0].startswith("The file is too large")
    assert ProjectAttachment.objects.count() == 0
    assert stored_files(settings) == []


def test_upload_without_file_or_with_bad_kind_is_400(api, draft, proposer):
    response = api(proposer).post(files_url(draft), {"kind": "proposal"}, format="multipart")
    assert (response.status_code, list(response.json()["errors"])) == (400, ["file"])
    response = api(proposer).post(files_url(draft), {"kind": "poster", "file": pdf()}, format="multipart")
    assert (response.status_code, list(response.json()["errors"])) == (400, ["kind"])


def test_upload_in_wrong_state_is_409(api, draft, proposer):
    response = api(proposer).post(files_url(draft), {"kind": "final_report", "file": pdf()},
                                  format="multipart")
    assert response.status_code == 409
    assert ProjectAttachment.objects.count() == 0


def test_upload_by_co_supervisor_and_office_allowed(api, draft, co_supervisor, office):
    for user in (co_supervisor, office):
        response = api(user).post(files_url(draft), {"kind": "other", "file": pdf()}, format="multipart")
        assert response.status_code == 201
    assert ProjectAttachment.objects.count() == 2


def test_upload_by_student_of_published_project_is_403(api, student, settings):
    project = approved_project_with_team()
    response = api(student).post(files_url(project), {"kind": "other", "file": pdf()}, format="multipart")
    assert response.status_code == 403
    assert response.json()["detail"] == "Only the office or the project's supervisors can add files."
    assert stored_files(settings) == []


def test_outsider_gets_404_for_a_draft(api, draft, outsider, professor):
    for user in (outsider, professor):
        assert api(user).get(files_url(draft)).status_code == 404
        response = api(user).post(files_url(draft), {"kind": "proposal", "file": pdf()}, format="multipart")
        assert response.status_code == 404
    assert ProjectAttachment.objects.count() == 0


def test_list_shows_only_downloadable_files(api, student, office):
    project = approved_project_with_team()
    services.activate_project(project=project, actor=office)
    member = student_in(project.team)
    services.upload_attachment(project=project, actor=project.proposer, kind="other", upload=pdf("a.pdf"))
    services.upload_attachment(project=project, actor=project.proposer, kind="final_report",
                               upload=pdf("report.pdf"))
    assert [f["original_name"] for f in api(member).get(files_url(project)).json()] == ["report.pdf", "a.pdf"]
    assert api(student).get(files_url(project)).json() == []


def test_download_checks_permission(api, student, office):
    project = approved_project_with_team()
    services.activate_project(project=project, actor=office)
    member = student_in(project.team)
    report = services.upload_attachment(project=project, actor=project.proposer, kind="final_report",
                                        upload=pdf("report.pdf"))
    url = f"{files_url(project)}{report.pk}/"
    response = api(member).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    outsider = api(student).get(url)
    assert (outsider.status_code, outsider.json()) == (404, {"detail": "Not found.", "errors": {}})


def test_download_of_another_projects_file_is_404(api, draft, proposer):
    other = approved_project_with_team()
    attachment = services.upload_attachment(project=other, actor=other.proposer, kind="other", upload=pdf())
    assert api(proposer).get(f"{files_url(draft)}{attachment.pk}/").status_code == 404


def test_download_needs_authentication(draft, proposer):
    attachment = services.upload_attachment(project=draft, actor=proposer, kind="proposal", upload=pdf())
    response = APIClient().get(f"{files_url(draft)}{attachment.pk}/")
    assert response.status_code in (401, 403)


@pytest.mark.parametrize("rows", [1, 5])
def test_list_query_count_is_constant(api, draft, proposer, rows, django_assert_num_queries):
    for n in range(rows):
        services.upload_attachment(project=draft, actor=proposer, kind="other", upload=pdf(f"{n}.pdf"))
    client = api(proposer)
    # project (+team; a draft has none, so no memberships) + co-supervisors + attachments with uploader
    with django_assert_num_queries(3):
        response = client.get(files_url(draft))
    assert len(response.json()) == rows


def test_schema_documents_attachment_endpoints(client):
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/projects/{id}/attachments/" in schema
    assert "/api/v1/projects/{id}/attachments/{attachment_id}/" in schema
    assert "multipart/form-data" in schema


