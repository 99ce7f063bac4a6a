"""The case list exported to Excel and a case printed as a work order (page and PDF)."""

import datetime
import io
from urllib.parse import unquote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cases import services

PHONE = "13812345678"


@pytest.fixture
def dispatched(users, departments):
    """A complaint from a named citizen, dispatched to cgj (the demo handler's department)."""
    case = services.register_case(actor=users["agent"], channel="phone", request_type="complaint",
                                  title="=HYPERLINK(\"http://x\")", content="-1+1 路灯不亮",
                                  citizen_name="王芳", citizen_phone=PHONE)  # fmt: skip
    services.dispatch_case(case, actor=users["agent"], department=departments["cgj"])
    case.refresh_from_db()
    return case


def read_back(response):
    content = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(content)).worksheets[0]


def header_row(sheet) -> int:
    return next(r for r in range(1, 20) if sheet.cell(r, 1).value == "Number")


def test_the_export_holds_the_filtered_cases_with_real_dates(client, users, dispatched):
    services.register_case(actor=users["agent"], channel="web", request_type="help", content="x")
    client.force_login(users["supervisor"])

    response = client.get(reverse("cases:export"), {"channel": "phone"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = read_back(response)
    top = header_row(sheet)
    assert sheet.freeze_panes == f"A{top + 1}"
    assert any("channel" in str(sheet.cell(r, 1).value).lower() for r in range(2, top))
    assert "1 cases match." in [sheet.cell(r, 1).value for r in range(1, top)]
    rows = list(sheet.iter_rows(min_row=top + 1, values_only=True))
    assert [row[0] for row in rows] == [dispatched.number]
    assert isinstance(rows[0][1], datetime.datetime)


def test_text_that_looks_like_a_formula_stays_text(client, users, dispatched):
    client.force_login(users["supervisor"])

    sheet = read_back(client.get(reverse("cases:export")))

    top = header_row(sheet)
    headers = [c.value for c in sheet[top]]
    row = sheet[top + 1]
    title, content = row[headers.index("Title")], row[headers.index("Content")]
    assert (title.value, title.data_type) == ('=HYPERLINK("http://x")', "s")
    assert (content.value, content.data_type) == ("-1+1 路灯不亮", "s")
    assert title.quotePrefix


def test_a_department_exports_only_its_cases_and_the_masked_phone(client, users, dispatched):
    services.register_case(actor=users["agent"], channel="phone", request_type="help", content="y")
    client.force_login(users["handler"])

    sheet = read_back(client.get(reverse("cases:export")))

    top = header_row(sheet)
    headers = [c.value for c in sheet[top]]
    rows = list(sheet.iter_rows(min_row=top + 1, values_only=True))
    assert [row[0] for row in rows] == [dispatched.number]
    assert rows[0][headers.index("Phone")] == "138****5678"


def test_past_the_cap_nothing_is_exported_and_the_list_says_why(client, users, settings,
                                                                dispatched):  # fmt: skip
    settings.HOTLINE_EXPORT_MAX_ROWS = 1
    services.register_case(actor=users["agent"], channel="phone", request_type="help", content="z")
    client.force_login(users["supervisor"])

    response = client.get(reverse("cases:export"), {"channel": "phone"}, follow=True)

    assert response.redirect_chain[0][0].startswith(reverse("cases:list") + "?channel=phone")
    assert "2 cases match, more than the 1 an export may hold" in response.content.decode()


def test_the_file_name_carries_the_title_and_the_period(client, users, dispatched):
    client.force_login(users["supervisor"])

    response = client.get(reverse("cases:export"), {
        "created_after": "2026-11-01T00:00:00+08:00", "created_before": "2026-12-01T00:00:00+08:00"
    })  # fmt: skip

    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    name = unquote(disposition.split("filename*=UTF-8''", 1)[1])
    assert name == "Case list_2026-11-01 to 2026-11-30.xlsx"


def test_the_work_order_prints_what_the_viewer_may_see(client, users, dispatched):
    client.force_login(users["handler"])

    page = client.get(reverse("cases:print", args=[dispatched.number])).content.decode()

    assert dispatched.number in page and "print.css" in page
    assert "138****5678" in page and PHONE not in page
    assert 'id="timeline"' in page and "Dispatched" in page


def test_the_center_sees_the_whole_phone_on_the_work_order(client, users, dispatched):
    client.force_login(users["agent"])

    page = client.get(reverse("cases:print", args=[dispatched.number])).content.decode()

    assert PHONE in page and "王芳" in page


@pytest.mark.parametrize("url_name", ["cases:print", "cases:print_pdf"])
def test_another_department_gets_404(client, users, dispatched, url_name):
    client.force_login(users["handler2"])

    assert client.get(reverse(url_name, args=[dispatched.number])).status_code == 404


def test_the_work_order_pdf(client, users, dispatched):
    client.force_login(users["handler"])

    response = client.get(reverse("cases:print_pdf", args=[dispatched.number]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
