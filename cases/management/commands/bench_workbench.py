"""Time the workbench's list pages on the configured database (run it on a big one).

    DEBUG=1 python manage.py generate_cases --count 1000000 --no-stats
    DEBUG=1 python manage.py bench_workbench

Each page is requested through Django's test client as a signed-in demo user; the median of
--runs requests and the number of SQL queries are printed.
"""

import re
import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from departments.models import Region

DEEP_PAGES = 50
NEXT_CURSOR = re.compile(r'after=([A-Za-z0-9_-]+)" rel="next"')


class Command(BaseCommand):
    help = "Median response time and query count of the workbench lists on this database."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=5)

    def handle(self, *args, runs, **options):
        self.stdout.write(f"{Case.objects.count():,} cases on {connection.vendor}")
        district = Region.objects.filter(level=Region.Level.DISTRICT).order_by("code").first()
        pages = [
            ("agent", "/cases/?per_page=25"),
            ("agent", "/cases/?per_page=100"),
            ("agent", "/cases/?per_page=100&status=closed"),
            ("agent", f"/cases/?per_page=100&region={district.code}"),
            ("agent", "/cases/?per_page=100&overdue=true"),
            ("agent", "/cases/?per_page=25&q=噪音"),
            ("agent", "deep"),
            ("handler", "/cases/?per_page=100"),
            ("agent", "/"),
            ("supervisor", "/"),
            ("handler", "/"),
            ("agent", "/cases/callbacks/"),
        ]
        for username, url in pages:
            client = Client()
            client.force_login(get_user_model().objects.get(username=username))
            if url == "deep":
                url = self.deep_url(client)
            self.measure(client, username, url, runs)

    def deep_url(self, client) -> str:
        """The URL of page DEEP_PAGES (100 rows a page), reached by following the cursors."""
        url = "/cases/?per_page=100"
        for _ in range(DEEP_PAGES):
            cursor = NEXT_CURSOR.search(client.get(url).content.decode()).group(1)
            url = f"/cases/?per_page=100&after={cursor}"
        return url

    def measure(self, client, username, url, runs) -> None:
        times = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        median = statistics.median(times)
        self.stdout.write(f"{username:10} {url[:60]:60} {median:8.1f} ms  {len(queries):2} queries")
