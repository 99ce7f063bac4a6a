"""Deliver the notification outbox from cron or a loop when no Celery broker is configured."""

import time

from django.core.management.base import BaseCommand

from notifications import delivery, survey


class Command(BaseCommand):
    help = (
        "Send the SMS and e-mail messages that are due (retries follow their backoff) and send "
        "unanswered SMS surveys past their deadline to the phone callback queue."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=100, help="rows per pass")
        parser.add_argument(
            "--loop", type=float, default=0, help="keep running, a pass every N seconds"
        )

    def handle(self, *args, limit: int, loop: float, **options):
        while True:
            counts = delivery.deliver_due(limit=limit)
            expired = survey.expire_surveys()
            self.stdout.write(
                "sent {sent}, retrying {retrying}, failed {failed}, skipped {skipped}, "
                "waiting {waiting}; ".format(**counts)
                + f"surveys expired {expired}"
            )
            if not loop:
                return
            time.sleep(loop)
