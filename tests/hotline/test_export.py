"""Excel export: the workbook read back holds the numbers the page shows, table by table."""

import datetime
import html
import io
import re
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.hotline.test_dashboard_views import busy_days

FORMULA = '=HYPERLINK("http://x","y")'

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
    if isinstance(cell.value, datetime.datetime):
        if cell.number_format == "yyyy-mm-dd":
            return cell.value.date().isoformat()
        return cell.value.strftime("%Y-%m-%d %H:%M")
    if cell.number_format == "0.0%":
        return f"{cell.value * 100:.1f}%"
    if cell.number_format == "0.00":
        return f"{cell.value:.2f}"
    return str(cell.value)


def workbook_tables(content: bytes, widths: dict[str, int]) -> dict[str, list[list[str]]]:
    """Each worksheet's rows, keyed like the page's tables (the sheets come in page order)."""
    workbook = load_workbook(io.BytesIO(content))
    return {
        key: [[shown(c) for c in row[: widths[key]]] for row in sheet.iter_rows(min_row=3)]
        for key, sheet in zip(widths, workbook.worksheets, strict=True)
    }


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

    sheet = load_workbook(io.BytesIO(download.content))["Assessment"]
    marks = [row[-1].value for row in sheet.iter_rows(min_row=3)]
    assert marks[0] == "top" and marks[-1] == "bottom"


def test_sheets_are_named_by_their_titles_and_the_file_by_its_period(client, users, departments):
    busy_days(departments, users, per_day=2, days=2)
    client.force_login(users["supervisor"])
    period = {"date_from": "2026-01-01", "date_to": "2026-01-31"}

    download = client.get(reverse("dashboards:assessment"), period | {"export": "xlsx"})

    names = load_workbook(io.BytesIO(download.content)).sheetnames
    assert names[:2] == ["The whole period", "Assessment"]
    assert len(set(names)) == len(names)  # the two "Assessment" tables get distinct names
    disposition = download["Content-Disposition"]
    assert unquote(disposition.split("filename*=UTF-8''", 1)[1]) == (
        "Assessment-2026-01-01_2026-01-31.xlsx"
    )


def test_supervision_export_writes_text_as_text_and_dates_as_dates(client, users, departments):
    from cases import services
    from tests.hotline.test_sweep import dispatched

    now = timezone.now()
    case = dispatched(users, departments, now - datetime.timedelta(days=1)).case
    services.supervise_case(case, actor=users["supervisor"], level="normal",
                            reason=FORMULA, due_at=now + datetime.timedelta(days=2))  # fmt: skip
    client.force_login(users["supervisor"])

    download = client.get(reverse("dashboards:supervision"), {"export": "xlsx"})

    sheet = load_workbook(io.BytesIO(download.content)).worksheets[0]
    number, _department, _level, reason, opened, due, _answered = sheet[3]
    assert (reason.value, reason.data_type, reason.quotePrefix) == (FORMULA, "s", True)
    assert number.value == case.number and number.data_type == "s"
    assert isinstance(opened.value, datetime.datetime)
    assert opened.number_format == "yyyy-mm-dd hh:mm"
    assert due.value == timezone.localtime(case.supervisions.get().due_at).replace(
        tzinfo=None, second=0, microsecond=0
    )
