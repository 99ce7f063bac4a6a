"""Run the deadline watch once (from cron when no Celery broker is configured)."""

from django.core.management.base import BaseCommand

from hotline.sweep import sweep_deadlines


class Command(BaseCommand):
    help = "Urge assignments near or past their deadlines (once per threshold) and refresh stats."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-stats", action="store_true", help="skip refreshing the recent daily aggregates"
        )

    def handle(self, *args, no_stats, **options):
        sent = sweep_deadlines(refresh=not no_stats)
        summary = ", ".join(f"{key} {count}" for key, count in sorted(sent.items())) or "nothing"
        self.stdout.write(f"Deadline sweep: {summary}.")
