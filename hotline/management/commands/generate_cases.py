"""Add N realistic synthetic cases (with assignments, callbacks and events) for load tests."""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from cases import textsearch
from cases.models import Case
from hotline.dashboards.stats import refresh_all_stats
from hotline.synthetic import Generator

VACUUMED = [
    "cases_case", "cases_assignment", "cases_caseevent", "cases_callback", "cases_extension",
    "cases_dailysequence", "hotline_dailystat", "hotline_dailyhotspotcount", textsearch.TABLE,
]  # fmt: skip
# Adding at least this many cases, and more than there are, the text index is built afresh
# after the load rather than updated row by row (GIN insertions cost many times a build).
REBUILD_TEXT_INDEX_FROM = 50_000


class Command(BaseCommand):
    help = (
        "Add --count realistic cases spread over the last --days days, fast (COPY on PostgreSQL)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="how many cases to add")
        parser.add_argument("--days", type=int, default=365, help="spread over this many days")
        parser.add_argument("--seed", type=int, default=12345, help="random seed")
        parser.add_argument(
            "--no-stats", action="store_true", help="do not rebuild the dashboard aggregates"
        )

    def handle(self, *args, count, days, seed, no_stats, **options):
        if count < 1 or days < 1:
            raise CommandError("--count and --days must be at least 1.")
        started = time.monotonic()
        rebuild = self._drop_text_index(count)
        try:
            written = Generator(seed=seed).run(count, days)
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        finally:
            if rebuild:
                self._build_text_index()
        elapsed = time.monotonic() - started
        self.stdout.write(f"Added {written} cases in {elapsed:.1f} s ({written / elapsed:,.0f}/s).")
        if not no_stats:
            started = time.monotonic()
            # Only the days the new cases touched: from the first day they were spread over
            # (their events all fall between then and now).
            first = timezone.localdate() - datetime.timedelta(days=days - 1)
            rows = refresh_all_stats(first=first)
            self.stdout.write(
                f"Rebuilt {rows} aggregate rows in {time.monotonic() - started:.1f} s."
            )
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # Fresh planner statistics and visibility maps, as autovacuum would give them later.
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM (ANALYZE) {', '.join(VACUUMED)}")

    def _drop_text_index(self, count: int) -> bool:
        if connection.vendor != "postgresql" or count < REBUILD_TEXT_INDEX_FROM:
            return False
        if count <= Case.objects.count():
            return False
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {textsearch.TABLE}_gin")
        return True

    def _build_text_index(self) -> None:
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '256MB'")
            cursor.execute(textsearch.POSTGRESQL_INDEX)
            cursor.execute("RESET maintenance_work_mem")
        self.stdout.write(f"Built the case text index in {time.monotonic() - started:.1f} s.")
