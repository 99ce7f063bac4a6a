"""What a dashboard shows, as plain tables: the page renders them, Excel exports the same ones."""

import functools
import io
from dataclasses import dataclass, field
from html import escape
from urllib.parse import urlencode

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString, mark_safe
from openpyxl import Workbook
from openpyxl.styles import Font

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
    """One worksheet per table with the page's exact values (ratios as percent cells)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        sheet = workbook.create_sheet(title=table.key[:31])
        sheet.append([str(table.title)])
        sheet["A1"].font = Font(bold=True)
        sheet.append([str(c) for c in table.columns])
        for row, mark in table.row_marks():
            sheet.append([_excel_value(cell) for cell in row] + ([str(mark)] if mark else []))
            for cell, excel_cell in zip(row, sheet[sheet.max_row], strict=False):
                if cell.kind in EXCEL_FORMATS and cell.value is not None:
                    excel_cell.number_format = EXCEL_FORMATS[cell.kind]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _excel_value(cell: Cell):
    if cell.value is None:
        return None
    return cell.value if cell.kind in EXCEL_FORMATS else str(cell.value)
