"""Rebuild the dashboards' pre-aggregated daily counts for recent days (or all of them)."""

from django.core.management.base import BaseCommand, CommandError

from hotline.dashboards.stats import refresh_all_stats, refresh_recent_stats


class Command(BaseCommand):
    help = "Recompute the daily aggregates of the last --days days (default 60), or --all."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=60)
        parser.add_argument("--all", action="store_true", help="every day that has cases")

    def handle(self, *args, days, all, **options):
        if days < 1:
            raise CommandError("--days must be at least 1.")
        rows = refresh_all_stats() if all else refresh_recent_stats(days)
        self.stdout.write(f"Wrote {rows} aggregate rows.")
