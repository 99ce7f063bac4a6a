"""Human-readable case numbers: the local date and a five-digit sequence (2026112700042)."""

import datetime

from django.db import connection, transaction
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


@transaction.atomic
def allocate_case_numbers_by_day(counts: dict[datetime.date, int]) -> dict[datetime.date, list]:
    """`allocate_case_numbers` for many days in one statement (a bulk load's year of days)."""
    counts = {day: n for day, n in counts.items() if n > 0}
    if not counts:
        return {}
    table = connection.ops.quote_name(DailySequence._meta.db_table)
    rows = ", ".join(["(%s, %s)"] * len(counts))
    adapt = connection.ops.adapt_datefield_value
    params = [v for day, n in counts.items() for v in (adapt(day), n)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, last) VALUES {rows} ON CONFLICT (day) "
            f"DO UPDATE SET last = {table}.last + excluded.last RETURNING day, last",
            params,
        )
        last = {str(day): n for day, n in cursor.fetchall()}
    numbers = {}
    for day, count in counts.items():
        end = last[day.isoformat()]
        if end > 99999:
            raise OverflowError(f"more than 99999 cases registered on {day}")
        prefix = day.strftime("%Y%m%d")
        numbers[day] = [f"{prefix}{n:05d}" for n in range(end - count + 1, end + 1)]
    return numbers
