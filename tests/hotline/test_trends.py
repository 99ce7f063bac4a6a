"""Trends over long periods read the monthly roll-ups for whole months, as the assessment does,
and still give the numbers a direct count of the cases gives."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case, Category
from departments.models import Region
from hotline.dashboards import selectors
from hotline.dashboards.filters import Slice
from hotline.dashboards.stats import day_bounds, refresh_stats
from hotline.models import DailyStat
from tests.hotline.crafted import at, make_case

# 315 days: partial January and November around the whole months February to October; the
# period before (2025-03-01 .. 2026-01-09) has whole months March to December.
PERIOD = Slice(datetime.date(2026, 1, 10), datetime.date(2026, 11, 20))


@pytest.fixture
def year_of_cases(departments):
    """Cases on both edges of both periods, inside whole months, and just outside."""
    cgj = departments["cgj"]
    other_region = Region.objects.filter(level=5, parent__parent__code="430103").first().code
    other_category = Category.objects.filter(level=3).exclude(code__startswith="01").first().code
    moments = [
        ("2025-02-28", "23:30"), ("2025-03-01", "00:30"), ("2025-06-01", "12:00"),
        ("2026-01-09", "23:30"), ("2026-01-10", "00:30"), ("2026-03-15", "12:00"),
        ("2026-03-16", "12:00"), ("2026-11-20", "23:30"), ("2026-11-21", "00:30"),
    ]  # fmt: skip
    for i, (day, hm) in enumerate(moments):
        where = {"region": other_region, "category": other_category} if i % 2 else {}
        make_case(at(day, hm), department=cgj, **where)
    refresh_stats(datetime.date(2025, 2, 20), datetime.date(2026, 11, 30))
    return {"other_region": other_region, "other_category": other_category}


def direct_counts(s: Slice, field: str) -> dict[str, int]:
    """Cases registered in the period per district or first-level category code, counted."""
    start, end = day_bounds(s.first, s.last)
    counts: dict[str, int] = {}
    for case in Case.objects.filter(created_at__gte=start, created_at__lt=end).select_related(
        "region", "category"
    ):
        node = getattr(case, field)
        code = node.code[:6] if field == "region" else node.code[:2]
        counts[code] = counts.get(code, 0) + 1
    return counts


def table_counts(table) -> tuple[dict, dict]:
    now, before = {}, {}
    for name, now_n, before_n, _change in table.rows:
        code = re.search(r"(?:category|region)=(\w+)", name.url).group(1)
        now[code], before[code] = now_n.value, before_n.value
    return now, before


def test_a_years_trend_equals_a_direct_count(year_of_cases):
    tables, current, previous = selectors.trend_tables(PERIOD)
    by = {t.key: t for t in tables}

    categories = table_counts(by["trend_category"])
    districts = table_counts(by["trend_district"])

    assert categories == (direct_counts(PERIOD, "category"),
                          direct_counts(PERIOD.previous(), "category"))  # fmt: skip
    assert districts == (direct_counts(PERIOD, "region"),
                         direct_counts(PERIOD.previous(), "region"))  # fmt: skip
    assert sum(categories[0].values()) == sum(current) == 4
    assert sum(categories[1].values()) == sum(previous) == 3


def test_whole_months_are_read_from_the_monthly_rows(year_of_cases):
    """The March daily rows are removed: the category and district changes do not move (they
    read March from MonthlyStat), only the daily series, which needs the days, loses them."""
    DailyStat.objects.filter(day__gte="2026-03-01", day__lt="2026-04-01").delete()

    tables, current, _previous = selectors.trend_tables(PERIOD)
    by = {t.key: t for t in tables}

    assert table_counts(by["trend_category"])[0] == direct_counts(PERIOD, "category")
    assert table_counts(by["trend_district"])[0] == direct_counts(PERIOD, "region")
    assert sum(current) == 2  # the daily series lost the two March cases


def test_a_filtered_years_trend_reads_the_monthly_rows(year_of_cases, client, users):
    client.force_login(users["supervisor"])
    params = {"date_from": PERIOD.first.isoformat(), "date_to": PERIOD.last.isoformat()}

    for extra in ({}, {"category": "01"}, {"district": "430102"}, {"channel": "phone"}):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("dashboards:trends"), params | extra)
        monthly = [q["sql"] for q in captured if '"hotline_monthlystat"' in q["sql"]]

        assert response.status_code == 200
        assert len(monthly) == 2, extra  # one per change table (category, district)
