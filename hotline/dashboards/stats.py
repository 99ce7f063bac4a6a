"""The pre-aggregated daily counts behind the dashboards, rebuilt from the case tables.

A day's rows are derived data: `refresh_stats(first, last)` recomputes every measure of those
local days with one GROUP BY per source table and replaces the days' rows in one transaction
(serialised by an advisory lock on PostgreSQL, by SQLite's write lock otherwise). The sweep
refreshes yesterday and today on each run; a nightly run (`refresh_stats --days 60`) catches
late corrections (an extension approved after a deadline, a withdrawn assignment). Measures are
counted on the day their event happened, so a finished day rarely changes.
"""

import datetime
import operator
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Count, F, PositiveIntegerField, Sum
from django.db.models.functions import Substr, TruncDate, TruncMonth
from django.utils import timezone

from cases.measures import SOURCES
from cases.models import Case, Category
from core.progress import progress
from departments.models import Region
from hotline.models import DailyHotspotCount, DailyStat, MonthlyStat, StatsRefresh

# Lengths of materialized-path prefixes: "430000/430100/430102/" is a district,
# ten more characters a street; "01/" a first-level category, "01/0101/" a second-level one.
DISTRICT_PATH_LENGTH = 21
STREET_PATH_LENGTH = 31
TOP_CATEGORY_PATH_LENGTH = 3
SECOND_CATEGORY_PATH_LENGTH = 8

ADVISORY_LOCK_KEY = 12345_0008
# Rows with this channel sum a day's department × district over every category and channel:
# unfiltered pages read only these (a few hundred a day, however many cases there are).
ROLLUP_CHANNEL = "*"
# Rows with this channel sum a day's category over every department, district and channel
# (the trends page's per-category table when no other filter is set).
CATEGORY_ROLLUP_CHANNEL = "*c"
ROLLUPS = (ROLLUP_CHANNEL, CATEGORY_ROLLUP_CHANNEL)
REFRESH_KEY = "stats"
# The measures DailyStat keeps (rated_satisfaction is the sum of the three answers).
STORED = frozenset(f.name for f in DailyStat._meta.concrete_fields
                   if isinstance(f, PositiveIntegerField))  # fmt: skip


def day_bounds(first: datetime.date, last: datetime.date) -> tuple:
    """The aware instants [start of `first`, start of the day after `last`) in local time."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        last + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    return start, end


def _sources(start, end, now) -> list:
    """(queryset, time field, department expr, case prefix, measures) for every source.

    The rows and conditions are `cases.measures.SOURCES`, the same definitions the case
    list's `measure` filter reads.
    """
    until = min(end, now)  # a deadline counts once it has fallen
    sources = []
    for source in SOURCES:
        queryset = source.model.objects.filter(source.base)
        if source.due:
            queryset = queryset.filter(**{f"{source.when}__lt": until})
        counts = {name: Count("id", filter=extra) if extra is not None else Count("id")
                  for name, extra in source.measures.items() if name in STORED}  # fmt: skip
        sources.append((queryset, source.when, source.department_expr(), source.case_prefix(),
                        counts))  # fmt: skip
    return sources


def _grouped(queryset, when, department, prefix, measures, start, end):
    """One GROUP BY: day, department, district path, top category path, channel."""
    return (
        queryset.filter(**{f"{when}__gte": start, f"{when}__lt": end})
        .annotate(
            s_day=TruncDate(when),
            s_dept=department,
            s_district=Substr(f"{prefix}region__path", 1, DISTRICT_PATH_LENGTH),
            s_category=Substr(f"{prefix}category__path", 1, TOP_CATEGORY_PATH_LENGTH),
            s_channel=F(f"{prefix}channel"),
        )
        .values("s_day", "s_dept", "s_district", "s_category", "s_channel")
        .annotate(**measures)
        .order_by()
    )


def _path_ids(model, **filters) -> dict[str, int]:
    return {path: pk for pk, path in model.objects.filter(**filters).values_list("pk", "path")}


def compute_daily_stats(first: datetime.date, last: datetime.date) -> list[dict]:
    """Every DailyStat row of the local days first..last, computed from the case tables."""
    start, end = day_bounds(first, last)
    districts = _path_ids(Region, level=Region.Level.DISTRICT)
    categories = _path_ids(Category, level=1)
    cells: dict[tuple, dict[str, int]] = defaultdict(dict)
    for queryset, when, department, prefix, measures in _sources(start, end, timezone.now()):
        grouped = _grouped(queryset, when, department, prefix, measures, start, end)
        for day, dept, district, category, channel, *counts in _tuples(grouped, measures):
            key = (day, dept, districts.get(district or ""), categories.get(category or ""),
                   channel)  # fmt: skip
            cell = cells[key]
            for name, count in zip(measures, counts, strict=True):
                cell[name] = cell.get(name, 0) + count
    return [
        {"day": d, "department_id": dep, "district_id": dis, "category_id": cat, "channel": ch} | m
        for (d, dep, dis, cat, ch), m in (cells | _rollup(cells)).items()
    ]


GROUPED = ("s_day", "s_dept", "s_district", "s_category", "s_channel")


def _tuples(grouped, measures):
    """The grouped rows as (day, department, district path, category path, channel, *counts).

    On PostgreSQL straight from the cursor (a day is a date, a count an int): the ORM's
    converters and row dicts cost more than the query at a million cases.
    """
    names = [*GROUPED, *measures]
    if connection.vendor != "postgresql":
        yield from grouped.values_list(*names)
        return
    sql, params = grouped.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        order = [column.name for column in cursor.description]
        pick = operator.itemgetter(*(order.index(name) for name in names))
        for row in cursor:
            yield pick(row)


def _rollup(cells: dict) -> dict:
    """The same counts per day, department and district, and per day and category."""
    rolled: dict[tuple, dict[str, int]] = defaultdict(dict)
    for (day, dep, dis, cat, _ch), measures in cells.items():
        for key in ((day, dep, dis, None, ROLLUP_CHANNEL),
                    (day, None, None, cat, CATEGORY_ROLLUP_CHANNEL)):  # fmt: skip
            cell = rolled[key]
            for name, value in measures.items():
                cell[name] = cell.get(name, 0) + value
    return rolled


def compute_hotspot_counts(first: datetime.date, last: datetime.date) -> list[dict]:
    """Daily intake per second-level category and per street for the local days first..last."""
    start, end = day_bounds(first, last)
    cases = Case.objects.filter(created_at__gte=start, created_at__lt=end).annotate(
        s_day=TruncDate("created_at")
    )
    rows = []
    for dimension, field, length, ids in (
        ("category", "category__path", SECOND_CATEGORY_PATH_LENGTH, _path_ids(Category, level=2)),
        (
            "region",
            "region__path",
            STREET_PATH_LENGTH,
            _path_ids(Region, level=Region.Level.STREET),
        ),
    ):
        grouped = (
            cases.annotate(s_key=Substr(field, 1, length))
            .values("s_day", "s_key")
            .annotate(n=Count("id"))
            .order_by()
        )
        totals: dict[tuple, int] = defaultdict(int)
        for row in grouped:
            if (row["s_key"] or "") in ids:
                totals[(row["s_day"], ids[row["s_key"]])] += row["n"]
        rows += [{"day": d, "dimension": dimension, "key": k, "count": n}
                 for (d, k), n in totals.items()]  # fmt: skip
    return rows


def insert_rows(model, rows: list[dict]) -> None:
    """Insert plain rows fast: COPY on PostgreSQL, executemany on SQLite (ids from the table)."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    # Each field's default once, not once a row (millions of rows after a big load).
    defaults = {f.attname: f.get_default() for f in fields}
    row_values = operator.itemgetter(*defaults)
    values = [row_values(defaults | row) for row in rows]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            adapt = connection.ops.adapt_datefield_value
            values = [tuple(adapt(v) if isinstance(v, datetime.date) else v for v in row)
                      for row in values]  # fmt: skip
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", values)


@transaction.atomic
def refresh_stats(first: datetime.date, last: datetime.date) -> int:
    """Replace the aggregates of the local days first..last; returns the rows written."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
    started = timezone.now()
    stats = compute_daily_stats(first, last)
    hotspots = compute_hotspot_counts(first, last)
    DailyStat.objects.filter(day__gte=first, day__lte=last).delete()
    DailyHotspotCount.objects.filter(day__gte=first, day__lte=last).delete()
    insert_rows(DailyStat, stats)
    insert_rows(DailyHotspotCount, hotspots)
    months = refresh_months(first, last)
    StatsRefresh.objects.update_or_create(
        key=REFRESH_KEY, defaults={"refreshed_at": started, "first_day": first, "last_day": last}
    )
    return len(stats) + len(hotspots) + months


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def refresh_months(first: datetime.date, last: datetime.date) -> int:
    """Rebuild the MonthlyStat rows of every month touching first..last from the daily rows."""
    start, end = month_start(first), next_month(last)
    measures = {name: Sum(name) for name in STORED}
    grouped = (
        DailyStat.objects.filter(day__gte=start, day__lt=end)
        .annotate(month=TruncMonth("day"))
        .values("month", "department_id", "district_id", "category_id", "channel")
        .annotate(**measures)
        .order_by()
    )
    rows = [dict(row) for row in grouped]
    for row in rows:  # some backends hand back a datetime
        if isinstance(row["month"], datetime.datetime):
            row["month"] = row["month"].date()
    MonthlyStat.objects.filter(month__gte=start, month__lt=end).delete()
    insert_rows(MonthlyStat, rows)
    return len(rows)


def data_as_of() -> datetime.datetime | None:
    """When the statistics were last refreshed (None before the first refresh)."""
    return (
        StatsRefresh.objects.filter(key=REFRESH_KEY).values_list("refreshed_at", flat=True).first()
    )


def refresh_recent_stats(days: int = 2) -> int:
    """Refresh the last `days` local days, today included (what the sweep calls)."""
    today = timezone.localdate()
    return refresh_stats(today - datetime.timedelta(days=days - 1), today)


def refresh_all_stats(batch_days: int = 31, first: datetime.date | None = None) -> int:
    """Rebuild the aggregates of every day that has cases (from `first` on), a month at a time."""
    oldest = Case.objects.order_by("created_at").values_list("created_at", flat=True).first()
    if oldest is None:
        return 0
    day = max(timezone.localdate(oldest), first or datetime.date.min)
    today, written = timezone.localdate(), 0
    with progress(desc="Daily statistics", total=(today - day).days + 1, unit="day") as bar:
        while day <= today:
            last = min(day + datetime.timedelta(days=batch_days - 1), today)
            written += refresh_stats(day, last)
            bar.update((last - day).days + 1)
            day = last + datetime.timedelta(days=1)
    return written
