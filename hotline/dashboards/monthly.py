"""The monthly report leaders get: one month's volume, rates, league tables, hotspots and overdue
cases, as Excel (with openpyxl charts) and PDF (reportlab, the built-in Chinese font).

Every number is read through the dashboard selectors (`selectors.period_totals`,
`selectors.assessment_rows`, `selectors.daily_intake`) and `metrics.rates`, so the report and the
assessment page of the same month never disagree. Beat asks for it on the first working day of
the next month (`hotline.monthly_report`); `manage.py monthly_report --month 2026-11` makes it
by hand.
"""

import datetime
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font

from cases.choices import OPEN_STATUSES
from cases.models import Case
from cases.sla import is_workday
from core import pdf
from core.spreadsheets import attachment, excel_value, make_text_safe
from departments.models import Department, Region
from hotline.dashboards import hotspots, metrics, selectors
from hotline.dashboards.filters import Slice
from hotline.dashboards.stats import day_bounds

LEAGUE_SHOWN = 5
OVERDUE_LISTED = 100
BOLD = Font(bold=True)


@dataclass
class LeagueRow:
    """One department or district in the month's league table."""

    rank: int | None
    name: str
    intake: int
    dispatched: int
    rates: dict
    score: float | None


@dataclass
class MonthlyReport:
    """Everything the month's report shows, read once."""

    month: datetime.date
    last: datetime.date
    totals: metrics.Totals
    rates: dict
    score: float | None
    daily: list[int]
    departments: list[LeagueRow]
    districts: list[LeagueRow]
    rising: list
    overdue_count: int
    overdue: list = field(default_factory=list)
    generated_at: datetime.datetime = field(default_factory=timezone.localtime)

    @property
    def label(self) -> str:
        return _("%(year)d-%(month)02d") % {"year": self.month.year, "month": self.month.month}

    @staticmethod
    def top(rows: list[LeagueRow]) -> list[LeagueRow]:
        return [r for r in rows if r.rank is not None][:LEAGUE_SHOWN]

    @staticmethod
    def bottom(rows: list[LeagueRow]) -> list[LeagueRow]:
        ranked = [r for r in rows if r.rank is not None]
        return list(reversed(ranked[max(len(ranked) - LEAGUE_SHOWN, 0) :]))


def parse_month(text: str) -> datetime.date:
    """ "2026-11" → 2026-11-01 (ValueError otherwise)."""
    year, month = text.split("-")
    return datetime.date(int(year), int(month), 1)


def month_last(first: datetime.date) -> datetime.date:
    following = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def previous_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def first_working_day(first: datetime.date) -> datetime.date:
    """The first working day of the month starting `first` (the official calendar)."""
    day = first
    while not is_workday(day):
        day += datetime.timedelta(days=1)
    return day


def _league(s: Slice, by: str, weights: metrics.Weights, min_volume: int) -> list[LeagueRow]:
    """The league as the assessment page ranks it: rows below `min_volume` (see
    metrics.league_volume) and rows without a score get no rank, so they are never in the top
    or bottom five."""
    rows = selectors.assessment_rows(s, by, weights)
    model = Department if by == "department" else Region
    names = model.objects.in_bulk([r["key"] for r in rows])
    league, rank = [], 0
    for row in rows:
        t = row["totals"]
        ranked = metrics.league_volume(t, by) >= min_volume and row["score"] is not None
        rank += 1 if ranked else 0
        obj = names[row["key"]]
        league.append(LeagueRow(rank if ranked else None,
                                getattr(obj, "short_name", "") or obj.name, t.intake,
                                t.dispatched, row["rates"], row["score"]))  # fmt: skip
    return league


def build_report(month: datetime.date, min_volume: int | None = None) -> MonthlyReport:
    """The report of the calendar month starting `month`; the leagues rank only rows with at
    least `min_volume` (default HOTLINE_LEAGUE_MIN_VOLUME), as the assessment page does."""
    s = Slice(month, month_last(month))
    if min_volume is None:
        min_volume = metrics.league_min_volume()
    weights = metrics.Weights.from_settings()
    totals = selectors.period_totals(s)
    rates = metrics.rates(totals, weights)
    start, end = day_bounds(s.first, s.last)
    overdue = Case.objects.filter(
        created_at__gte=start, created_at__lt=end, status__in=OPEN_STATUSES,
        reply_due_at__lt=timezone.now(),
    )  # fmt: skip
    return MonthlyReport(
        month=month, last=s.last, totals=totals, rates=rates,
        score=metrics.overall_score(rates, weights), daily=selectors.daily_intake(s)[0],
        departments=_league(s, "department", weights, min_volume),
        districts=_league(s, "district", weights, min_volume),
        rising=hotspots.rising(s.last), overdue_count=overdue.count(),
        overdue=list(overdue.select_related("main_department", "category")
                     .order_by("reply_due_at")[:OVERDUE_LISTED]),
    )  # fmt: skip


# ---------------------------------------------------------------- what both formats show


def rate_columns() -> list[tuple[str, str]]:
    return [(key, str(label)) for key, label in selectors.RATE_COLUMNS]


def overview_rows(report: MonthlyReport) -> list[tuple[str, object, str]]:
    """(measure, value, kind) for the overview; kind "pct" for ratios, "score", or "int"."""
    t = report.totals
    rows = [(_("cases registered"), t.intake, "int"), (_("dispatched"), t.dispatched, "int"),
            (_("replied"), t.replied, "int"), (_("returned"), t.returned, "int"),
            (_("extensions"), t.extensions, "int"), (_("reopened"), t.reopened, "int")]  # fmt: skip
    rows += [(_("taken back by the center"), t.withdrawn, "int"),  # issue 14
             (_("replies sent back by the review"), t.replies_sent_back, "int")]  # fmt: skip
    rows += [(label, report.rates.get(key), "pct") for key, label in rate_columns()]
    rows += [(_("score"), report.score, "score"),
             (_("overdue cases registered this month"), report.overdue_count, "int")]  # fmt: skip
    return rows


def league_header(by: str) -> list[str]:
    who = _("department") if by == "department" else _("district")
    return [_("rank"), who, _("cases registered"), _("dispatched"),
            *[label for _k, label in rate_columns()], _("score")]  # fmt: skip


def league_values(row: LeagueRow) -> list:
    return [row.rank, row.name, row.intake, row.dispatched,
            *[row.rates.get(k) for k, _l in rate_columns()], row.score]  # fmt: skip


def hotspot_rows(report: MonthlyReport) -> list[list]:
    return [[str(_("category") if r.dimension == "category" else _("street")), r.obj.name,
             r.recent, round(r.expected, 2), hotspots.describe(r)]
            for r in report.rising]  # fmt: skip


def hotspot_header() -> list[str]:
    return [_("kind"), _("name"), _("last 7 days"), _("usual per week"), _("what it means")]


def overdue_header() -> list[str]:
    return [_("Number"), _("Registered"), _("Main department"), _("Category"), _("Reply due"),
            _("Title")]  # fmt: skip


def overdue_values(case) -> list:
    return [case.number, case.created_at, case.main_department.name if case.main_department
            else "", case.category.name if case.category else "", case.reply_due_at,
            case.title or case.content[:60]]  # fmt: skip


# ---------------------------------------------------------------- Excel


FORMATS = {"pct": "0.0%", "score": "0.00", "int": "0"}


def _sheet(workbook, title: str, heading: str, header: list[str]):
    sheet = workbook.create_sheet(title)
    sheet.append([heading])
    sheet["A1"].font = BOLD
    sheet.append([str(h) for h in header])
    for c in sheet[2]:
        c.font = BOLD
    sheet.freeze_panes = "A3"
    return sheet


def _append(sheet, values: list, formats: list[str | None]) -> None:
    sheet.append([excel_value(v) for v in values])
    for c, fmt in zip(sheet[sheet.max_row], formats, strict=False):
        make_text_safe(c)
        if fmt and c.value is not None:
            c.number_format = fmt


def report_xlsx(report: MonthlyReport) -> bytes:
    """The report as a workbook: overview, daily intake (with a chart), leagues, hotspots."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    heading = _("12345 Hotline monthly report %(month)s") % {"month": report.label}
    overview = _sheet(workbook, _("Overview"), heading, [_("measure"), _("value")])
    for label, value, kind in overview_rows(report):
        _append(overview, [str(label), value], [None, FORMATS[kind]])
    overview.column_dimensions["A"].width = 30
    _daily_sheet(workbook, report)
    league_formats = [None, None, "0", "0", *["0.0%"] * len(rate_columns()), "0.00"]
    for by, rows in (("department", report.departments), ("district", report.districts)):
        title = _("Departments") if by == "department" else _("Districts")
        sheet = _sheet(workbook, title, title, league_header(by))
        for part, picked in ((_("top five"), report.top(rows)),
                             (_("bottom five"), report.bottom(rows))):  # fmt: skip
            sheet.append([str(part)])
            for row in picked:
                _append(sheet, league_values(row), league_formats)
        _score_chart(sheet, report.top(rows) + report.bottom(rows), title)
    sheet = _sheet(workbook, _("Hotspots"), _("Hotspots"), hotspot_header())
    for values in hotspot_rows(report):
        _append(sheet, values, [None, None, "0", "0.00", None])
    sheet = _sheet(workbook, _("Overdue cases"), _("Overdue cases"), overdue_header())
    for case in report.overdue:
        _append(sheet, overdue_values(case), [None, "yyyy-mm-dd hh:mm", None, None,
                                              "yyyy-mm-dd hh:mm", None])  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _daily_sheet(workbook, report: MonthlyReport) -> None:
    sheet = _sheet(workbook, _("Daily intake"), _("Daily intake"), [_("day"), _("cases")])
    for i, count in enumerate(report.daily):
        _append(sheet, [report.month + datetime.timedelta(days=i), count], ["yyyy-mm-dd", "0"])
    chart = LineChart()
    chart.title, chart.y_axis.title, chart.x_axis.title = _("Daily intake"), _("cases"), _("day")
    chart.add_data(
        Reference(sheet, min_col=2, min_row=2, max_row=sheet.max_row), titles_from_data=True
    )
    chart.set_categories(Reference(sheet, min_col=1, min_row=3, max_row=sheet.max_row))
    chart.width, chart.height = 22, 9
    sheet.add_chart(chart, "D3")


def _score_chart(sheet, rows: list[LeagueRow], title: str) -> None:
    if not rows:
        return
    score_col = 4 + len(rate_columns()) + 1
    data_rows = [
        r for r in range(3, sheet.max_row + 1) if sheet.cell(r, score_col).value is not None
    ]
    if not data_rows:
        return
    chart = BarChart()
    chart.type, chart.title, chart.y_axis.title = "bar", f"{title} · {_('score')}", _("score")
    chart.add_data(Reference(sheet, min_col=score_col, min_row=data_rows[0], max_row=data_rows[-1]))
    chart.set_categories(Reference(sheet, min_col=2, min_row=data_rows[0], max_row=data_rows[-1]))
    chart.legend = None
    chart.width, chart.height = 18, 9
    sheet.add_chart(chart, f"A{sheet.max_row + 3}")


# ---------------------------------------------------------------- PDF


def _shown(value, kind: str) -> str:
    if value is None:
        return "–"
    return {"pct": f"{value * 100:.1f}%", "score": f"{value:.2f}"}.get(kind, str(value))


def report_pdf(report: MonthlyReport) -> bytes:
    """The report as an A4 PDF with a daily intake chart."""
    heading = _("12345 Hotline monthly report %(month)s") % {"month": report.label}
    story = [pdf.para(heading, pdf.HEADING),
             pdf.para(_("Period: %(first)s to %(last)s; made %(time)s") % {
                 "first": report.month, "last": report.last,
                 "time": report.generated_at.strftime("%Y-%m-%d %H:%M")}, pdf.SMALL),
             pdf.para(_("Overview"), pdf.SUBHEADING),
             pdf.grid([[_("measure"), _("value")]] + [[label, _shown(value, kind)]
                      for label, value, kind in overview_rows(report)], widths=[220, 120]),
             pdf.para(_("Daily intake"), pdf.SUBHEADING), pdf.bar_chart(report.daily)]  # fmt: skip
    for by, rows in (("department", report.departments), ("district", report.districts)):
        story.append(pdf.para(_("Departments") if by == "department" else _("Districts"),
                              pdf.SUBHEADING))  # fmt: skip
        header = [_("rank"), league_header(by)[1], _("cases registered"), _("score")]
        for part, picked in ((_("top five"), report.top(rows)),
                             (_("bottom five"), report.bottom(rows))):  # fmt: skip
            body = [[r.rank, r.name, r.intake, _shown(r.score, "score")] for r in picked]
            story += [
                pdf.para(part, pdf.SMALL),
                pdf.grid([header, *body], widths=[40, 200, 80, 80]),
            ]
    story.append(pdf.para(_("Hotspots"), pdf.SUBHEADING))
    story.append(
        pdf.grid([hotspot_header(), *hotspot_rows(report)], widths=[40, 90, 50, 60, 240])
        if report.rising
        else pdf.para(_("No hotspot at the end of the month."))
    )
    story.append(pdf.para(_("Overdue cases"), pdf.SUBHEADING))
    story.append(
        pdf.para(
            _("%(n)d cases registered this month are open past their reply deadline.")
            % {"n": report.overdue_count}
        )
    )
    rows = [[v.strftime("%Y-%m-%d %H:%M") if isinstance(v, datetime.datetime) else v
             for v in (timezone.localtime(x) if isinstance(x, datetime.datetime) else x
                       for x in overdue_values(case))] for case in report.overdue]  # fmt: skip
    if rows:
        story.append(pdf.grid([overdue_header(), *rows], widths=[75, 70, 80, 70, 70, 115]))
    return pdf.build(story, title=heading)


# ---------------------------------------------------------------- files


def file_stem(report: MonthlyReport) -> str:
    return _("Monthly report %(month)s") % {"month": report.label}


def write_report(month: datetime.date, out_dir: Path) -> list[Path]:
    """Write the month's .xlsx and .pdf into `out_dir`; returns both paths."""
    report = build_report(month)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = file_stem(report)
    paths = [out_dir / f"{stem}.xlsx", out_dir / f"{stem}.pdf"]
    paths[0].write_bytes(report_xlsx(report))
    paths[1].write_bytes(report_pdf(report))
    return paths


def download_name(report: MonthlyReport, extension: str) -> str:
    """The Content-Disposition of the report's download."""
    return attachment(f"{file_stem(report)}.{extension}")
