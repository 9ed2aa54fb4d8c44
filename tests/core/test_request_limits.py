"""Issue 12.4: request bodies are bounded before they are read; every API error is JSON."""

import json

import pytest
from django.test import Client

from tests.factories import approved_project_with_team

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


class UnreadableBody:
    """A request body that fails the test if anything reads it."""

    def read(self, *args, **kwargs):
        raise AssertionError("the request body was read")

    readline = read


def declared_upload(client, path: str, size: int):
    return client.generic("POST", path, **{"wsgi.input": UnreadableBody(), "CONTENT_LENGTH": str(size),
                                           "CONTENT_TYPE": "multipart/form-data; boundary=xyz"})


def test_api_upload_of_200mb_refused_unread_with_json(login, professor):
    project = approved_project_with_team(proposer=professor)
    response = declared_upload(login(professor), f"/api/v1/projects/{project.pk}/attachments/", 200 * MB)
    assert response.status_code == 413
    assert response.json() == {"detail": "The request is too large (at most 11.0\xa0MB).", "errors": {}}


def test_page_upload_of_200mb_refused_unread(login, professor):
    project = approved_project_with_team(proposer=professor)
    response = declared_upload(login(professor), f"/projects/{project.pk}/attachments/", 200 * MB)
    assert response.status_code == 413
    assert response.content.decode() == "The request is too large (at most 11.0\xa0MB)."


def test_api_json_body_of_30mb_gets_413_json(login, office):
    body = json.dumps({"from": 2020, "to": 2021, "format": "csv", "padding": "x" * (30 * MB)})
    response = login(office).post("/api/v1/exports/", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"detail": "The request is too large (at most 2.5\xa0MB).", "errors": {}}


def test_upload_within_limit_reaches_the_file_check(login, professor, settings):
    settings.UPLOAD_MAX_BYTES = 10
    project = approved_project_with_team(proposer=professor)
    response = login(professor).post(f"/api/v1/projects/{project.pk}/attachments/",
                                     {"file": ("a.pdf", b"%PDF-1.4 " + b"x" * 100), "kind": "other"})
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "errors"}


@pytest.mark.parametrize("method, path, status", [
    ("get", "/api/v1/no-such-endpoint/", 404),
    ("get", "/api/unknown", 404),
    ("delete", "/api/v1/auth/token/", 405),
])
def test_django_errors_under_api_are_json(client, method, path, status):
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail", "errors"}


def test_bad_host_under_api_is_json_400(settings):
    settings.ALLOWED_HOSTS = ["marathon.example"]
    response = Client(HTTP_HOST="evil.example").get("/api/v1/universities/")
    assert response.status_code == 400
    assert response.json() == {"detail": "Bad request.", "errors": {}}


def test_server_error_under_api_is_json(monkeypatch):
    from marathon import api

    def crash(self, request, *args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(api.UniversityViewSet, "list", crash)
    response = Client(raise_request_exception=False).get("/api/v1/universities/")
    assert response.status_code == 500
    assert response.json() == {"detail": "Server error.", "errors": {}}


def test_page_errors_stay_html(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
