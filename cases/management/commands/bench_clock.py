"""Measure the deadline clock: calls per second of due_at and working_time_between."""

import datetime
import random
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from cases import sla
from cases.choices import RequestType


class Command(BaseCommand):
    help = "Benchmark the working-day deadline clock (the generator and the sweep call it a lot)."

    def add_arguments(self, parser):
        parser.add_argument("--calls", type=int, default=20000)

    def handle(self, *args, calls=20000, **options):
        rng = random.Random(1)
        base = timezone.now() - datetime.timedelta(days=365)
        starts = [base + datetime.timedelta(minutes=rng.randint(0, 525600)) for _ in range(calls)]
        types = [rng.choice(RequestType.values) for _ in range(calls)]
        sla.clear_cache()
        began = time.perf_counter()
        pairs = zip(starts, types, strict=True)
        dues = [sla.due_at("reply", request_type=t, start=s) for s, t in pairs]
        reply = time.perf_counter() - began
        began = time.perf_counter()
        for start, due in zip(starts, dues, strict=False):
            sla.working_time_between(start, due)
        between = time.perf_counter() - began
        for name, seconds in (("due_at(reply)", reply), ("working_time_between", between)):
            self.stdout.write(
                f"{name}: {calls} calls in {seconds:.2f} s = {seconds / calls * 1e6:.0f} µs/call"
            )
