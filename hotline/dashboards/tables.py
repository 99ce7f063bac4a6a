"""What a dashboard shows, as plain tables: the page renders them, Excel exports the same ones."""

import datetime
import functools
import io
from dataclasses import dataclass, field
from html import escape
from urllib.parse import urlencode

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString, mark_safe
from openpyxl import Workbook
from openpyxl.styles import Font

from core.spreadsheets import DATE_FORMAT, DATETIME_FORMAT, make_text_safe, sheet_title

CASE_LIST_URL_NAMES = ("cases:list", "cases:case_list", "cases:index")


def case_list_url(params: dict[str, str]) -> str:
    """The workbench's case list filtered with CaseFilterSet parameters."""
    base = _case_list_base(get_script_prefix(), get_urlconf())
    return f"{base}?{urlencode(params, doseq=True)}" if params else base


@functools.lru_cache(maxsize=8)
def _case_list_base(prefix: str, urlconf) -> str:
    """reverse() once per URL configuration: a league table has thousands of links."""
    for name in CASE_LIST_URL_NAMES:
        try:
            return reverse(name, urlconf=urlconf)
        except NoReverseMatch:
            continue
    return "/cases/"


@dataclass
class Cell:
    """One value; `kind` is "int", "pct" (a ratio 0..1), "score", "text" or "date"."""

    value: object
    kind: str = "int"
    url: str = ""
    # A rate's counts, each linked to its cases: (separator before it, count, url).
    parts: list = field(default_factory=list)

    def td(self) -> str:
        """The cell as a <td> (escaped HTML text), its shown value in data-value, linked."""
        shown = escape(self.display)
        css = "" if self.kind in ("text", "date") else ' class="num"'
        content = f'<a href="{escape(self.url)}">{shown}</a>' if self.url else shown
        if self.parts:
            linked = "".join(f'{escape(sep)}<a href="{escape(url)}">{count}</a>'
                             for sep, count, url in self.parts)  # fmt: skip
            content += f' <span class="parts">({linked})</span>'
        return f'<td{css} data-value="{shown}">{content}</td>'

    @property
    def display(self) -> str:
        if self.value is None:
            return "–"
        if self.kind == "pct":
            return f"{self.value * 100:.1f}%"
        if self.kind == "score":
            return f"{self.value:.2f}"
        return str(self.value)


@dataclass
class Table:
    """A titled table; `marks` holds a CSS class per row (league table: top / bottom)."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    marks: list[str] = field(default_factory=list)

    def row_marks(self):
        marks = self.marks or [""] * len(self.rows)
        return list(zip(self.rows, marks, strict=True))

    def body_html(self) -> SafeString:
        """The rows as HTML, built with the stdlib escape (a template loop per cell is slow)."""
        rows = (
            f"<tr{_class(mark)}>{''.join(cell.td() for cell in row)}</tr>"
            for row, mark in self.row_marks()
        )
        return mark_safe("\n".join(rows))


def _class(mark: str) -> str:
    return f' class="{escape(mark)}"' if mark else ""


EXCEL_FORMATS = {"pct": "0.0%", "score": "0.00", "int": "0"}


def export_workbook(tables: list[Table]) -> bytes:
    """One worksheet per table, named by its title, with the page's exact values.

    Ratios are percent cells, dates real dates, and text never a formula (core.spreadsheets).
    """
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    for table in tables:
        sheet = workbook.create_sheet(title=sheet_title(table.title, taken))
        sheet.append([str(table.title)])
        sheet["A1"].font = Font(bold=True)
        sheet.append([str(c) for c in table.columns])
        for row, mark in table.row_marks():
            sheet.append([_excel_value(cell) for cell in row] + ([str(mark)] if mark else []))
            for cell, excel_cell in zip(row, sheet[sheet.max_row], strict=False):
                make_text_safe(excel_cell)
                fmt = _excel_format(cell, excel_cell.value)
                if fmt and excel_cell.value is not None:
                    excel_cell.number_format = fmt
        for excel_cell in (*sheet[1], *sheet[2]):
            make_text_safe(excel_cell)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _excel_value(cell: Cell):
    if cell.value is None:
        return None
    if cell.kind == "date":
        return _as_date(cell.value) if cell.value != "" else None
    return cell.value if cell.kind in EXCEL_FORMATS else str(cell.value)


def _excel_format(cell: Cell, value) -> str | None:
    if isinstance(value, datetime.datetime):
        return DATETIME_FORMAT
    if isinstance(value, datetime.date):
        return DATE_FORMAT
    return EXCEL_FORMATS.get(cell.kind)


def _as_date(value):
    """A "date" cell's shown text ("2026-11-30" or "2026-11-30 14:05") as a real date."""
    if isinstance(value, datetime.date):
        return value
    text = str(value)
    for pattern, as_date in (("%Y-%m-%d %H:%M", False), ("%Y-%m-%d", True)):
        try:
            moment = datetime.datetime.strptime(text, pattern)
        except ValueError:
            continue
        return moment.date() if as_date else moment
    return text
