"""Time every dashboard page at the current data size (median and worst of several runs)."""

import datetime
import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Assignment, Case, CaseEvent
from hotline.models import DailyHotspotCount, DailyStat

PAGES = [
    ("today", "dashboards:today", {}),
    ("today, one district", "dashboards:today", {"district": "430104"}),
    ("assessment by department (30 days)", "dashboards:assessment", {}),
    ("assessment by district (30 days)", "dashboards:assessment", {"by": "district"}),
    ("assessment, one year", "dashboards:assessment", {"date_from": "-365"}),
    ("assessment, channel filter", "dashboards:assessment", {"channel": "wechat"}),
    ("trends (30 days)", "dashboards:trends", {}),
    ("trends, category filter", "dashboards:trends", {"category": "05"}),
    ("trends, one year", "dashboards:trends", {"date_from": "-365"}),
    ("hotspots", "dashboards:hotspots", {}),
    ("supervision: flagged", "dashboards:supervision_state", {"state": "flagged"}),
    ("assessment Excel export", "dashboards:assessment", {"export": "xlsx"}),
]


class Command(BaseCommand):
    help = "Print how long each dashboard page takes at the current data size."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=5, help="timed runs per page")

    def handle(self, *args, runs, **options):
        self._sizes()
        client = Client()
        client.force_login(get_user_model().objects.get(username="supervisor"))
        today = timezone.localdate()
        self.stdout.write(f"{'page':40} {'median ms':>10} {'worst ms':>9} {'queries':>8}")
        for label, name, params in PAGES:
            params = dict(params)
            if params.get("date_from") == "-365":
                params["date_from"] = (today - datetime.timedelta(days=364)).isoformat()
            kwargs = {"state": params.pop("state")} if "state" in params else {}
            url = reverse(name, kwargs=kwargs)
            timings, queries = self._time(client, url, params, runs)
            self.stdout.write(
                f"{label:40} {statistics.median(timings):10.1f} {max(timings):9.1f} {queries:8d}"
            )

    def _time(self, client, url, params, runs) -> tuple[list[float], int]:
        assert client.get(url, params).status_code == 200, url  # warm up
        timings = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url, params)
                timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code}")
        return timings, len(captured)

    def _sizes(self) -> None:
        self.stdout.write(
            f"{connection.vendor}: {Case.objects.count()} cases, "
            f"{Assignment.objects.count()} assignments, {CaseEvent.objects.count()} events, "
            f"{DailyStat.objects.count()} daily stat rows, "
            f"{DailyHotspotCount.objects.count()} hotspot rows"
        )
