"""Add N realistic synthetic cases (with assignments, callbacks and events) for load tests."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from hotline.dashboards.stats import refresh_all_stats
from hotline.synthetic import Generator

VACUUMED = [
    "cases_case", "cases_assignment", "cases_caseevent", "cases_callback", "cases_extension",
    "cases_dailysequence", "hotline_dailystat", "hotline_dailyhotspotcount",
]  # fmt: skip


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
        try:
            written = Generator(seed=seed).run(count, days)
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Added {written} cases in {time.monotonic() - started:.1f} s.")
        if not no_stats:
            started = time.monotonic()
            rows = refresh_all_stats()
            self.stdout.write(
                f"Rebuilt {rows} aggregate rows in {time.monotonic() - started:.1f} s."
            )
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # Fresh planner statistics and visibility maps, as autovacuum would give them later.
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM (ANALYZE) {', '.join(VACUUMED)}")
