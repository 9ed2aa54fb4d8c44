import time
from unittest import mock

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from marathon.models import AuditEntry
from tests.factories import PASSWORD, EditionFactory, ScientificAreaFactory, UniversityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_token_for_valid_credentials(api, student):
    response = api.post("/api/v1/auth/token/", {"email": student.email, "password": PASSWORD},
                        format="json")
    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=student).key}


def test_token_refused_for_wrong_password(api, student):
    response = api.post("/api/v1/auth/token/", {"email": student.email, "password": "nope"},
                        format="json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Unable to log in with the given e-mail and password.",
        "errors": {"non_field_errors": ["Unable to log in with the given e-mail and password."]},
    }
    assert Token.objects.count() == 0


def test_token_missing_fields_lists_each_field(api):
    response = api.post("/api/v1/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"email", "password"}


def test_token_authenticates_requests(api, student):
    token = Token.objects.create(user=student)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["email"] == student.email


def test_me_requires_authentication_with_error_shape(api):
    response = api.get("/api/v1/me/")
    assert response.status_code in (401, 403)
    assert response.json() == {"detail": "Authentication credentials were not provided.", "errors": {}}


def test_me_patch_updates_and_audits(api, student):
    api.force_authenticate(student)
    response = api.patch("/api/v1/me/", {"skills": "Python, FEM", "status": "master"}, format="json")
    assert response.status_code == 200
    assert (response.json()["skills"], response.json()["status"]) == ("Python, FEM", "master")
    student.refresh_from_db()
    assert student.skills == "Python, FEM"
    assert AuditEntry.objects.get(action="profile.updated").changes["skills"] == ["", "Python, FEM"]


def test_me_patch_bad_input_is_400_and_writes_nothing(api, student):
    api.force_authenticate(student)
    response = api.patch("/api/v1/me/", {"orcid": "123", "status": "wizard"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert set(body["errors"]) == {"orcid", "status"}
    assert body["detail"] == 'status: "wizard" is not a valid choice.'
    student.refresh_from_db()
    assert (student.orcid, student.status) == ("", "bachelor")
    assert AuditEntry.objects.count() == 0


def test_me_cannot_change_email_or_staff_flag(api, student):
    api.force_authenticate(student)
    api.patch("/api/v1/me/", {"email": "x@evil.example", "is_staff": True}, format="json")
    student.refresh_from_db()
    assert (student.email.endswith("@example.org"), student.is_staff) == (True, False)


def test_unknown_object_is_404_with_error_shape(api):
    response = api.get("/api/v1/universities/999999/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": {}}


def test_universities_list_paginated(api):
    UniversityFactory.create_batch(3)
    body = api.get("/api/v1/universities/").json()
    assert body["count"] == 3
    assert len(body["results"]) == 3


@pytest.mark.parametrize("url, factory", [
    ("/api/v1/universities/", UniversityFactory),
    ("/api/v1/areas/", ScientificAreaFactory),
    ("/api/v1/editions/", EditionFactory),
])
@pytest.mark.parametrize("rows", [1, 5])
def test_reference_lists_have_constant_query_count(api, django_assert_num_queries, url, factory,
                                                   rows):
    factory.create_batch(rows)
    with django_assert_num_queries(2):  # count + page
        response = api.get(url)
    assert response.json()["count"] == rows


def test_schema_and_docs_served_offline(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/auth/token/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"https://" not in docs.content.replace(b"https://github.com", b"")


# --- API tokens and two-factor authentication ---------------------------------------------------
def _current_totp_code(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_token_requires_totp_code_when_two_factor_is_on(api, student):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(student, secret)
    credentials = {"email": student.email, "password": PASSWORD}

    missing = api.post("/api/v1/auth/token/", credentials, format="json")
    assert missing.status_code == 400
    assert missing.json()["errors"] == {"otp": ["Enter the code of your authenticator app."]}
    wrong = api.post("/api/v1/auth/token/", {**credentials, "otp": "12345x"}, format="json")
    assert wrong.status_code == 400
    assert wrong.json()["errors"] == {"otp": ["This code is not valid or was already used."]}
    assert not Token.objects.filter(user=student).exists()

    good = api.post("/api/v1/auth/token/", {**credentials, "otp": _current_totp_code(secret)}, format="json")
    assert good.status_code == 200
    assert good.json() == {"token": Token.objects.get(user=student).key}


def test_staff_without_two_factor_get_no_token_when_it_is_required(api, office, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    response = api.post("/api/v1/auth/token/", {"email": office.email, "password": PASSWORD}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "otp": ["Staff accounts need two-factor authentication: set it up in the portal first."]}
    assert not Token.objects.filter(user=office).exists()


def test_schema_generated_once_per_language_and_format(client):
    from drf_spectacular.generators import SchemaGenerator

    from marathon.schema_view import SchemaView

    SchemaView._rendered.clear()
    with mock.patch.object(SchemaGenerator, "get_schema", autospec=True,
                           side_effect=SchemaGenerator.get_schema) as generate:
        first = client.get("/api/schema/", {"format": "json"})
        again = client.get("/api/schema/", {"format": "json"})
        assert generate.call_count == 1
        assert again.content == first.content and again["Content-Type"] == first["Content-Type"]
        assert b"/api/v1/auth/token/" in again.content
        yaml = client.get("/api/schema/")
        german = client.get("/api/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE="de")
        assert generate.call_count == 3
    assert yaml.content.startswith(b"openapi:") and german.json()["paths"].keys() == first.json()["paths"].keys()
    assert 'filename="Project Marathon API.json"' in again["Content-Disposition"]
