"""Time a suggestion with 1,000 rules and every street of China loaded (then roll it all back).

Inside one transaction that is rolled back at the end: all provinces, cities, districts and
streets of the full regions data (`--regions DIR`, required: the repository holds only the
demo city's, and the whole country's is passed by path) are added to the gazetteer (about 45,000
regions), 1,000 random responsibility rules are generated, and `suggest` is timed on random
cases whose address names a random street. The first call (which builds the in-memory
indexes) is reported apart.
"""

import csv
import random
import statistics
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cases.models import Category
from cases.routing import ruleset as rules
from cases.routing.suggestions import suggest
from core.tree import path_under
from departments import gazetteer
from departments.models import Department, Region, ResponsibilityRule

WORDS = ["路灯", "噪音", "夜间", "垃圾", "停车", "漏水", "井盖", "油烟", "工资", "物业"]


class Rollback(Exception):
    """Raised to undo everything the benchmark loaded."""


REGION_FILES = ("provinces.csv", "cities.csv", "areas.csv", "streets.csv")


def _rows(folder: Path, name: str) -> list[dict]:
    with (folder / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _six(code: str) -> str:
    return code.ljust(6, "0")


def _add_level(rows, level, code_of, parent_of, known: dict[str, Region]) -> None:
    fresh = []
    for row in rows:
        code, parent = code_of(row), known.get(parent_of(row))
        if code in known or parent is None:
            continue
        region = Region(code=code, name=row["name"], level=level, parent=parent)
        region.path = path_under(parent, code)
        known[code] = region
        fresh.append(region)
    Region.objects.bulk_create(fresh, batch_size=2000)


def load_all_regions(folder: Path) -> int:
    """Every region of the files in `folder` that is not there yet; returns the total."""
    known = {r.code: r for r in Region.objects.all()}
    known[""] = None
    provinces = [
        {"code": _six(r["code"]), "name": r["name"]} for r in _rows(folder, "provinces.csv")
    ]
    for row in provinces:
        if row["code"] not in known:
            region = Region.objects.create_node(code=row["code"], name=row["name"], level=1)
            known[region.code] = region
    _add_level(_rows(folder, "cities.csv"), 2, lambda r: _six(r["code"]),
               lambda r: _six(r["provinceCode"]), known)  # fmt: skip
    _add_level(_rows(folder, "areas.csv"), 3, lambda r: r["code"],
               lambda r: _six(r["cityCode"]), known)  # fmt: skip
    _add_level(_rows(folder, "streets.csv"), 4, lambda r: r["code"], lambda r: r["areaCode"],
               known)  # fmt: skip
    return Region.objects.count()


def generate_rules(count: int, rng: random.Random) -> None:
    """`count` random rules over the categories, the regions and the departments."""
    categories = list(Category.objects.all())
    regions = list(Region.objects.filter(level__in=[3, 4]).order_by("?")[:2000])
    targets = list(Department.objects.filter(kind=Department.Kind.FUNCTIONAL))
    fresh = []
    for n in range(count):
        rule = ResponsibilityRule(
            name=f"bench rule {n}",
            category=rng.choice(categories),
            region=rng.choice(regions) if rng.random() < 0.5 else None,
            priority=rng.randint(10, 200),
            include_words=[rng.choice(WORDS)] if rng.random() < 0.3 else [],
        )
        if rng.random() < 0.3:
            rule.territorial = rng.choice(["street", "district"])
        else:
            rule.department = rng.choice(targets)
        fresh.append(rule)
    ResponsibilityRule.objects.bulk_create(fresh)


def _cases(n: int, rng: random.Random) -> list[dict]:
    streets = list(Region.objects.filter(level=4).select_related("parent")[:50000])
    leaves = list(Category.objects.filter(level=3).values_list("code", flat=True))
    return [
        {
            "category": rng.choice(leaves),
            "content": "".join(rng.sample(WORDS, 3)),
            "address": f"{street.parent.name}{street.name}88号",
        }
        for street in rng.sample(streets, n)
    ]


class Command(BaseCommand):
    help = "Time suggestions with 1,000 rules and ~45,000 regions (rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--rules", type=int, default=1000)
        parser.add_argument("--suggestions", type=int, default=500)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--regions",
            type=Path,
            required=True,
            help="folder of provinces.csv, cities.csv, areas.csv and streets.csv for all of China",
        )

    def handle(self, *args, **options):
        missing = [n for n in REGION_FILES if not (options["regions"] / n).is_file()]
        if missing:
            raise CommandError(
                f"the regions of the whole country are not at {options['regions']} "
                f"({', '.join(missing)} missing): pass their folder with --regions DIR"
            )
        if not Department.objects.filter(kind=Department.Kind.FUNCTIONAL).exists():
            raise CommandError("load the demo city first (manage.py load_demo)")
        try:
            with transaction.atomic():
                self._run(options)
                raise Rollback
        except Rollback:
            self.stdout.write("Rolled back: the database is as it was.")

    def _run(self, options) -> None:
        rng = random.Random(options["seed"])
        started = time.perf_counter()
        regions = load_all_regions(options["regions"])
        generate_rules(options["rules"], rng)
        cases = _cases(options["suggestions"], rng)
        self.stdout.write(
            f"Loaded {regions} regions and {ResponsibilityRule.objects.count()} rules "
            f"in {time.perf_counter() - started:.1f} s."
        )
        gazetteer.invalidate()
        rules.invalidate()
        self._time("first suggestion (builds the indexes)", [cases[0]], 1)
        self._time("suggest (address + rules)", cases, 1)
        self._time("resolve_address", [c["address"] for c in cases], 0)

    def _time(self, label: str, inputs: list, kind: int) -> None:
        timings = []
        for item in inputs:
            started = time.perf_counter()
            suggest(item) if kind else gazetteer.resolve_address(item)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1] if len(timings) > 1 else timings[0]
        self.stdout.write(
            f"{label}: n={len(timings)} mean {statistics.mean(timings):.2f} ms, "
            f"median {statistics.median(timings):.2f} ms, p95 {p95:.2f} ms, "
            f"max {timings[-1]:.2f} ms"
        )
