"""Hotspots: rising demands (a stated test against each series' own baseline) and clusters.

Rising categories and streets. For every second-level category and every street, x = intake of
the last 7 days (today included) is compared with its own trailing baseline, the 8 weeks (56
days) before them, taken as 8 weekly totals with mean m and sample variance v:

- expected weekly count μ = max(m, 0.5 / 8) (a series with no history still has a small rate);
- when v > m the weekly counts are over-dispersed and x is tested against a negative binomial
  with that mean and variance (r = m² / (v − m), p = r / (r + m)); otherwise against a Poisson
  with mean μ;
- the upper-tail p-value is P(X ≥ x);
- the p-values of all series are corrected for the false-discovery rate with
  Benjamini–Hochberg; a series is a hotspot when q < 0.05, x ≥ 5 and x > μ.

Clusters of similar complaints about one place: the complaints and reports of the last 7 days
grouped by region and leaf category; inside a group, cases whose titles share enough character
bigrams (Jaccard ≥ 0.25) are linked, and linked groups of three or more cases are shown as one
likely common problem.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode

import numpy as np
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from scipy import stats

from cases.models import Case, Category
from departments.models import Region
from hotline.dashboards.stats import day_bounds
from hotline.dashboards.tables import Cell, Table, case_list_url
from hotline.models import DailyHotspotCount

RECENT_DAYS = 7
BASELINE_WEEKS = 8
FDR_LEVEL = 0.05
MIN_COUNT = 5
CLUSTER_TYPES = ("complaint", "report")
CLUSTER_MIN_SIZE = 3
CLUSTER_SIMILARITY = 0.25
CLUSTER_GROUPS = 20
CLUSTER_CASES_PER_GROUP = 60


@dataclass
class Rising:
    """One series found rising: what, its recent count, its expectation and the test."""

    dimension: str
    obj: object
    recent: int
    expected: float
    weekly: list[int]
    p_value: float
    q_value: float

    @property
    def ratio(self) -> float:
        return self.recent / self.expected if self.expected else float("inf")


def upper_tail_p(recent: int, weekly: list[int]) -> tuple[float, float]:
    """(P(X ≥ recent), expected weekly count) under the baseline's Poisson or NB model."""
    m = float(np.mean(weekly))
    v = float(np.var(weekly, ddof=1)) if len(weekly) > 1 else m
    mu = max(m, 0.5 / len(weekly))
    if v > m > 0:
        r = m * m / (v - m)
        return float(stats.nbinom.sf(recent - 1, r, r / (r + m))), mu
    return float(stats.poisson.sf(recent - 1, mu)), mu


def weekly_series(today: datetime.date) -> dict[tuple[str, int], tuple[int, list[int]]]:
    """(dimension, key) → (last 7 days' intake, the 8 weekly totals before)."""
    recent_start = today - datetime.timedelta(days=RECENT_DAYS - 1)
    first = recent_start - datetime.timedelta(weeks=BASELINE_WEEKS)
    series = defaultdict(lambda: [0, [0] * BASELINE_WEEKS])
    rows = DailyHotspotCount.objects.filter(day__gte=first, day__lte=today).values_list(
        "dimension", "key", "day", "count"
    )
    for dimension, key, day, count in rows:
        entry = series[(dimension, key)]
        if day >= recent_start:
            entry[0] += count
        else:
            entry[1][(day - first).days // 7] += count
    return {k: (v[0], v[1]) for k, v in series.items()}


def rising(today: datetime.date | None = None) -> list[Rising]:
    """Every category and street rising above its own baseline (FDR-corrected), biggest first."""
    today = today or timezone.localdate()
    series = weekly_series(today)
    if not series:
        return []
    keys = list(series)
    tested = [upper_tail_p(*series[k]) for k in keys]
    q_values = stats.false_discovery_control([p for p, _mu in tested], method="bh")
    found = []
    for key, (p, mu), q in zip(keys, tested, q_values, strict=True):
        recent, weekly = series[key]
        if q < FDR_LEVEL and recent >= MIN_COUNT and recent > mu:
            found.append((key, recent, mu, weekly, p, float(q)))
    return _with_objects(found)


def _with_objects(found) -> list[Rising]:
    ids = defaultdict(list)
    for (dimension, key), *_rest in found:
        ids[dimension].append(key)
    objects = {
        "category": Category.objects.in_bulk(ids["category"]),
        "region": Region.objects.in_bulk(ids["region"]),
    }
    result = [
        Rising(dimension, objects[dimension][key], recent, mu, weekly, p, q)
        for (dimension, key), recent, mu, weekly, p, q in found
        if key in objects[dimension]
    ]
    return sorted(result, key=lambda r: (r.q_value, -r.recent))


# ---------------------------------------------------------------- clusters


@dataclass
class Cluster:
    """Several similar complaints about one place in the last days."""

    region: Region
    category: Category | None
    cases: list


def _bigrams(text: str) -> set[str]:
    text = "".join(text.split())
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the character bigrams of two texts (0..1)."""
    x, y = _bigrams(a), _bigrams(b)
    return len(x & y) / len(x | y) if x | y else 0.0


def _components(texts: list[str]) -> list[list[int]]:
    parent = list(range(len(texts)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    grams = [_bigrams(t) for t in texts]
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            union = grams[i] | grams[j]
            if union and len(grams[i] & grams[j]) / len(union) >= CLUSTER_SIMILARITY:
                parent[root(i)] = root(j)
    groups = defaultdict(list)
    for i in range(len(texts)):
        groups[root(i)].append(i)
    return [g for g in groups.values() if len(g) >= CLUSTER_MIN_SIZE]


def clusters(now: datetime.datetime | None = None) -> list[Cluster]:
    """Groups of at least three similar complaints/reports about one region and category."""
    now = now or timezone.now()
    recent = Case.objects.filter(
        created_at__gte=now - datetime.timedelta(days=RECENT_DAYS),
        request_type__in=CLUSTER_TYPES,
        region__isnull=False,
    ).order_by()
    groups = list(
        recent.values_list("region_id", "category_id").annotate(n=Count("id"))
        .filter(n__gte=CLUSTER_MIN_SIZE).order_by("-n")[:CLUSTER_GROUPS]
    )  # fmt: skip
    if not groups:
        return []
    regions = {region for region, _c, _n in groups}
    candidates = defaultdict(list)
    rows = recent.filter(region_id__in=regions).select_related("region", "category").only(
        "number", "title", "content", "created_at", "region__name", "region__code",
        "region__path", "category__name", "category__code", "category__path",
    ).order_by("-created_at")  # fmt: skip
    wanted = {(r, c) for r, c, _n in groups}
    for case in rows[: CLUSTER_GROUPS * CLUSTER_CASES_PER_GROUP]:
        key = (case.region_id, case.category_id)
        if key in wanted and len(candidates[key]) < CLUSTER_CASES_PER_GROUP:
            candidates[key].append(case)
    return _clusters_of(candidates)


def _clusters_of(candidates) -> list[Cluster]:
    found = []
    for cases in candidates.values():
        texts = [c.title or c.content[:60] for c in cases]
        for component in _components(texts):
            members = [cases[i] for i in component]
            found.append(Cluster(members[0].region, members[0].category, members))
    return sorted(found, key=lambda c: -len(c.cases))


# ---------------------------------------------------------------- tables


class TitledCell(Cell):
    """A cell whose statistics wait in a tooltip (the `title` attribute)."""

    def __init__(self, value, kind="text", url="", title=""):
        super().__init__(value, kind, url)
        self.title = title

    def td(self) -> str:
        html = super().td()
        return html.replace("<td", f'<td title="{escape(self.title)}"', 1) if self.title else html


def describe(r: Rising) -> str:
    """The finding in a supervisor's words: "是近 8 周平常的 3.2 倍（显著）"."""
    if sum(r.weekly) == 0:
        return str(_("%(recent)d in the last 7 days, none in the %(weeks)d weeks before "
                     "(significant)") % {"recent": r.recent, "weeks": BASELINE_WEEKS})  # fmt: skip
    return str(_("%(ratio).1f times the usual of the last %(weeks)d weeks (significant)")
               % {"ratio": r.ratio, "weeks": BASELINE_WEEKS})  # fmt: skip


def statistics(r: Rising) -> str:
    """The test behind a finding, for the tooltip (docs/metrics.md explains it)."""
    return str(_("p = %(p).2g, q (BH) = %(q).2g; expected %(mu).2f per week; the %(weeks)d "
                 "weeks before: %(weekly)s") % {"p": r.p_value, "q": r.q_value, "mu": r.expected,
                 "weeks": BASELINE_WEEKS, "weekly": " ".join(map(str, r.weekly))})  # fmt: skip


def case_params(r: Rising, today: datetime.date | None = None) -> dict[str, str]:
    """CaseFilterSet parameters selecting exactly the cases the finding counts."""
    today = today or timezone.localdate()
    start, end = day_bounds(today - datetime.timedelta(days=RECENT_DAYS - 1), today)
    key = "category" if r.dimension == "category" else "region"
    return {key: r.obj.code, "created_after": start.isoformat(), "created_before": end.isoformat()}


def rising_table(found: list[Rising]) -> Table:
    """The rising categories and streets in plain words, each linked to exactly its cases."""
    table = Table("rising", _("Rising above their own baseline"),
                  [_("kind"), _("name"), _("what it means"), _("last 7 days"),
                   _("usual per week"), _("root-cause task")])  # fmt: skip
    for r in found:
        params = case_params(r)
        url = case_list_url(params)
        task = urlencode({"dimension": r.dimension, "code": r.obj.code})
        task_url = f"{reverse('dashboards:rootcause_new')}?{task}"
        table.rows.append([
            Cell(_("category") if r.dimension == "category" else _("street"), "text"),
            Cell(r.obj.name, "text", url), TitledCell(describe(r), title=statistics(r)),
            Cell(r.recent, url=url), Cell(round(r.expected, 2), "score"),
            Cell(_("hand to a department"), "text", task_url),
        ])  # fmt: skip
    return table


def cluster_table(found: list[Cluster]) -> Table:
    """Clusters of similar complaints about one place, with their case numbers."""
    table = Table(
        "clusters",
        _("Similar complaints about one place"),
        [_("region"), _("category"), _("cases"), _("example"), _("case numbers")],
    )
    for c in found:
        # The cluster's own cases (a region and category filter would list its neighbours too).
        url = case_list_url({"numbers": " ".join(case.number for case in c.cases)})
        numbers = " ".join(case.number for case in c.cases)
        table.rows.append([
            Cell(c.region.name, "text", url), Cell(c.category.name if c.category else "", "text"),
            Cell(len(c.cases), url=url), Cell(c.cases[0].title or c.cases[0].content[:60], "text"),
            Cell(numbers, "text"),
        ])  # fmt: skip
    return table
