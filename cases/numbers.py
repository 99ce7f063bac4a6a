"""Human-readable case numbers: the local date and a five-digit sequence (2026112700042)."""

import datetime

from django.db import transaction
from django.db.models import F

from cases.models import DailySequence


@transaction.atomic
def allocate_case_numbers(day: datetime.date, count: int = 1) -> list[str]:
    """Reserve `count` consecutive numbers for `day`; safe under concurrent callers."""
    DailySequence.objects.get_or_create(day=day)
    DailySequence.objects.filter(day=day).update(last=F("last") + count)
    last = DailySequence.objects.select_for_update().get(day=day).last
    if last > 99999:
        raise OverflowError(f"more than 99999 cases registered on {day}")
    prefix = day.strftime("%Y%m%d")
    return [f"{prefix}{n:05d}" for n in range(last - count + 1, last + 1)]


def next_case_number(day: datetime.date) -> str:
    """One new number for a case registered on `day` (the local date)."""
    return allocate_case_numbers(day, 1)[0]
