"""The grant summary as CSV (per university pair) and XLSX (summary and individual grants)."""

import csv
from collections.abc import Iterator
from io import BytesIO

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _

from marathon.money import spreadsheet_format

from .models import MobilityKind, MobilityStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filename(summary: dict, ext: str) -> str:
    edition = summary["edition"]
    return f"erasmus-grants-{edition.year if edition else 'all'}.{ext}"


def summary_rows(summary: dict) -> list[list]:
    rows = [[_("Home university"), _("Host university"), _("ERASMUS+ grants"), _("Total amount"),
             _("Currency")]]
    rows += [[p["home"], p["host"], p["count"], f'{p["total"]:.2f}', p["currency"]]
             for p in summary["pairs"]]
    rows.append([_("Total"), "", summary["count"], f'{summary["total"]:.2f}', ""])
    return rows


GRANT_COLUMNS = ("participant__full_name", "kind", "home_university__short_name",
                 "host_university__short_name", "planned_start", "planned_end", "status",
                 "grant_reference", "distance_km", "distance_band", "grant_travel_amount",
                 "grant_daily_rate", "grant_days", "grant_individual_amount", "grant_total",
                 "grant_currency")
KIND, STATUS = GRANT_COLUMNS.index("kind"), GRANT_COLUMNS.index("status")
DETAIL_AMOUNTS = tuple(GRANT_COLUMNS.index(name) for name in (
    "grant_travel_amount", "grant_daily_rate", "grant_individual_amount", "grant_total"))
SUMMARY_AMOUNTS = (3,)


def grant_rows(grants: QuerySet) -> Iterator[list]:
    """The header, then one row per grant of `grants` (a queryset of mobilities), streamed:
    tuples read in chunks and the kind and status labels translated once, not five model
    instances and two translation lookups per row (~5,000 rows at scale 100)."""
    yield [_("Participant"), _("Kind"), _("Home university"), _("Host university"),
           _("Planned start"), _("Planned end"), _("Status"), _("Grant reference"),
           _("Distance (km)"), _("Distance band"), _("Travel support"),
           _("Individual support per day"), _("Funded days"), _("Individual support"),
           _("Grant total"), _("Currency")]
    kinds, statuses = _labels(MobilityKind), _labels(MobilityStatus)
    for values in grants.values_list(*GRANT_COLUMNS).iterator(chunk_size=2000):
        row = list(values)
        row[KIND] = kinds.get(row[KIND], row[KIND])
        row[STATUS] = statuses.get(row[STATUS], row[STATUS])
        for index in DETAIL_AMOUNTS:
            row[index] = float(row[index])
        yield row


def _labels(choices) -> dict:
    """Value -> label in the active language, as `get_<field>_display()` gives it."""
    return {value: str(label) for value, label in choices.choices}


def grants_csv(summary: dict) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(summary, "csv")}"'
    writer = csv.writer(response)
    for row in summary_rows(summary):
        writer.writerow(row)
    return response


def grants_xlsx(summary: dict, grants: QuerySet) -> HttpResponse:
    """Two sheets, written row by row (openpyxl's write-only mode keeps no cell objects)."""
    # openpyxl (~18 MB with lxml and Pillow) is imported by the spreadsheet exports only, not by
    # every web worker at start-up.
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    money = spreadsheet_format("EUR")
    sheet = workbook.create_sheet(str(_("Summary")))
    header, *rows = summary_rows(summary)
    sheet.append(header)
    for row in rows:
        row[3] = float(row[3]) if _is_number(row[3]) else row[3]
        sheet.append(_amounts_formatted(sheet, row, SUMMARY_AMOUNTS, money))
    detail = workbook.create_sheet(str(_("Grants")))
    rows = grant_rows(grants)
    detail.append(next(rows))
    for row in rows:
        detail.append(_amounts_formatted(detail, row, DETAIL_AMOUNTS, money))
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(summary, "xlsx")}"'
    return response


def _amounts_formatted(sheet, row: list, columns: tuple, number_format: str) -> list:
    """Amounts stay numbers (sums work) and show as EUR in the reader's own separators."""
    from openpyxl.cell import WriteOnlyCell  # loaded by grants_xlsx already

    for index in columns:
        if isinstance(row[index], int | float):
            cell = WriteOnlyCell(sheet, value=row[index])
            cell.number_format = number_format
            row[index] = cell
    return row


def _is_number(value) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True
