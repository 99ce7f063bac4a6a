"""Reads behind the dashboard pages: each returns the tables (and series) a page shows.

Today's numbers come straight from the case tables (indexed, and bounded by today's intake and
the open backlog); everything over a period comes from the pre-aggregated `DailyStat` rows (and
`MonthlyStat` for the whole months inside a period), so the cost grows with the days and slices
shown, not with the number of cases. Every count links to the case list with the parameters of
its definition in `cases.measures` (`Slice.measure_params`), so a number opens exactly its cases.
"""

import datetime
import functools
import operator

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractHour
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import CALLBACK_STATUSES, OPEN_STATUSES, Channel, Status
from cases.measures import STATE_CONDITIONS, STATES
from cases.models import Assignment, Case, Category, Extension
from departments.models import Department, Region
from hotline.dashboards import metrics
from hotline.dashboards.filters import Slice
from hotline.dashboards.stats import CATEGORY_ROLLUP_CHANNEL
from hotline.dashboards.tables import Cell, Table, case_list_url
from hotline.models import DailyStat, MonthlyStat

BACKLOG_STATUSES = [*OPEN_STATUSES, *CALLBACK_STATUSES]


# ---------------------------------------------------------------- today


def today_tables(s: Slice, now: datetime.datetime | None = None) -> tuple[list[Table], list]:
    """Today's intake by channel and hour, the backlog by status and what waits for someone."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    day = Slice(today, today, s.district, s.department, s.category, s.channel)
    cases = Case.objects.filter(day.case_q()).order_by()
    by_channel = dict(cases.values_list("channel").annotate(n=Count("id")))
    by_hour = dict(cases.annotate(h=ExtractHour("created_at")).values_list("h").annotate(
        n=Count("id")))  # fmt: skip
    hours = [by_hour.get(h, 0) for h in range(24)]
    # COUNT(*) lets PostgreSQL answer from the status index alone (an index-only scan).
    backlog = dict(
        Case.objects.filter(day.case_q(with_period=False), status__in=BACKLOG_STATUSES)
        .order_by().values_list("status").annotate(n=Count("*"))
    )  # fmt: skip
    tables = [
        _channel_table(day, by_channel),
        _hour_table(day, hours),
        _backlog_table(day, backlog),
        _waiting_table(day, now, callbacks_waiting=backlog.get(Status.REPLIED, 0)),
    ]
    return tables, hours


def _channel_table(day: Slice, counts: dict) -> Table:
    rows = [
        [Cell(label, "text"), Cell(counts.get(value, 0), url=case_list_url(
            day.case_params() | {"channel": value}))]
        for value, label in Channel.choices
    ]  # fmt: skip
    rows.append([Cell(_("Total"), "text"), Cell(sum(counts.values()),
                 url=case_list_url(day.case_params()))])  # fmt: skip
    return Table("today_channel", _("Intake today by channel"), [_("channel"), _("cases")], rows)


def _hour_table(day: Slice, hours: list[int]) -> Table:
    rows = []
    for hour, count in enumerate(hours):
        start = datetime.datetime.combine(day.first, datetime.time(hour),
                                          tzinfo=timezone.get_current_timezone())  # fmt: skip
        params = day.case_params() | {
            "created_after": start.isoformat(),
            "created_before": (start + datetime.timedelta(hours=1)).isoformat(),
        }
        rows.append([Cell(f"{hour:02d}:00", "text"), Cell(count, url=case_list_url(params))])
    return Table("today_hour", _("Intake today by hour"), [_("hour"), _("cases")], rows)


def _backlog_table(s: Slice, counts: dict) -> Table:
    base = s.case_params(with_period=False)
    rows = [
        [Cell(Status(v).label, "text"), Cell(counts.get(v, 0),
         url=case_list_url(base | {"status": v}))]
        for v in BACKLOG_STATUSES
    ]  # fmt: skip
    return Table("backlog", _("Backlog by status"), [_("status"), _("cases")], rows)


def waiting_counts(s: Slice, now: datetime.datetime) -> dict[str, int]:
    """Overdue to sign / to reply, returns and extensions waiting for a decision."""
    # The conditions are cases.measures.STATE_CONDITIONS, which the linked lists use too.
    conditions = {name: STATE_CONDITIONS[name](now) for name in STATES}
    extensions = conditions.pop("extensions_waiting")
    either = Q()
    for q in conditions.values():
        either |= q
    counts = Assignment.objects.filter(either, **_prefixed(s, "")).aggregate(
        **{name: Count("id", filter=q) for name, q in conditions.items()}
    )
    counts["extensions_waiting"] = Extension.objects.filter(
        extensions, **_prefixed(s, "assignment__")
    ).count()
    return counts


def _prefixed(s: Slice, prefix: str) -> dict:
    lookups = {}
    if s.district:
        lookups[f"{prefix}case__region_id__in"] = s.region_ids
    if s.department:
        lookups[f"{prefix}department_id__in"] = s.department_ids
    if s.category:
        lookups[f"{prefix}case__category_id__in"] = s.category_ids
    if s.channel:
        lookups[f"{prefix}case__channel"] = s.channel
    return lookups


def _waiting_table(s: Slice, now, callbacks_waiting: int) -> Table:
    counts = waiting_counts(s, now) | {"callbacks_waiting": callbacks_waiting}
    base = s.case_params(with_period=False)
    # Each waiting count links to the same definition (cases.measures.STATES).
    links = {name: s.measure_params(name, with_period=False) for name in STATES}
    links["callbacks_waiting"] = base | {"status": Status.REPLIED}
    labels = {
        "sign_overdue": _("Overdue to sign"),
        "reply_overdue": _("Overdue to reply"),
        "returns_waiting": _("Returns waiting for review"),
        "extensions_waiting": _("Extensions waiting for a decision"),
        "callbacks_waiting": _("Callbacks waiting"),
    }
    rows = [[Cell(labels[k], "text"), Cell(counts[k], url=case_list_url(links[k]))]
            for k in labels]  # fmt: skip
    return Table("waiting", _("Waiting for someone"), [_("what"), _("count")], rows)


# ---------------------------------------------------------------- assessment


def _sums(queryset, *group):
    measures = {name: Sum(name) for name in metrics.MEASURES}
    return queryset.values(*group).annotate(**measures).order_by() if group else [
        queryset.aggregate(**measures)]  # fmt: skip


def period_sums(s: Slice, group: str | None = None, **filters) -> dict:
    """Totals of the period per `group` value (or under None), from the daily rows and, for
    the whole calendar months inside the period, the monthly rows (one query each)."""
    totals: dict = {}
    for model, q in s.stat_parts():
        queryset = model.objects.filter(q, **filters)
        for row in _sums(queryset, *([group] if group else [])):
            key = row[group] if group else None
            t = metrics.Totals.from_row(row)
            totals[key] = totals[key] + t if key in totals else t
    return totals


def assessment_rows(s: Slice, by: str, weights: metrics.Weights) -> list[dict]:
    """One row per department (or district): totals, rates and score, best score first."""
    group = "department" if by == "department" else "district"
    rows = []
    for key, totals in period_sums(s, group, **{f"{group}__isnull": False}).items():
        if not (totals.intake or totals.dispatched or totals.sign_due or totals.reply_due
                or totals.rated_resolution or totals.replied):  # fmt: skip
            continue
        rates = metrics.rates(totals, weights)
        score = metrics.overall_score(rates, weights)
        rows.append({"key": key, "totals": totals, "rates": rates, "score": score})
    rows.sort(key=lambda r: (r["score"] is None, -(r["score"] or 0), r["key"]))
    return rows


RATE_COLUMNS = [
    ("response_rate", _("response rate")),
    ("on_time_reply_rate", _("on-time reply rate")),
    ("resolution_rate", _("resolution rate")),
    ("satisfaction_rate", _("satisfaction rate")),
    ("return_rate", _("return rate")),
    ("reopen_rate", _("reopen rate")),
]
FCR_COLUMN = ("first_contact_resolution_rate", _("first-contact resolution rate"))


def measure_cell(s: Slice, totals: metrics.Totals, measure: str, exact: bool = False) -> Cell:
    """A count linked to exactly the cases it counts."""
    return Cell(getattr(totals, measure), url=measure_url(s, measure, exact))


def measure_url(s: Slice, measure: str, exact: bool = False) -> str:
    """The case list of exactly what `measure` counts in the slice (see Slice.measure_params)."""
    params = s.measure_params("")
    if exact and s.department:
        params["department_exact"] = "true"
    return f"{_encoded(tuple(params.items()))}&measure={measure}"


@functools.lru_cache(maxsize=4096)
def _encoded(params: tuple) -> str:
    """A measure link without its `measure`, encoded once per slice: a league table has
    thousands of links, and urlencode was most of its time."""
    rest = {name: value for name, value in params if name != "measure"}
    return case_list_url(rest) if rest else f"{case_list_url({})}?"


def rate_cell(s: Slice, totals: metrics.Totals, rate: str, value, exact: bool = False) -> Cell:
    """A rate with its numerator(s) and denominator, each linked to its cases."""
    numerators, denominator = metrics.RATE_PARTS[rate]
    parts = [(" + " if i else "", getattr(totals, m), measure_url(s, m, exact))
             for i, m in enumerate(numerators)]  # fmt: skip
    parts.append(("/", getattr(totals, denominator), measure_url(s, denominator, exact)))
    return Cell(value, "pct", parts=parts)


def _row_slice(s: Slice, by: str, obj) -> Slice:
    if by == "department":
        return Slice(s.first, s.last, s.district, obj, s.category, s.channel)
    return Slice(s.first, s.last, obj, s.department, s.category, s.channel)


def assessment_tables(
    s: Slice, by: str, weights: metrics.Weights, min_volume: int = 0, only=None
) -> list[Table]:
    """The league table of departments or districts (top and bottom five marked), and apart
    from it, unranked, the rows below `min_volume` (see metrics.league_volume).

    `only` (a set of department or district ids) keeps those rows: a department sees its own
    row and rank, not the others'.
    """
    rows = assessment_rows(s, by, weights)
    ranked = [r for r in rows if metrics.league_volume(r["totals"], by) >= min_volume]
    small = [r for r in rows if metrics.league_volume(r["totals"], by) < min_volume]
    model = Department if by == "department" else Region
    names = model.objects.in_bulk([r["key"] for r in rows])
    columns = [_("rank"), _("department") if by == "department" else _("district"),
               _("cases registered"), _("dispatched"), *[label for _k, label in RATE_COLUMNS],
               FCR_COLUMN[1], _("extensions"), _("score")]  # fmt: skip
    table = Table(f"assessment_{by}", _("Assessment"), columns)
    apart = Table(f"assessment_{by}_small",
                  _("Below the minimum volume of %(n)s (not ranked)") % {"n": min_volume},
                  columns)  # fmt: skip
    marks = metrics.league_marks([r["score"] for r in ranked])
    for target, group, group_marks in ((table, ranked, marks), (apart, small, [""] * len(small))):
        for rank, (row, mark) in enumerate(zip(group, group_marks, strict=True), start=1):
            if only is not None and row["key"] not in only:
                continue
            target.rows.append(_league_row(s, by, names[row["key"]], row, weights,
                                           rank if target is table else None))  # fmt: skip
            target.marks.append(mark)
    if not any(table.marks):
        table.marks = []
    return [table, apart] if apart.rows else [table]


def _league_row(s: Slice, by: str, obj, row: dict, weights, rank) -> list[Cell]:
    one = _row_slice(s, by, obj)
    exact = by == "department"  # the row is this department alone, not its sub-departments
    t = row["totals"]
    fcr = metrics.first_contact_resolution_rate(t)
    volume = "dispatched" if by == "department" else "intake"
    return [
        Cell(rank),
        Cell(getattr(obj, "short_name", "") or obj.name, "text", measure_url(one, volume, exact)),
        measure_cell(one, t, "intake", exact), measure_cell(one, t, "dispatched", exact),
        *[rate_cell(one, t, k, row["rates"][k], exact) for k, _label in RATE_COLUMNS],
        rate_cell(one, t, FCR_COLUMN[0], fcr, exact),
        measure_cell(one, t, "extensions", exact), Cell(row["score"], "score"),
    ]  # fmt: skip


def assessment_table(s: Slice, by: str, weights: metrics.Weights, min_volume: int = 0) -> Table:
    """The ranked league table alone (see assessment_tables)."""
    return assessment_tables(s, by, weights, min_volume)[0]


def period_totals(s: Slice) -> metrics.Totals:
    """The totals of the whole slice (the assessment page's headline)."""
    return period_sums(s).get(None, metrics.Totals())


def overall_table(s: Slice, weights: metrics.Weights) -> Table:
    """The whole period's counts and rates, each count linked to its cases."""
    totals = period_totals(s)
    rates = metrics.rates(totals, weights)
    rows = [[Cell(_("cases registered"), "text"), measure_cell(s, totals, "intake")],
            [Cell(_("dispatched"), "text"), measure_cell(s, totals, "dispatched")]]  # fmt: skip
    rows += [[Cell(label, "text"), rate_cell(s, totals, k, rates[k])]
             for k, label in RATE_COLUMNS]  # fmt: skip
    rows += [
        [Cell(FCR_COLUMN[1], "text"), rate_cell(s, totals, FCR_COLUMN[0],
                                                metrics.first_contact_resolution_rate(totals))],
        [Cell(_("extensions"), "text"), measure_cell(s, totals, "extensions")],
        [Cell(_("score"), "text"), Cell(metrics.overall_score(rates, weights), "score")],
    ]  # fmt: skip
    return Table("overall", _("The whole period"), [_("measure"), _("value")], rows)


# ---------------------------------------------------------------- trends


def daily_intake(s: Slice) -> tuple[list[int], list[int]]:
    """Intake per day of the period, and of the same-length period before it.

    A series per day needs the daily rows; it reads the narrowest ones that hold the slice: the
    per-category roll-up rows (a few dozen a day) unless a district, department or channel is
    set, else the department × district roll-up rows (hundreds a day), else the detailed rows.
    """
    prev = s.previous()
    rollup = s.category_rollup_q()
    both = (rollup | prev.category_rollup_q()) if rollup is not None else (
        s.stat_q() | prev.stat_q())  # fmt: skip
    counts = dict(DailyStat.objects.filter(both).values_list("day").annotate(n=Sum("intake"))
                  .order_by())  # fmt: skip
    current = [counts.get(s.first + datetime.timedelta(days=i), 0) for i in range(s.days)]
    previous = [counts.get(prev.first + datetime.timedelta(days=i), 0) for i in range(s.days)]
    return current, previous


def trend_tables(s: Slice) -> tuple[list[Table], list[int], list[int]]:
    """Daily intake against the period before, and the change per category and district."""
    current, previous = daily_intake(s)
    daily = Table("trend_daily", _("Daily intake"), [_("day"), _("cases"), _("previous period")])
    prev = s.previous()
    for i, (now_n, before_n) in enumerate(zip(current, previous, strict=True)):
        day = s.first + datetime.timedelta(days=i)
        prev_day = prev.first + datetime.timedelta(days=i)
        one = Slice(day, day, s.district, s.department, s.category, s.channel)
        daily.rows.append(
            [
                Cell(day.isoformat(), "date"),
                Cell(now_n, url=case_list_url(one.case_params())),
                Cell(
                    before_n,
                    url=case_list_url(
                        Slice(
                            prev_day, prev_day, s.district, s.department, s.category, s.channel
                        ).case_params()
                    ),
                ),
            ]
        )
    tables = [daily,
              _change_table(s, prev, "category", Category, _("Intake by category")),
              _change_table(s, prev, "district", Region, _("Intake by district"))]  # fmt: skip
    return tables, current, previous


def _period_q(s: Slice) -> tuple[Q | None, Q | None]:
    """The period as a filter on the daily rows (the days outside whole calendar months) and
    on the monthly rows (the whole months inside it); None where there is nothing to read."""
    months = s.whole_months()
    if months is None:
        return Q(day__gte=s.first, day__lte=s.last), None
    begin, end = months
    days = [Q(day__gte=s.first, day__lt=begin)] if s.first < begin else []
    if end <= s.last:
        days.append(Q(day__gte=end, day__lte=s.last))
    return functools.reduce(operator.or_, days) if days else None, Q(month__gte=begin,
                                                                     month__lt=end)  # fmt: skip


def _change_sums(s: Slice, prev: Slice, group: str, dims: Q) -> dict[int, tuple[int, int]]:
    """{group value: (intake this period, intake the period before)}, read as the assessment
    reads its sums: MonthlyStat for the whole months inside both periods, DailyStat for the days
    around them (one query each at most), so a one-year trend reads a dozen rows per slice
    where it read 365."""
    now_days, now_months = _period_q(s)
    before_days, before_months = _period_q(prev)
    sums: dict[int, tuple[int, int]] = {}
    for model, field, parts in ((DailyStat, "day", (now_days, before_days)),
                                (MonthlyStat, "month", (now_months, before_months))):  # fmt: skip
        parts = [q for q in parts if q is not None]
        if not parts:
            continue
        rows = (model.objects.filter(functools.reduce(operator.or_, parts), dims,
                                     **{f"{group}__isnull": False})
                .values_list(group)
                .annotate(now=Sum("intake", filter=Q(**{f"{field}__gte": s.first})),
                          before=Sum("intake", filter=Q(**{f"{field}__lt": s.first})))
                .order_by())  # fmt: skip
        for key, now_n, before_n in rows:
            was_now, was_before = sums.get(key, (0, 0))
            sums[key] = (was_now + (now_n or 0), was_before + (before_n or 0))
    return sums


def _change_table(s: Slice, prev: Slice, group: str, model, title) -> Table:
    if group == "category" and s.category_rollup_q() is not None:
        dims = Q(channel=CATEGORY_ROLLUP_CHANNEL) & (Q(category=s.category) if s.category else Q())
    else:
        dims = s.dimension_q(group == "category")
    sums = _change_sums(s, prev, group, dims)
    names = model.objects.in_bulk(list(sums))
    table = Table(f"trend_{group}", title,
                  [_(group), _("cases"), _("previous period"), _("change")])  # fmt: skip
    for pk, (now_n, before_n) in sorted(sums.items(), key=lambda kv: (-kv[1][0], kv[0])):
        obj = names[pk]
        key = "category" if group == "category" else "region"
        url = case_list_url(s.case_params() | {key: obj.code})
        before_url = case_list_url(prev.case_params() | {key: obj.code})
        table.rows.append([Cell(obj.name, "text", url), Cell(now_n, url=url),
                           Cell(before_n, url=before_url),
                           Cell(metrics.change_rate(now_n, before_n), "pct")])  # fmt: skip
    return table
