"""System checks of the center's configuration."""

from django.core.checks import Warning, register
from django.db import DatabaseError
from django.utils import timezone

from cases import sla


def missing_official_calendars() -> list[int]:
    """This year and next year, those without an official holiday schedule (W001, /healthz)."""
    this_year = timezone.localdate().year
    return [y for y in (this_year, this_year + 1) if not sla.calendar_known(y)]


@register()
def official_calendar_check(app_configs=None, **kwargs):
    """Warn when this year's or next year's official holiday schedule is missing."""
    try:
        missing = missing_official_calendars()
    except DatabaseError:  # before the first migrate: nothing to check yet
        return []
    return [
        Warning(
            f"no official calendar entered for {year}",
            hint=(
                "Deadlines fall back to Monday–Friday. Enter the State Council's holiday "
                "schedule for that year in the admin (Cases › Working calendar)."
            ),
            id="hotline.W001",
        )
        for year in missing
    ]
