"""The monthly report: a crafted November with known numbers, read back from the Excel file."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from hotline.dashboards import metrics, monthly, selectors
from hotline.dashboards.filters import Slice
from hotline.dashboards.stats import refresh_stats
from hotline.tasks import monthly_report_task
from tests.hotline.crafted import at, make_assignment, make_case

NOVEMBER = datetime.date(2026, 11, 1)
DUE = datetime.timedelta(days=3)  # crafted assignments' default reply deadline


@pytest.fixture
def crafted_november(departments, settings):
    """cgj: 3 cases, 2 signed on time (response 2/3); scjgj: 2 cases, both on time (1/1).

    Nothing is replied, so every reply deadline (3 days after dispatch) is missed: the on-time
    reply rate is 0 for both, nothing is returned (return rate 0, scored as 1 − 0), and all 5
    cases are open past their deadline. Scores (weights 0.15 response, 0.25 on-time, 0.075
    returns, the rest without data): cgj 100 × (0.15 × 2/3 + 0.075) / 0.475 = 36.84, scjgj
    100 × (0.15 + 0.075) / 0.475 = 47.37. A case just before and one just after the month are out.
    """
    settings.HOTLINE_LEAGUE_MIN_VOLUME = 1
    cgj, scjgj = departments["cgj"], departments["scjgj"]
    for day, signed in (("2026-11-03", "11:00"), ("2026-11-04", "11:30"), ("2026-11-05", "13:00")):
        case = make_case(at(day, "09:00"), department=cgj, reply_due_at=at(day, "10:00") + DUE)
        make_assignment(case, cgj, at(day, "10:00"), signed_at=at(day, signed), status="signed")
    for hm in ("09:00", "09:30"):
        case = make_case(
            at("2026-11-10", hm), department=scjgj, reply_due_at=at("2026-11-10", "10:00") + DUE
        )
        make_assignment(case, scjgj, at("2026-11-10", "10:00"),
                        signed_at=at("2026-11-10", "10:30"), status="signed")  # fmt: skip
    make_case(at("2026-10-31", "23:30"), department=cgj)
    make_case(at("2026-12-01", "00:30"), department=cgj)
    refresh_stats(datetime.date(2026, 10, 20), datetime.date(2026, 12, 5))


def sheet_values(workbook, title) -> list[tuple]:
    return list(workbook[title].iter_rows(min_row=3, values_only=True))


def test_the_excel_report_holds_the_months_numbers(crafted_november):
    report = monthly.build_report(NOVEMBER)

    workbook = load_workbook(io.BytesIO(monthly.report_xlsx(report)))

    overview = dict((row[0], row[1]) for row in sheet_values(workbook, "Overview"))
    assert overview["cases registered"] == 5
    assert overview["dispatched"] == 5
    assert overview["response rate"] == pytest.approx(4 / 5)
    assert overview["on-time reply rate"] == 0
    assert overview["resolution rate"] is None
    assert overview["overdue cases registered this month"] == 5
    departments = [row for row in sheet_values(workbook, "Departments") if row[0] is not None]
    by_name = {row[1]: row for row in departments if isinstance(row[0], int)}
    header = [c.value for c in workbook["Departments"][2]]
    score = header.index("score")
    assert [row[1] for row in departments if isinstance(row[0], int)][:2] == [
        report.departments[0].name, report.departments[1].name]  # fmt: skip
    assert sorted(round(row[score], 2) for row in by_name.values()) == [36.84, 47.37]
    assert by_name[report.departments[0].name][score] == pytest.approx(47.37, abs=0.01)
    daily = sheet_values(workbook, "Daily intake")
    assert len(daily) == 30 and sum(row[1] for row in daily) == 5
    assert daily[2][0] == datetime.datetime(2026, 11, 3)  # a real date
    assert workbook["Daily intake"]._charts and workbook["Departments"]._charts


def test_the_command_writes_excel_and_pdf(crafted_november, tmp_path):
    call_command("monthly_report", "--month", "2026-11", "--out", str(tmp_path))

    files = sorted(tmp_path.iterdir())
    assert [f.suffix for f in files] == [".pdf", ".xlsx"]
    pdf = next(f for f in files if f.suffix == ".pdf")
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 2000


def test_the_beat_task_runs_only_on_the_first_working_day(crafted_november, tmp_path, settings):
    settings.HOTLINE_REPORTS_DIR = tmp_path
    first = monthly.first_working_day(datetime.date(2026, 12, 1))

    assert monthly_report_task((first + datetime.timedelta(days=1)).isoformat()) == []
    written = monthly_report_task(first.isoformat())

    assert first == datetime.date(2026, 12, 1)  # a Tuesday
    assert len(written) == 2 and all("2026-11" in path for path in written)


def test_the_first_working_day_skips_the_holiday():
    assert monthly.first_working_day(datetime.date(2026, 10, 1)) > datetime.date(2026, 10, 7)


def test_the_report_page_downloads_both_formats(client, users, crafted_november):
    client.force_login(users["supervisor"])

    page = client.get(reverse("dashboards:monthly"), {"month": "2026-11"})
    xlsx = client.get(reverse("dashboards:monthly"), {"month": "2026-11", "format": "xlsx"})
    pdf = client.get(reverse("dashboards:monthly"), {"month": "2026-11", "format": "pdf"})

    assert page.status_code == 200
    assert load_workbook(io.BytesIO(xlsx.content))["Overview"]["B3"].value == 5
    assert pdf.content.startswith(b"%PDF")
    assert "filename*=UTF-8''Monthly%20report%202026-11.pdf" in pdf["Content-Disposition"]


def test_a_bad_month_is_explained(client, users):
    client.force_login(users["supervisor"])

    response = client.get(reverse("dashboards:monthly"), {"month": "November"})

    assert response.status_code == 400
    assert "YYYY-MM" in response.content.decode()


def test_departments_may_not_read_the_report(client, users):
    client.force_login(users["handler"])

    assert client.get(reverse("dashboards:monthly")).status_code == 403


def test_the_leagues_rank_as_the_assessment_page_does(crafted_november, departments, settings):
    """A department with one perfect case (score 100) is below a minimum volume of 2: it is
    neither top nor bottom, and the report's ranking equals the assessment page's."""
    settings.HOTLINE_LEAGUE_MIN_VOLUME = 2
    gaj = departments["gaj"]
    case = make_case(at("2026-11-12", "09:00"), department=gaj)
    make_assignment(case, gaj, at("2026-11-12", "10:00"), signed_at=at("2026-11-12", "10:30"),
                    replied_at=at("2026-11-12", "15:00"), status="replied",
                    reply_result="resolved")  # fmt: skip
    refresh_stats(datetime.date(2026, 11, 12), datetime.date(2026, 11, 12))

    report = monthly.build_report(NOVEMBER)

    one_case = next(r for r in report.departments if r.name == (gaj.short_name or gaj.name))
    assert one_case.score == 100 and one_case.rank is None
    shown = {r.name for r in report.top(report.departments) + report.bottom(report.departments)}
    assert one_case.name not in shown
    s = Slice(NOVEMBER, monthly.month_last(NOVEMBER))
    page = selectors.assessment_table(s, "department", metrics.Weights.from_settings(), 2)
    assert [(row[0].value, row[1].value) for row in page.rows] == [
        (r.rank, r.name) for r in report.departments if r.rank is not None]  # fmt: skip
    assert [r.score for r in report.top(report.departments)] == [47.37, 36.84]


def test_a_citizens_formula_in_an_overdue_case_stays_text(crafted_november, departments):
    formula = '=HYPERLINK("http://x","y")'
    make_case(at("2026-11-20", "09:00"), department=departments["cgj"], title=formula,
              reply_due_at=at("2026-11-21", "09:00"))  # fmt: skip

    workbook = load_workbook(io.BytesIO(monthly.report_xlsx(monthly.build_report(NOVEMBER))))

    titles = [row[5] for row in workbook["Overdue cases"].iter_rows(min_row=3)]
    [cell] = [c for c in titles if c.value == formula]
    assert cell.data_type == "s" and cell.quotePrefix
