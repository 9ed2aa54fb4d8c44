"""The measurements table of a journal entry: typed in the page as CSV text or uploaded as CSV or
XLSX; stored as `{"columns": [...], "rows": [[...], ...]}`. The first column labels the row (a
sample, a time point) and may hold any text; every other cell is a number or empty. A cell that
does not parse is reported with its row and column, and nothing is stored."""

import csv
import io
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_ROWS = 2000
MAX_COLUMNS = 30
MAX_BYTES = 2 * 1024 * 1024
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _error(message: str) -> ValidationError:
    return ValidationError({"measurements": [message]})


def _number(text: str, row: int, column: str):
    value = text.strip().replace("\u00a0", "").replace(" ", "")
    if value == "":
        return None
    if value.count(",") == 1 and "." not in value:
        value = value.replace(",", ".")  # a decimal comma, as German and Russian tables write it
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise _error(_("Row %(row)d, column “%(column)s”: “%(value)s” is not a number.")
                     % {"row": row, "column": column, "value": text.strip()[:40]})
    return int(number) if number == number.to_integral_value() and "." not in value and "e" not in value.lower() \
        else float(number)


def table_from_rows(rows: list[list]) -> dict:
    """Check and convert rows (the first is the header) into the stored table."""
    rows = [row for row in rows if any(str(cell if cell is not None else "").strip() for cell in row)]
    if not rows:
        return {}
    header = [str(cell if cell is not None else "").strip() for cell in rows[0]]
    while header and not header[-1]:
        header.pop()
    if len(header) < 2:
        raise _error(_("The first row must name at least two columns."))
    if len(header) > MAX_COLUMNS:
        raise _error(_("At most %(count)d columns are allowed.") % {"count": MAX_COLUMNS})
    if any(not name for name in header):
        raise _error(_("Row 1: every column needs a name."))
    if len(rows) - 1 > MAX_ROWS:
        raise _error(_("At most %(count)d rows are allowed.") % {"count": MAX_ROWS})
    data = []
    for number, row in enumerate(rows[1:], start=2):
        cells = ["" if cell is None else str(cell) for cell in row]
        extra = [cell for cell in cells[len(header):] if cell.strip()]
        if extra:
            raise _error(_("Row %(row)d has more cells than the header has columns.") % {"row": number})
        cells = (cells + [""] * len(header))[:len(header)]
        data.append([cells[0].strip()] + [_number(cell, number, header[i + 1])
                                          for i, cell in enumerate(cells[1:])])
    if not data:
        raise _error(_("The table has a header but no rows."))
    return {"columns": header, "rows": data}


def parse_text(text: str) -> dict:
    text = (text or "").strip()
    if not text:
        return {}
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return table_from_rows(list(csv.reader(io.StringIO(text), dialect)))


def parse_upload(upload) -> dict:
    """A CSV (UTF-8) or XLSX file; type and size are checked before anything is read."""
    if upload.size == 0:
        raise _error(_("The file is empty."))
    if upload.size > MAX_BYTES:
        raise _error(_("The measurements file is too large; the limit is 2 MB."))
    head = upload.read(4)
    upload.seek(0)
    if head.startswith(b"PK"):
        return _parse_xlsx(upload)
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _error(_("Upload a CSV file in UTF-8 or an Excel (XLSX) file.")) from None
    if "\x00" in text:
        raise _error(_("Upload a CSV file in UTF-8 or an Excel (XLSX) file."))
    return parse_text(text)


def _parse_xlsx(upload) -> dict:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(upload, read_only=True, data_only=True).worksheets[0]
        rows = [list(row) for _i, row in zip(range(MAX_ROWS + 2), sheet.iter_rows(values_only=True), strict=False)]
    except Exception:  # not a workbook: zip of something else, broken file
        raise _error(_("Upload a CSV file in UTF-8 or an Excel (XLSX) file.")) from None
    return table_from_rows(rows)


def as_csv(table: dict) -> str:
    if not table:
        return ""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table["columns"])
    writer.writerows([["" if cell is None else cell for cell in row] for row in table["rows"]])
    return buffer.getvalue()
