"""Write a month's report as Excel and PDF: `manage.py monthly_report --month 2026-11`."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hotline.dashboards import monthly


class Command(BaseCommand):
    help = "Write the monthly report (.xlsx and .pdf) of --month (default: last month)."

    def add_arguments(self, parser):
        parser.add_argument("--month", default="", help="YYYY-MM (default: last month)")
        parser.add_argument("--out", default="", help="folder (default: HOTLINE_REPORTS_DIR)")

    def handle(self, *args, month, out, **options):
        try:
            first = monthly.parse_month(month) if month else monthly.previous_month(
                timezone.localdate())  # fmt: skip
        except ValueError as error:
            raise CommandError("--month is YYYY-MM, for example 2026-11.") from error
        folder = Path(out) if out else Path(settings.HOTLINE_REPORTS_DIR)
        for path in monthly.write_report(first, folder):
            self.stdout.write(f"Wrote {path}")
