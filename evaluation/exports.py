"""CSV and XLSX exports of the results table (aggregates only, never individual scores)."""

import csv
import io
from collections.abc import Iterator

from django.utils.translation import gettext as _

from .aggregation import METHODS


def results_rows(results: dict) -> Iterator[list]:
    """The header, then one row per project, made as they are written (not a list of them all)."""
    criteria = results["criteria"]
    header = [_("Rank"), _("Project"), _("Team"), _("Sheets"),
              _("Mean"), _("Median"), _("Normalised"), _("Group-balanced"),
              _("Rank (mean)"), _("Rank (median)"), _("Rank (normalised)"), _("Rank (group-balanced)"),
              _("Rank moves"), _("Min"), _("Max"), _("Spread"), _("Std. dev."), _("Disagreement"),
              *[c["name"] for c in criteria]]
    yield header
    method = results["ranking_method"]
    for row in results["projects"]:
        yield [
            row["ranks"][method], row["title"], row["team_name"], row["sheets"],
            *[row["scores"][m] for m in METHODS], *[row["ranks"][m] for m in METHODS],
            row["rank_moves"], row["min"], row["max"], row["spread"], row["stdev"],
            _("yes") if row["disagreement_flag"] else _("no"),
            *[row["criteria"].get(str(c["id"]), "") for c in criteria],
        ]


def _safe(value):
    # Spreadsheet formula injection: text starting with = + - @ is shown, never evaluated.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def results_csv(results: dict) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in results_rows(results):
        writer.writerow([_safe(v) for v in row])
    return buffer.getvalue()


def results_xlsx(results: dict) -> bytes:
    """Written row by row: openpyxl's write-only mode keeps no cell objects (the normal mode kept
    ~40,000 of them for 1,500 projects)."""
    # openpyxl (~18 MB with lxml and Pillow) is imported by the chair's export only, not by every
    # web worker at start-up.
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_("Results"))[:31])
    for row in results_rows(results):
        sheet.append([_safe(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
