"""Time the workbench's lists, searches and list API on the configured database (a big one).

    DEBUG=1 python manage.py generate_cases --count 1000000
    DEBUG=1 python manage.py bench_workbench            # or --only search (bench_search), api

Each page is requested through Django's test client as a signed-in demo user, each API list
with a real token of the demo handler's department or of the center (issued for the run and
revoked after). For each: the median and the worst of --runs requests, the number of SQL
queries, the median time of those same statements run again straight through the database
cursor ("SQL"), and the request's median over it ("ratio": what Django, DRF and the template
add on top of the database).
"""

import logging
import re
import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from cases.selectors import visible_cases
from departments import tokens
from departments.models import Department, Region

DEEP_PAGES = 50
NEXT_CURSOR = re.compile(r'after=([A-Za-z0-9_-]+)" rel="next"')
# A word many synthetic cases hold, and one that none does.
SEARCH_MATCH = "噪音"
SEARCH_NONE = "量子纠缠"


def workbench_pages(district: str) -> list[tuple[str, str]]:
    return [
        ("agent", "/cases/?per_page=25"),
        ("agent", "/cases/?per_page=100"),
        ("agent", "/cases/?per_page=100&status=closed"),
        ("agent", f"/cases/?per_page=100&region={district}"),
        ("agent", "/cases/?per_page=100&overdue=true"),
        ("agent", "deep"),
        ("handler", "/cases/?per_page=100"),
        ("handler", "/cases/?per_page=100&status=closed"),
        ("handler", "detail"),
        ("agent", "/"),
        ("supervisor", "/"),
        ("handler", "/"),
        ("agent", "/cases/callbacks/"),
        ("agent", "/cases/inbox/?per_page=100"),
        ("agent", "/cases/inbox/?kind=transfers&per_page=100"),
        ("agent", "/cases/inbox/?kind=notices&per_page=100"),
        ("supervisor", "/cases/reviews/?per_page=100"),
        ("supervisor", "/cases/decisions/?per_page=100"),
        ("api:center", "/api/v1/cases/?page_size=100"),
        ("api:handler", "/api/v1/cases/?page_size=100"),
        ("api:handler", "/api/v1/assignments/?page_size=100"),
    ]


def search_pages() -> list[tuple[str, str]]:
    return [
        ("agent", f"/cases/?per_page=25&q={SEARCH_MATCH}"),
        ("agent", f"/cases/?per_page=25&q={SEARCH_NONE}"),
        ("handler", f"/cases/?per_page=25&q={SEARCH_MATCH}"),
        ("api:handler", f"/api/v1/cases/?page_size=25&q={SEARCH_MATCH}"),
        ("api:center", f"/api/v1/cases/?page_size=25&q={SEARCH_MATCH}"),
        ("api:center", f"/api/v1/cases/?page_size=25&q={SEARCH_NONE}"),
    ]


class Command(BaseCommand):
    help = "Median, worst, queries and request/SQL ratio of the workbench lists and the list API."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=7)
        parser.add_argument("--only", choices=["lists", "search", "api", "handler"], default=None)

    def handle(self, *args, runs, only, **options):
        for name in ("hotline.request", "axes"):  # one log line per request drowns the table
            logging.getLogger(name).setLevel(logging.WARNING)
        self.stdout.write(f"{Case.objects.count():,} cases on {connection.vendor}")
        district = Region.objects.filter(level=Region.Level.DISTRICT).order_by("code").first()
        pages = []
        if only not in ("search", "api"):
            pages += workbench_pages(district.code)
        if only != "lists":
            pages += search_pages()
        if only == "api":  # the list API's rows alone, from both lists
            pages = [(who, url) for who, url in workbench_pages(district.code) + search_pages()
                     if who.startswith("api:")]  # fmt: skip
        if only == "handler":  # a department's rows alone (issue 18: the assignments' index)
            pages = [(who, url) for who, url in pages if who in ("handler", "api:handler")]
        header = f"{'who':12} {'what':62} {'median':>8} {'worst':>8} {'q':>3} {'SQL':>7} ratio"
        self.stdout.write(header)
        issued = []
        try:
            for who, url in pages:
                client = self.client_for(who, issued)
                if url == "deep":
                    url = self.deep_url(client)
                if url == "detail":
                    url = self.detail_url(who)
                self.measure(client, who, url, runs)
        finally:
            for token in issued:
                token.delete()

    def client_for(self, who: str, issued: list) -> Client:
        if who.startswith("api:"):
            code = "center" if who == "api:center" else "cgj"
            department = Department.objects.get(code=code)
            token, key = tokens.issue_token(department, actor=None, name="bench_workbench")
            issued.append(token)
            return Client(HTTP_AUTHORIZATION=f"Token {key}")
        client = Client()
        client.force_login(get_user_model().objects.get(username=who))
        return client

    def deep_url(self, client) -> str:
        """The URL of page DEEP_PAGES (100 rows a page), reached by following the cursors."""
        url = "/cases/?per_page=100"
        for _ in range(DEEP_PAGES):
            cursor = NEXT_CURSOR.search(client.get(url).content.decode()).group(1)
            url = f"/cases/?per_page=100&after={cursor}"
        return url

    def detail_url(self, who: str) -> str:
        """The page of the newest case the user's department holds (its scope decides it)."""
        user = get_user_model().objects.get(username=who)
        number = visible_cases(user).order_by("-created_at").values_list("number", flat=True)[0]
        return f"/cases/{number}/"

    def measure(self, client, who, url, runs) -> None:
        client.get(url)  # warm: templates, caches, the planner's statistics
        times = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        median = statistics.median(times)
        sql = self.sql_time([q["sql"] for q in queries.captured_queries], runs)
        ratio = f"{median / sql:5.1f}×" if sql else "    -"
        self.stdout.write(
            f"{who:12} {url[:62]:62} {median:8.1f} {max(times):8.1f} {len(queries):3} "
            f"{sql:7.1f} {ratio}"
        )

    def sql_time(self, statements: list[str], runs: int) -> float:
        """The median time (ms) of running the request's statements again, straight through."""
        selects = [s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]
        times = []
        with connection.cursor() as cursor:
            for _ in range(runs):
                started = time.perf_counter()
                for statement in selects:
                    try:  # the logged form of a statement (SQLite's is approximate)
                        cursor.execute(statement)
                        cursor.fetchall()
                    except Exception:
                        return 0.0
                times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times)
