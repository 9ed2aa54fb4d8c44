"""The portal in the partners' languages: the switcher and the profile language, e-mails in the
recipient's language, translated reference data in pages, admin and API, and dates, numbers and
money written the way each language writes them."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.template import Context, Template
from django.utils import formats, translation
from rest_framework.test import APIClient

from marathon.models import AuditEntry, ScientificArea
from marathon.money import format_amount, format_money
from projects.models import ProjectStatus
from projects.services import approve_project
from tests.factories import EditionFactory, ProjectFactory, ScientificAreaFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas():
    linguistics = ScientificAreaFactory(name="Linguistics", name_de="Linguistik", name_es="Lingüística",
                                        name_ru="Лингвистика", slug="linguistics")
    energy = ScientificAreaFactory(name="Energy", slug="energy")  # English only
    return linguistics, energy


# --- the switcher and the profile language -------------------------------------------------
def test_switcher_offers_the_four_languages(client):
    html = client.get("/").content.decode()
    for code, name in [("en", "English"), ("de", "Deutsch"), ("es", "Español"), ("ru", "Русский")]:
        assert (f'<button type="submit" name="language" value="{code}"' in html, name in html) == (True, True)


def test_switching_stores_the_language_on_the_profile(login, student):
    client = login(student)
    response = client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    assert (response.status_code, response["Location"]) == (302, "/")
    student.refresh_from_db()
    assert student.preferred_language == "de"
    entry = AuditEntry.objects.get(action="profile.language_changed")
    assert (entry.actor, entry.changes) == (student, {"preferred_language": ["en", "de"]})
    assert "Abmelden" in client.get("/").content.decode()


def test_switching_anonymously_sets_only_the_cookie(client):
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    assert response.cookies["django_language"].value == "es"
    assert "Iniciar sesión" in client.get("/").content.decode()


def test_switching_to_an_unknown_language_changes_nothing(login, student):
    login(student).post("/i18n/setlang/", {"language": "xx", "next": "/"})
    student.refresh_from_db()
    assert student.preferred_language == "en"


def test_logged_in_pages_speak_the_profile_language_on_any_device(login, student):
    student.preferred_language = "es"
    student.save()
    response = login(student).get("/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response["Content-Language"] == "es"
    assert "Cerrar sesión" in response.content.decode()


def test_profile_form_saves_the_language(login, student):
    client = login(student)
    response = client.post("/profile/", {
        "full_name": student.full_name, "university": student.university_id, "country": "AT",
        "status": "bachelor", "orcid": "", "skills": "", "languages": "", "preferred_language": "ru"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "ru"
    student.refresh_from_db()
    assert student.preferred_language == "ru"
    assert "Мой профиль" in client.get("/profile/").content.decode()


# --- e-mails and notifications in the recipient's language ---------------------------------
@pytest.mark.parametrize(("language", "subject"), [
    ("de", "[Project Marathon] Ihr Projekt „Solar“ wurde genehmigt"),
    ("es", "[Project Marathon] Su proyecto «Solar» ha sido aprobado"),
])
def test_notification_email_is_in_the_recipients_language(office, language, subject,
                                                          django_capture_on_commit_callbacks):
    proposer = UserFactory(status="professor", preferred_language=language)
    project = ProjectFactory(title="Solar", proposer=proposer, status=ProjectStatus.SUBMITTED)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        approve_project(project=project, actor=office)  # the office works in English
    assert [m.subject for m in mail.outbox] == [subject]
    assert proposer.notifications.get().subject == subject.removeprefix("[Project Marathon] ")


# --- translated reference data ---------------------------------------------------------------
def test_reference_data_falls_back_to_english(areas):
    with translation.override("de"):
        assert [a.name for a in ScientificArea.objects.order_by("slug")] == ["Energy", "Linguistik"]


def test_existing_values_became_the_english_ones():
    """Rows written before the translation fields existed keep their text as English."""
    from django.db import connection

    area = ScientificAreaFactory(name="Materials science")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE marathon_scientificarea SET name_en = NULL WHERE id = %s", [area.pk])
    from importlib import import_module

    from django.db.migrations.loader import MigrationLoader

    # As in a real migration: historical models, whose managers do not rewrite `name` to the
    # active language's column (modeltranslation's managers would).
    historical = MigrationLoader(connection).project_state(("marathon", "0002_translations")).apps
    migration = import_module("marathon.migrations.0002_translations")
    migration.copy_existing_values_to_english(historical, None)
    assert ScientificArea.objects.values_list("name_en", flat=True).get(pk=area.pk) == "Materials science"


def test_api_lang_parameter_returns_german_area_names(areas):
    body = APIClient().get("/api/v1/areas/", {"lang": "de"}).json()
    assert [a["name"] for a in body["results"]] == ["Energy", "Linguistik"]


def test_api_accept_language_returns_spanish_area_names(areas):
    response = APIClient().get("/api/v1/areas/", HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9")
    assert [a["name"] for a in response.json()["results"]] == ["Energy", "Lingüística"]
    assert response["Content-Language"] == "es"


def test_api_lang_parameter_wins_over_accept_language(areas):
    response = APIClient().get("/api/v1/areas/?lang=ru", HTTP_ACCEPT_LANGUAGE="de")
    assert [a["name"] for a in response.json()["results"]] == ["Energy", "Лингвистика"]


def test_api_errors_are_in_the_callers_language():
    response = APIClient().get("/api/v1/me/?lang=de")
    assert response.status_code == 403
    assert response.json()["detail"] == "Anmeldedaten fehlen."


def test_schema_documents_the_language_parameter():
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    parameters = schema["paths"]["/api/v1/areas/"]["get"]["parameters"]
    lang = next(p for p in parameters if p["name"] == "lang")
    assert (lang["in"], lang["schema"]["enum"]) == ("query", ["en", "de", "es", "ru"])
    assert any(p["name"] == "Accept-Language" and p["in"] == "header" for p in parameters)


def test_catalogue_filter_lists_areas_in_the_readers_language(client, areas):
    EditionFactory()
    assert ">Linguistics</option>" in client.get("/projects/").content.decode()  # cached in English
    assert ">Linguistik</option>" in client.get("/projects/?lang=de").content.decode()


def test_admin_edits_each_language(login, office):
    office.is_superuser = True
    office.save()
    html = login(office).get("/admin/marathon/scientificarea/add/").content.decode()
    for field in ("name_en", "name_de", "name_es", "name_ru"):
        assert f'name="{field}"' in html


# --- dates, numbers and money ------------------------------------------------------------------
@pytest.mark.parametrize(("language", "expected"), [
    ("de", "1. Juni 2027"), ("es", "1 de junio de 2027")])
def test_dates_are_written_the_languages_way(language, expected):
    with translation.override(language):
        assert formats.date_format(date(2027, 6, 1)) == expected


@pytest.mark.parametrize(("language", "money", "amount"), [
    ("en", "€1,234.50", "1,234.50"),
    ("de", "1.234,50\xa0€", "1.234,50"),
    ("es", "1.234,50\xa0€", "1.234,50"),
    ("ru", "1\xa0234,50\xa0€", "1\xa0234,50"),
])
def test_money_is_written_the_languages_way(language, money, amount):
    with translation.override(language):
        assert format_money(Decimal("1234.5"), "EUR") == money
        assert format_amount("1234.5") == amount
        assert Template("{% load money %}{{ x|currency:'EUR' }}").render(Context({"x": Decimal("1234.5")})) == money
    with translation.override("de"):
        assert format_money(None) == ""


def test_number_formats_group_thousands_for_german_and_spanish():
    for language in ("de", "es"):
        with translation.override(language):
            assert formats.number_format(Decimal("1234.5"), 2, force_grouping=True) == "1.234,50"
