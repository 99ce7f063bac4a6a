"""Safe spreadsheet cells and download headers, shared by every Excel export.

Citizens write the text of a case; a cell that begins with `=`, `+`, `-`, `@`, a tab or a
carriage return could be read by a spreadsheet as a formula (CSV/formula injection), so such
text is always stored as a string cell with Excel's quote prefix.
"""

import datetime
from urllib.parse import quote

from django.utils import timezone
from django.utils.functional import Promise
from openpyxl.cell import WriteOnlyCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def excel_value(value):
    """A value openpyxl stores as a real number, date or text: aware times in local time."""
    if isinstance(value, Promise):  # a lazily translated label
        return str(value)
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    return value


def cell(sheet, value, *, bold_font=None):
    """A write-only cell: dates formatted as dates, text never taken for a formula."""
    value = excel_value(value)
    result = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        result.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            result.quotePrefix = True
    elif isinstance(value, datetime.datetime):
        result.number_format = DATETIME_FORMAT
    elif isinstance(value, datetime.date):
        result.number_format = DATE_FORMAT
    if bold_font is not None:
        result.font = bold_font
    return result


def make_text_safe(sheet_cell) -> None:
    """For the normal (not write-only) mode: keep text that looks like a formula as text."""
    value = sheet_cell.value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        sheet_cell.data_type = "s"
        sheet_cell.quotePrefix = True


def attachment(filename: str) -> str:
    """A Content-Disposition for a download named in Chinese (RFC 6266 / 5987)."""
    ascii_name = filename.encode("ascii", "ignore").decode() or "download"
    ascii_name = ascii_name.replace('"', "").replace("\\", "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def sheet_title(title: str, taken: set[str]) -> str:
    """A worksheet name Excel accepts (≤ 31 characters, none of []:*?/\\), unique in the book."""
    clean = "".join(" " if ch in "[]:*?/\\" else ch for ch in str(title)).strip()[:31] or "Sheet"
    name, n = clean, 2
    while name in taken:
        suffix = f"({n})"
        name, n = clean[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name
