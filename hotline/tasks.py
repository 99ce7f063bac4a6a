"""Celery tasks of the center (beat runs them: CELERY_BEAT_SCHEDULE in hotline/settings.py)."""

from celery import shared_task

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
