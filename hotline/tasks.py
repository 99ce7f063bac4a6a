"""Celery tasks of the center (beat runs them: CELERY_BEAT_SCHEDULE in hotline/settings.py)."""

import datetime
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from hotline.dashboards import monthly
from hotline.dashboards.stats import refresh_recent_stats
from hotline.sweep import sweep_deadlines


@shared_task(name="hotline.sweep_deadlines", ignore_result=True)
def sweep_deadlines_task() -> dict:
    """The periodic deadline watch (idempotent: safe to overlap with cron or another worker)."""
    return dict(sweep_deadlines())


@shared_task(name="hotline.refresh_stats", ignore_result=True)
def refresh_stats_task(days: int = 60) -> int:
    """Nightly: recompute the last `days` days of dashboard aggregates (late corrections)."""
    return refresh_recent_stats(days)


@shared_task(name="hotline.monthly_report", ignore_result=True)
def monthly_report_task(today: str = "") -> list[str]:
    """Last month's report, on the first working day of this month (beat asks every day)."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    if day != monthly.first_working_day(day.replace(day=1)):
        return []
    month = monthly.previous_month(day)
    return [str(p) for p in monthly.write_report(month, Path(settings.HOTLINE_REPORTS_DIR))]
