"""The grant summary as CSV (per university pair) and XLSX (summary and individual grants)."""

import csv
from io import BytesIO

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook

from marathon.money import spreadsheet_format

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


def grant_rows(grants) -> list[list]:
    rows = [[_("Participant"), _("Kind"), _("Home university"), _("Host university"),
             _("Planned start"), _("Planned end"), _("Status"), _("Grant reference"),
             _("Distance (km)"), _("Distance band"), _("Travel support"),
             _("Individual support per day"), _("Funded days"), _("Individual support"),
             _("Grant total"), _("Currency")]]
    rows += [[m.participant.full_name, m.get_kind_display(), m.home_university.short_name,
              m.host_university.short_name, m.planned_start, m.planned_end,
              m.get_status_display(), m.grant_reference, m.distance_km, m.distance_band,
              float(m.grant_travel_amount), float(m.grant_daily_rate), m.grant_days,
              float(m.grant_individual_amount), float(m.grant_total), m.grant_currency]
             for m in grants]
    return rows


def grants_csv(summary: dict) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(summary, "csv")}"'
    writer = csv.writer(response)
    for row in summary_rows(summary):
        writer.writerow(row)
    return response


def grants_xlsx(summary: dict, grants) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_("Summary"))
    for row in summary_rows(summary):
        sheet.append([float(v) if i == 3 and _is_number(v) else v
                      for i, v in enumerate(row)])
    detail = workbook.create_sheet(str(_("Grants")))
    for row in grant_rows(grants):
        detail.append(row)
    _format_amounts(sheet, columns=["D"])
    _format_amounts(detail, columns=["K", "L", "N", "O"])
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(summary, "xlsx")}"'
    return response


def _format_amounts(sheet, *, columns: list[str]) -> None:
    """Amounts stay numbers (sums work) and show as EUR in the reader's own separators."""
    for column in columns:
        for cell in sheet[column][1:]:
            if isinstance(cell.value, int | float):
                cell.number_format = spreadsheet_format("EUR")


def _is_number(value) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True
