"""Add N realistic synthetic cases (with assignments, callbacks and events) for load tests."""

import contextlib
import datetime
import threading
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from cases import textsearch
from cases.models import Case
from hotline.dashboards.stats import refresh_all_stats
from hotline.synthetic import Generator
from hotline.synthetic.bulk import MAINTENANCE_WORK_MEM, SetAside

VACUUMED = [
    "cases_case", "cases_assignment", "cases_caseevent", "cases_callback", "cases_extension",
    "cases_dailysequence", "hotline_dailystat", "hotline_dailyhotspotcount", textsearch.TABLE,
]  # fmt: skip
# The tables a bulk load writes (their indexes, foreign keys and triggers are set aside).
WRITTEN = [*VACUUMED[:5], textsearch.TABLE]
# The aggregates a bulk load rebuilds, the same way; each batch of days deletes its old rows
# through these indexes first.
AGGREGATES = ["hotline_dailystat", "hotline_monthlystat", "hotline_dailyhotspotcount"]
AGGREGATES_KEPT = ("dailystat_day_dept", "monthlystat_month_dept")
TEXT_INDEX = f"{textsearch.TABLE}_gin"


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
        # Adding at least as many cases as there are, every index is built afresh after the
        # load rather than updated row by row (hotline.synthetic.bulk), all in one transaction.
        bulk = connection.vendor == "postgresql" and count >= Case.objects.count()
        # Outside a caller's transaction the text index (the longest build by far) is built
        # on a second connection after the commit, while the aggregates are rebuilt.
        text_later = bulk and not connection.in_atomic_block
        try:
            with transaction.atomic() if bulk else contextlib.nullcontext():
                aside = SetAside(WRITTEN, later=(TEXT_INDEX,) if text_later else ())
                if bulk:
                    aside.drop()
                written = Generator(seed=seed).run(count, days)
                loaded = time.monotonic()
                if bulk:
                    aside.restore()
                    self.stdout.write(
                        f"Built {len(aside.indexes)} indexes and checked "
                        f"{len(aside.foreign_keys)} foreign keys in "
                        f"{time.monotonic() - loaded:.1f} s."
                    )
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Added {written} cases in {time.monotonic() - started:.1f} s "
            f"({written / (time.monotonic() - started):,.0f}/s; "
            f"generated and written in {loaded - started:.1f} s)."
        )
        text_index = TextIndexBuild() if text_later else None
        if text_index:
            text_index.start()
        try:
            if connection.vendor == "postgresql":
                analyzed = time.monotonic()
                with connection.cursor() as cursor:  # the aggregates need fresh estimates
                    # (not of the text table: the index build on it would make ANALYZE wait)
                    cursor.execute(f"ANALYZE {', '.join(WRITTEN[:-1])}")
                self.stdout.write(f"Analyzed in {time.monotonic() - analyzed:.1f} s.")
            if not no_stats:
                self._refresh_stats(days, bulk)
        finally:
            if text_index:
                text_index.join()
                if text_index.error:
                    raise CommandError(f"building the case text index failed: {text_index.error}")
                self.stdout.write(f"Built the case text index in {text_index.seconds:.1f} s.")
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # Fresh planner statistics and visibility maps, as autovacuum would give them later.
            started = time.monotonic()
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM (ANALYZE) {', '.join(VACUUMED)}")
            self.stdout.write(f"Vacuumed in {time.monotonic() - started:.1f} s.")

    def _refresh_stats(self, days: int, bulk: bool) -> None:
        started = time.monotonic()
        # Only the days the new cases touched: from the first day they were spread over
        # (their events all fall between then and now).
        first = timezone.localdate() - datetime.timedelta(days=days - 1)
        with transaction.atomic() if bulk else contextlib.nullcontext():
            aside = SetAside(AGGREGATES, keep=AGGREGATES_KEPT)
            if bulk:
                aside.drop()
            rows = refresh_all_stats(first=first)
            if bulk:
                aside.restore()
        self.stdout.write(f"Rebuilt {rows} aggregate rows in {time.monotonic() - started:.1f} s.")


class TextIndexBuild(threading.Thread):
    """`CREATE INDEX IF NOT EXISTS` of the case text index on this thread's own connection.

    After a crash before it finished, the next bulk run builds it (IF NOT EXISTS: it is
    built whether or not this run dropped it); searches meanwhile are right, only slower.
    """

    def __init__(self):
        super().__init__(name="case-text-index")
        self.error: Exception | None = None
        self.seconds = 0.0

    def run(self) -> None:
        started = time.monotonic()
        try:
            with connection.cursor() as cursor:  # this thread's connection (autocommit)
                cursor.execute(f"SET maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
                cursor.execute(textsearch.POSTGRESQL_INDEX)
        except Exception as error:  # reported by the command once joined
            self.error = error
        finally:
            connection.close()
        self.seconds = time.monotonic() - started
