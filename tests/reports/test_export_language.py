"""A statistics export is written in the language of the person who asked for it, whatever
language the worker runs in."""

import pytest
from django.utils import translation
from openpyxl import load_workbook

from reports import services
from reports.tasks import generate_export
from tests.factories import UserFactory
from tests.reports.conftest import add_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(world):
    world.energy.name_de, world.energy.name_es = "Energietechnik", "Energía"
    world.energy.save()
    add_project(world, students=[world.graz, world.madrid], area=world.energy)
    return world


def test_export_job_stores_the_requesters_language(data):
    office = UserFactory(is_staff=True, preferred_language="es")
    job = services.start_export(actor=office, year_from=2018, year_to=2020, format="xlsx")
    assert job.language == "es"
    assert services.start_export(actor=office, year_from=2018, year_to=2020, format="csv",
                                 language="de").language == "de"


def test_xlsx_export_is_written_in_the_requesters_language(data, settings):
    office = UserFactory(is_staff=True, preferred_language="de")
    job = services.start_export(actor=office, year_from=2018, year_to=2020, format="xlsx")
    with translation.override("en"):  # the worker's own language does not matter
        assert generate_export(job.pk) == "done"
    job.refresh_from_db()
    workbook = load_workbook(settings.EXPORT_ROOT / job.file_name)
    assert workbook.sheetnames == ["Zusammenfassung", "Nach Jahr", "Nach Universität", "Nach Land",
                                   "Nach Fachgebiet", "Nach Studienstufe"]
    summary = workbook["Zusammenfassung"]
    assert [c.value for c in summary[2]] == ["Kennzahl", "Wert", "Definition"]
    assert summary["A3"].value == "Partneruniversitäten"
    areas = [row[0] for row in workbook["Nach Fachgebiet"].iter_rows(min_row=2, values_only=True)]
    assert areas == ["Energietechnik"]


def test_export_page_starts_the_job_in_the_users_language(data, login):
    office = UserFactory(is_staff=True, preferred_language="es")
    login(office).post("/reports/exports/", {"from": 2018, "to": 2020, "format": "pdf"})
    from reports.models import ExportJob
    assert list(ExportJob.objects.values_list("owner", "language")) == [(office.pk, "es")]
