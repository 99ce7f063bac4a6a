"""Deliver the webhook outbox from cron or a loop when no Celery broker is configured."""

import time

from django.core.management.base import BaseCommand

from departments import webhooks


class Command(BaseCommand):
    help = "Deliver pending webhook deliveries that are due (retries follow their backoff)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=100, help="rows per pass")
        parser.add_argument(
            "--loop", type=float, default=0, help="keep running, a pass every N seconds"
        )

    def handle(self, *args, limit: int, loop: float, **options):
        while True:
            counts = webhooks.deliver_due(limit=limit)
            self.stdout.write(f"delivered {counts['delivered']}, retrying {counts['retrying']}")
            if not loop:
                return
            time.sleep(loop)
