"""Excel export: the workbook read back holds the numbers the page shows, table by table."""

import html
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.hotline.test_dashboard_views import busy_days

TABLE = re.compile(r'<table class="dash" id="table-[^"]*" data-key="([^"]+)">(.*?)</table>', re.S)
ROW = re.compile(r"<tr[^>]*>(.*?)</tr>", re.S)
VALUE = re.compile(r'data-value="([^"]*)"')


def page_tables(content: str) -> dict[str, list[list[str]]]:
    """Each table's rows as the displayed strings, read from the page's HTML."""
    tables = {}
    for key, body in TABLE.findall(content):
        body = body.split("<tbody>", 1)[1]
        rows = [[html.unescape(v) for v in VALUE.findall(row)] for row in ROW.findall(body)]
        tables[key] = [row for row in rows if row]
    return tables


def shown(cell) -> str:
    """A worksheet cell as the page displays it."""
    if cell.value is None:
        return "–"
    if cell.number_format == "0.0%":
        return f"{cell.value * 100:.1f}%"
    if cell.number_format == "0.00":
        return f"{cell.value:.2f}"
    return str(cell.value)


def workbook_tables(content: bytes, widths: dict[str, int]) -> dict[str, list[list[str]]]:
    workbook = load_workbook(io.BytesIO(content))
    return {
        sheet.title: [[shown(c) for c in row[: widths[sheet.title]]]
                      for row in sheet.iter_rows(min_row=3)]
        for sheet in workbook.worksheets
    }  # fmt: skip


@pytest.mark.parametrize(
    ("url_name", "params"),
    [
        ("dashboards:today", {}),
        ("dashboards:assessment", {"by": "department"}),
        ("dashboards:assessment", {"by": "district", "basic_weight": "0.5"}),
        ("dashboards:trends", {"channel": "phone"}),
        ("dashboards:hotspots", {}),
    ],
)
def test_export_matches_the_page(client, users, departments, url_name, params):
    busy_days(departments, users, per_day=5, days=4)
    client.force_login(users["supervisor"])

    on_screen = page_tables(client.get(reverse(url_name), params).content.decode())
    download = client.get(reverse(url_name), params | {"export": "xlsx"})

    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    widths = {key: len(rows[0]) if rows else 0 for key, rows in on_screen.items()}
    exported = workbook_tables(download.content, widths)
    assert exported.keys() == on_screen.keys()
    assert exported == on_screen
    assert any(rows for rows in on_screen.values()) or url_name == "dashboards:hotspots"


def test_league_marks_are_exported(client, users, departments):
    # 15 dispatches each: above the league's default minimum volume of 10.
    busy_days(departments, users, per_day=10, days=3)
    client.force_login(users["supervisor"])

    download = client.get(reverse("dashboards:assessment"), {"export": "xlsx"})

    sheet = load_workbook(io.BytesIO(download.content))["assessment_department"]
    marks = [row[-1].value for row in sheet.iter_rows(min_row=3)]
    assert marks[0] == "top" and marks[-1] == "bottom"
