"""The grant summary XLSX, cell by cell (values, number formats, sheets, translated headers and
labels): pinned so that making the export faster (issue 18) cannot change what it contains."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from mobility.models import MobilityKind, MobilityStatus
from tests.factories import EditionFactory, UserFactory

from .factories import MobilityFactory

pytestmark = pytest.mark.django_db
EUR = '#,##0.00 "€"'
DAY = "yyyy-mm-dd"

GRANTS = [  # participant, kind, host, status, start, end, reference, km, band, amounts, days
    ("Olga Orlova", MobilityKind.STUDENT_RESEARCH, "graz", MobilityStatus.COMPLETED, date(2019, 3, 1),
     date(2019, 3, 30), "ERA-2019-000001", 1738, "500–1999 km", ("275.00", "22.00", "32", "704.00")),
    ("Pavel Popov", MobilityKind.STAFF_TEACHING, "cadiz", MobilityStatus.APPROVED, date(2019, 4, 8),
     date(2019, 4, 12), "ERA-2019-000002", 3769, "3000–3999 km", ("530.00", "100.00", "7", "700.00")),
    ("Anna Antonova", MobilityKind.STUDENT_STUDY, "graz", MobilityStatus.IN_PROGRESS, date(2019, 5, 2),
     date(2019, 6, 30), "ERA-2019-000003", 1738, "500–1999 km", ("320.00", "19.50", "63", "1228.50")),
]


def export_fixture(spbpu, graz, cadiz):
    edition = EditionFactory(year=2019)
    hosts = {"graz": graz, "cadiz": cadiz}
    for name, kind, host, status, start, end, reference, km, band, amounts, in GRANTS:
        travel, daily, days, individual = amounts
        MobilityFactory(
            participant=UserFactory(university=spbpu, full_name=name), kind=kind,
            home_university=spbpu, host_university=hosts[host], edition=edition, status=status,
            planned_start=start, planned_end=end, grant_reference=reference, distance_km=km,
            distance_band=band, grant_travel_amount=travel, grant_daily_rate=daily, grant_days=int(days),
            grant_individual_amount=individual,
            grant_total=str(Decimal(travel) + Decimal(individual)), grant_currency="EUR")
    MobilityFactory(home_university=spbpu, host_university=graz, edition=edition,  # not a grant
                    status=MobilityStatus.REJECTED, grant_total="999.00",
                    participant=UserFactory(university=spbpu, full_name="Rita Rejected"))
    return edition


def cells(workbook) -> dict:
    """Every sheet's rows as (value, number format) pairs, formats only where not General."""
    return {sheet.title: [[(c.value, c.number_format) if c.number_format != "General" else c.value
                           for c in row] for row in sheet.iter_rows()]
            for sheet in workbook.worksheets}


def download(client, edition):
    response = client.get("/mobility/grants/export.xlsx", {"edition": edition.pk})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="erasmus-grants-2019.xlsx"'
    return load_workbook(io.BytesIO(response.content))


def test_grant_export_xlsx_content_cell_by_cell(login, coordinator, spbpu, graz, cadiz):
    edition = export_fixture(spbpu, graz, cadiz)
    workbook = download(login(coordinator), edition)
    assert workbook.sheetnames == ["Summary", "Grants"]
    assert cells(workbook) == EXPECTED_EN


def test_grant_export_xlsx_in_the_readers_language(login, coordinator, spbpu, graz, cadiz):
    coordinator.preferred_language = "de"
    coordinator.save(update_fields=["preferred_language"])
    edition = export_fixture(spbpu, graz, cadiz)
    workbook = download(login(coordinator), edition)
    assert workbook.sheetnames == ["Zusammenfassung", "Förderungen"]
    assert cells(workbook) == EXPECTED_DE


ANNA = ("Anna Antonova", datetime(2019, 5, 2), datetime(2019, 6, 30), "ERA-2019-000003", 1738,
        "500–1999 km", 320, 19.5, 63, 1228.5, 1548.5)
PAVEL = ("Pavel Popov", datetime(2019, 4, 8), datetime(2019, 4, 12), "ERA-2019-000002", 3769,
         "3000–3999 km", 530, 100, 7, 700, 1230)
OLGA = ("Olga Orlova", datetime(2019, 3, 1), datetime(2019, 3, 30), "ERA-2019-000001", 1738,
        "500–1999 km", 275, 22, 32, 704, 979)


def grant_row(person, kind, status, host) -> list:
    name, start, end, reference, km, band, travel, daily, days, individual, total = person
    return [name, kind, "SPbPU", host, (start, DAY), (end, DAY), status, reference, km, band, (travel, EUR),
            (daily, EUR), days, (individual, EUR), (total, EUR), "EUR"]


EXPECTED_EN = {
    "Summary": [
        ["Home university", "Host university", "ERASMUS+ grants", "Total amount", "Currency"],
        ["SPbPU", "TU Graz", 2, (2527.5, EUR), "EUR"],
        ["SPbPU", "UCA", 1, (1230, EUR), "EUR"],
        ["Total", None, 3, (3757.5, EUR), None],
    ],
    "Grants": [
        ["Participant", "Kind", "Home university", "Host university", "Planned start", "Planned end",
         "Status", "Grant reference", "Distance (km)", "Distance band", "Travel support",
         "Individual support per day", "Funded days", "Individual support", "Grant total", "Currency"],
        grant_row(ANNA, "Student study / collaborative learning", "In progress", "TU Graz"),
        grant_row(PAVEL, "Staff teaching (visiting professor)", "Approved", "UCA"),
        grant_row(OLGA, "Student research in a partner laboratory", "Completed", "TU Graz"),
    ],
}
EXPECTED_DE = {
    "Zusammenfassung": [
        ["Heimatuniversität", "Gastuniversität", "ERASMUS+-Förderungen", "Gesamtbetrag", "Währung"],
        ["SPbPU", "TU Graz", 2, (2527.5, EUR), "EUR"],
        ["SPbPU", "UCA", 1, (1230, EUR), "EUR"],
        ["Gesamt", None, 3, (3757.5, EUR), None],
    ],
    "Förderungen": [
        ["Teilnehmer/in", "Art", "Heimatuniversität", "Gastuniversität", "Geplanter Beginn", "Geplantes Ende",
         "Status", "Förderkennzeichen", "Entfernung (km)", "Entfernungsband", "Reisekostenzuschuss",
         "Individuelle Unterstützung pro Tag", "Geförderte Tage", "Individuelle Unterstützung", "Fördersumme",
         "Währung"],
        grant_row(ANNA, "Studium / kollaboratives Lernen (Studierende)", "Laufend", "TU Graz"),
        grant_row(PAVEL, "Lehre (Gastprofessur)", "Genehmigt", "UCA"),
        grant_row(OLGA, "Forschung in einem Partnerlabor (Studierende)", "Abgeschlossen", "TU Graz"),
    ],
}
