"""File builders for the statistics: CSV (long format), XLSX (one sheet per breakdown), and a
one-page PDF laid out like the seed's "Results for ..." block. Each reports progress (0-100)."""

import csv
import io
import logging
from collections.abc import Callable
from pathlib import Path

from django.utils.translation import gettext as _
from django_countries import countries

from .definitions import BLOCK_LABELS, DEFINITIONS, FIGURES, LABELS, SHORT_LABELS, column_title
from .statistics import Statistics

Progress = Callable[[int], None]


def _noop(_percent: int) -> None:
    pass


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def breakdowns(stats: Statistics) -> list[tuple[str, str, list[dict]]]:
    """(key, sheet title, rows) for every breakdown, in the order the exports show them."""
    return [
        ("by_year", _("By year"), stats.by_year),
        ("by_university", _("By university"), stats.by_university),
        ("by_country", _("By country"), stats.by_country),
        ("by_area", _("By area"), stats.by_area),
        ("by_degree_level", _("By degree level"), stats.by_degree_level),
    ]


def summary_rows(stats: Statistics) -> list[tuple[str, str, str]]:
    """(label, value, definition) for the summary block."""
    return [
        (str(LABELS["partner_universities"]), ", ".join(stats.partner_universities),
         str(DEFINITIONS["partner_universities"])),
        (str(LABELS["scientific_areas"]), ", ".join(stats.scientific_areas),
         str(DEFINITIONS["scientific_areas"])),
        *((str(LABELS[name]), str(getattr(stats, name)), str(DEFINITIONS[name])) for name in FIGURES),
    ]


def build_csv(stats: Statistics, on_progress: Progress = _noop) -> bytes:
    """One table: section, key, figure, value — the summary first, then every breakdown."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["section", "key", "figure", "value"])
    writer.writerow(["summary", f"{stats.year_from}-{stats.year_to}", "partner_universities",
                     cell("; ".join(stats.partner_universities))])
    writer.writerow(["summary", f"{stats.year_from}-{stats.year_to}", "scientific_areas",
                     cell("; ".join(stats.scientific_areas))])
    for name in FIGURES:
        writer.writerow(["summary", f"{stats.year_from}-{stats.year_to}", name, getattr(stats, name)])
    parts = breakdowns(stats)
    for index, (key, _title, rows) in enumerate(parts, start=1):
        for row in rows:
            label_key = next(iter(row))
            for figure, value in row.items():
                if figure != label_key:
                    writer.writerow([key, cell(row[label_key]), figure, cell(value)])
        on_progress(round(100 * index / len(parts)))
    return buffer.getvalue().encode("utf-8")


def build_xlsx(stats: Statistics, on_progress: Progress = _noop) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Summary")[:31]
    sheet.append([_("Results for %(from)d – %(to)d") % {"from": stats.year_from, "to": stats.year_to}])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("Figure"), _("Value"), _("Definition")])
    for label, value, definition in summary_rows(stats):
        sheet.append([label, int(value) if value.isdigit() else cell(value), definition])
    sheet.column_dimensions["A"].width = 38
    sheet.column_dimensions["B"].width = 60
    parts = breakdowns(stats)
    for index, (_key, title, rows) in enumerate(parts, start=1):
        ws = workbook.create_sheet(title[:31])
        if rows:
            ws.append([column_title(key) for key in rows[0]])
            for heading in ws[1]:
                heading.font = Font(bold=True)
            for row in rows:
                ws.append([cell(value) for value in row.values()])
        on_progress(round(100 * index / len(parts)))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


FONT_PATH = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_BOLD_PATH = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


def _pdf_font(pdf) -> tuple[str, Callable[[str], str]]:
    """DejaVu when installed (any script); otherwise Helvetica with text reduced to Latin-1."""
    if FONT_PATH.exists() and FONT_BOLD_PATH.exists():
        pdf.add_font("DejaVu", "", str(FONT_PATH))
        pdf.add_font("DejaVu", "B", str(FONT_BOLD_PATH))
        return "DejaVu", str
    return "Helvetica", lambda text: text.replace("–", "-").encode("latin-1", "replace").decode("latin-1")


def build_pdf(stats: Statistics, on_progress: Progress = _noop) -> bytes:
    """One A4 page: the heading and bullet list of the seed's results block, then the years."""
    from fpdf import FPDF

    logging.getLogger("fontTools").setLevel(logging.WARNING)  # font subsetting chatter at INFO
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    font, text = _pdf_font(pdf)
    pdf.set_title(text(_("Results for %(from)d – %(to)d") % {"from": stats.year_from, "to": stats.year_to}))
    pdf.set_font(font, "B", 13)
    pdf.cell(0, 8, text(_("International Students Project Marathon")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "B", 16)
    pdf.cell(0, 12, text(_("Results for %(from)d – %(to)d") % {"from": stats.year_from,
                                                                 "to": stats.year_to}),
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "", 11)
    on_progress(30)
    for line in result_lines(stats):
        pdf.multi_cell(0, 7, text(f"- {line}"), new_x="LMARGIN", new_y="NEXT")
    on_progress(60)
    pdf.ln(4)
    pdf.set_font(font, "B", 11)
    pdf.cell(0, 8, text(_("By year")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "B", 7.5)
    headings = [_("Year"), *(str(SHORT_LABELS[name]) for name in FIGURES)]
    widths = [16, *([174 // len(FIGURES)] * len(FIGURES))]
    for heading, width in zip(headings, widths, strict=True):
        pdf.cell(width, 7, text(heading), border=1, align="C")
    pdf.ln()
    pdf.set_font(font, "", 9)
    for row in stats.by_year[:20]:  # one page: at most twenty years
        for key, width in zip(["year", *FIGURES], widths, strict=True):
            pdf.cell(width, 6, str(row[key]), border=1, align="C" if key == "year" else "R")
        pdf.ln()
    on_progress(90)
    pdf.ln(4)
    pdf.set_font(font, "", 7)
    if len(stats.by_year) <= 10:  # room left on the one page
        for name in ("partner_universities", "participants", "projects", *FIGURES[2:]):
            pdf.multi_cell(0, 3.4, text(f"{LABELS[name]}: {DEFINITIONS[name]}"),
                           new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.multi_cell(0, 3.4, text(_("How each figure is counted: see the statistics page.")))
    return bytes(pdf.output())


def result_lines(stats: Statistics) -> list[str]:
    """The seed's bullet lines, with numbers from the data."""
    country_of = {row["university"]: row["country"] for row in stats.by_university}
    partners = [f"{name} ({countries.name(country_of.get(name, '')) or '?'})"
                for name in stats.partner_universities]
    return [
        f"{LABELS['partner_universities']}: {', '.join(partners) or '—'}",
        f"{LABELS['scientific_areas']}: {', '.join(stats.scientific_areas) or '—'}",
        *(f"{getattr(stats, name)} {BLOCK_LABELS[name]}" for name in FIGURES),
    ]


BUILDERS = {"csv": build_csv, "xlsx": build_xlsx, "pdf": build_pdf}
CONTENT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
