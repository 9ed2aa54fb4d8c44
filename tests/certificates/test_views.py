import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certificates import services
from certificates.models import Certificate, IssueRun
from tests import factories
from tests.conftest import client_for


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def issue(marathon, office, person=None):
    return services.issue_certificate(person=person or marathon["student"], edition=marathon["edition"], actor=office)


def test_verify_page_valid_shows_data_without_email(client, marathon, office, django_assert_max_num_queries):
    certificate = issue(marathon, office)
    with django_assert_max_num_queries(2):
        response = client.get(f"/verify/{certificate.code}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-status="valid"' in body and "Anna Müller" in body and certificate.number in body
    assert "Hydrogen storage in porous metals" in body
    assert marathon["student"].email not in body


def test_verify_page_revoked(client, marathon, office):
    certificate = issue(marathon, office)
    services.revoke_certificate(certificate=certificate, actor=office, reason="Wrong person")
    body = client.get(f"/verify/{certificate.code}/").content.decode()
    assert 'data-status="revoked"' in body and "Wrong person" in body


@pytest.mark.parametrize("code", ["nope", "x" * 300, "%00", "abc.def", "a'b\"c"])
def test_verify_page_unknown_code_is_404_page(client, db, code):
    response = client.get(f"/verify/{code}/")
    assert response.status_code == 404
    assert 'data-status="unknown"' in response.content.decode()


def test_verify_api_valid_revoked_unknown(client, marathon, office):
    certificate = issue(marathon, office)
    data = client.get(f"/api/v1/certificates/verify/{certificate.code}/").json()
    assert data["status"] == "valid" and data["number"] == certificate.number
    assert data["signature"] == certificate.signature and data["key_id"] == certificate.key_id
    assert data["data"]["participant"]["name"] == "Anna Müller"
    services.revoke_certificate(certificate=certificate, actor=office, reason="Mistake")
    assert client.get(f"/api/v1/certificates/verify/{certificate.code}/").json()["status"] == "revoked"
    response = client.get("/api/v1/certificates/verify/unknown-code/")
    assert response.status_code == 404
    assert response.json()["detail"] == "unknown"


def test_keys_api_lists_current_key(client, marathon, office):
    certificate = issue(marathon, office)
    keys = client.get("/api/v1/certificates/keys/").json()
    assert [k["key_id"] for k in keys if k["current"]] == [certificate.key_id]


def test_holder_downloads_own_pdf_others_get_404(marathon, office, outsider):
    certificate = issue(marathon, office)
    response = client_for(marathon["student"]).get(f"/certificates/{certificate.pk}/download/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert client_for(outsider).get(f"/certificates/{certificate.pk}/download/").status_code == 404
    assert client_for(marathon["student2"]).get(f"/certificates/{certificate.pk}/").status_code == 404
    assert client_for(office).get(f"/certificates/{certificate.pk}/download/").status_code == 200


def test_anonymous_download_redirects_to_login(client, marathon, office):
    certificate = issue(marathon, office)
    response = client.get(f"/certificates/{certificate.pk}/download/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_download_renders_missing_pdf_on_demand(marathon, office):
    certificate = issue(marathon, office)
    Certificate.objects.filter(pk=certificate.pk).update(pdf="")
    response = client_for(marathon["student"]).get(f"/certificates/{certificate.pk}/download/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert Certificate.objects.get(pk=certificate.pk).pdf.name != ""


def test_credential_download_for_holder(marathon, office, outsider):
    certificate = issue(marathon, office)
    data = client_for(marathon["student"]).get(f"/certificates/{certificate.pk}/credential/").json()
    assert data["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert client_for(outsider).get(f"/api/v1/certificates/{certificate.pk}/credential/").status_code == 404


def _many_certificates(marathon, office, count):
    team = marathon["other_team"]
    people = [marathon["student"]] + [factories.MembershipFactory(team=team).user for _ in range(count - 1)]
    return [issue(marathon, office, person=person) for person in people]


@pytest.mark.parametrize("count", [1, 5])
def test_edition_office_page_query_count(marathon, office, count, django_assert_num_queries):
    _many_certificates(marathon, office, count)
    client = client_for(office)
    client.get("/certificates/office/2031/")
    # The session and (after the first request) the user come from the cache (PAGE_BASE - 1).
    with django_assert_num_queries(9):
        response = client.get("/certificates/office/2031/")
    assert response.status_code == 200
    assert response.content.decode().count("SPM-2031-") == count


@pytest.mark.parametrize("count", [1, 5])
def test_certificate_list_api_query_count(marathon, office, count, django_assert_num_queries):
    _many_certificates(marathon, office, count)
    client = client_for(office)
    with django_assert_num_queries(3):  # the session comes from the cache
        response = client.get("/api/v1/certificates/")
    assert response.json()["count"] == count


def test_office_pages_forbidden_to_others(marathon, professor):
    client = client_for(professor)
    assert client.get("/certificates/office/").status_code == 403
    assert client.post("/certificates/office/2031/runs/").status_code == 403
    assert client.post("/api/v1/certificates/runs/", {"edition": 2031}).status_code == 403
    assert IssueRun.objects.count() == 0


def test_office_issues_one_and_revokes_via_pages(marathon, office):
    client = client_for(office)
    response = client.post("/certificates/office/2031/issue/", {"person": marathon["student"].pk})
    certificate = Certificate.objects.get(person=marathon["student"])
    assert response.status_code == 302 and response["Location"] == f"/certificates/{certificate.pk}/"
    response = client.post(f"/certificates/{certificate.pk}/revoke/", {"reason": "Duplicate"}, follow=True)
    assert "The certificate was revoked." in response.content.decode()
    assert Certificate.objects.get(pk=certificate.pk).status == "revoked"


def test_issue_api_conflict_and_bad_input(marathon, office):
    client = client_for(office)
    assert client.post("/api/v1/certificates/issue/", {"edition": 2031, "person": marathon["student"].pk}
                       ).status_code == 201
    response = client.post("/api/v1/certificates/issue/", {"edition": 2031, "person": marathon["student"].pk})
    assert response.status_code == 409 and "already has a certificate" in response.json()["detail"]
    response = client.post("/api/v1/certificates/issue/", {"edition": "x"})
    assert response.status_code == 400 and set(response.json()["errors"]) == {"edition", "person"}


def test_revoke_api_needs_reason(marathon, office):
    certificate = issue(marathon, office)
    response = client_for(office).post(f"/api/v1/certificates/{certificate.pk}/revoke/", {"reason": ""})
    assert response.status_code == 400 and "reason" in response.json()["errors"]


def test_start_run_page_shows_progress(marathon, office, django_capture_on_commit_callbacks):
    client = client_for(office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/certificates/office/2031/runs/")
    run = IssueRun.objects.get()
    assert response["Location"] == f"/certificates/runs/{run.pk}/"
    body = client.get(f"/certificates/runs/{run.pk}/status/").content.decode()
    assert 'data-status="done"' in body and "5 of 5 people processed, 5 certificates issued" in body


def test_check_pdf_upload_valid_and_forged(client, marathon, office):
    certificate = issue(marathon, office)
    content = services.pdf_bytes(certificate)
    response = client.post("/verify/", {"file": SimpleUploadedFile("c.pdf", content, "application/pdf")})
    assert 'data-status="valid"' in response.content.decode()
    forged = content.replace(b"certificate.json", b"certificate.jsox")
    response = client.post("/verify/", {"file": SimpleUploadedFile("c.pdf", forged, "application/pdf")})
    assert 'data-status="invalid"' in response.content.decode()
    response = client.post("/verify/", {"file": SimpleUploadedFile("c.txt", b"hello", "text/plain")})
    assert response.status_code == 400


def test_portfolio_private_then_public(client, marathon, office):
    issue(marathon, office)
    student = marathon["student"]
    owner = client_for(student)
    body = owner.get("/portfolio/").content.decode()
    assert "Hydrogen storage in porous metals" in body and "SPM-2031-00001" in body
    slug = services.portfolio_of(student).slug
    assert client.get(f"/portfolio/p/{slug}/").status_code == 404
    owner.post("/portfolio/visibility/", {"public": "1"})
    body = client.get(f"/portfolio/p/{slug}/").content.decode()
    assert "Anna Müller" in body and student.email not in body
    resume = client.get(f"/portfolio/p/{slug}/resume.json").json()
    assert resume["basics"]["name"] == "Anna Müller"
    assert resume["projects"][0]["name"] == "Hydrogen storage in porous metals"
    assert resume["certificates"][0]["name"] == "SPM-2031-00001"
    assert "email" not in resume["basics"]
    pdf = client.get(f"/portfolio/p/{slug}/portfolio.pdf")
    from pypdf import PdfReader
    text = " ".join(PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text().split())
    assert "Hydrogen storage in porous metals" in text


def test_home_card_for_holder(marathon, office):
    issue(marathon, office)
    body = client_for(marathon["student"]).get(reverse("home")).content.decode()
    assert 'id="card-certificates-mine"' in body


@pytest.mark.parametrize("count", [1, 5])
def test_my_certificates_page_query_count(marathon, office, count, django_assert_num_queries):
    from certificates.models import CertificateSettings
    from tests.certificates.conftest import past_edition, publish

    student = marathon["student"]
    issue(marathon, office)
    for year in range(2040, 2040 + count - 1):  # one certificate per edition
        edition = past_edition(year)
        team = factories.approved_project_with_team(edition=edition).team
        factories.MembershipFactory(team=team, user=student)
        publish(edition, [team])
        CertificateSettings.objects.get_or_create(edition=edition)
        services.issue_certificate(person=student, edition=edition, actor=office)
    client = client_for(student)
    client.get("/certificates/")
    with django_assert_num_queries(3):  # the session and the user come from the cache
        response = client.get("/certificates/")
    assert response.content.decode().count('id="download-') == count
