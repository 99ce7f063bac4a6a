"""The deadline clock: working days and office hours on the official calendar.

Working time is the time inside the office hours (`HOTLINE_OFFICE_HOURS`, local time) of a
working day. A working day is Monday–Friday unless the `WorkingDay` table says otherwise for that
date (statutory holidays, and weekend days worked in exchange: 调休). "n working days" is n times
the length of one office day of working time, counted from the start instant, so a case
registered on Friday at 10:00 with 2 working days is due on Tuesday at 10:00. A start outside
office hours starts the clock at the next opening. Clock minutes (urgent signing) ignore the
calendar.

The calendar of a year and the deadline policies are read once and kept in memory; saving or
deleting a `WorkingDay` or `DeadlinePolicy` clears that memory in this process and announces the
change to every other process through the "deadline-clock" generation (`core.generations`, see
`CasesConfig.ready`), which they check at most once a second.
"""

import datetime
from dataclasses import dataclass
from functools import cache

from chinese_calendar.constants import holidays, workdays
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from cases.choices import DeadlineStage, DeadlineUnit, RequestType, Urgency
from cases.models import DeadlinePolicy, WorkingDay
from core import generations

ONE_DAY = datetime.timedelta(days=1)
ZERO = datetime.timedelta()
# Extensions: the EXTENSION policy's `limit` is the longest one, its `max_count` how many one
# assignment may be granted (3 by default, DOMAIN.md); both are edited in the admin.

DEFAULT_POLICIES: list[tuple[str, str, str, int, str]] = [
    # stage, request type, urgency ("" = any), limit, unit
    (DeadlineStage.SIGN, "", "", 2, DeadlineUnit.WORKING_HOURS),
    (DeadlineStage.SIGN, "", Urgency.URGENT, 30, DeadlineUnit.CLOCK_MINUTES),
    (DeadlineStage.SIGN, "", Urgency.EXTRA_URGENT, 15, DeadlineUnit.CLOCK_MINUTES),
    (DeadlineStage.RETURN, "", "", 1, DeadlineUnit.WORKING_DAYS),
    (DeadlineStage.REPLY, "", "", 10, DeadlineUnit.WORKING_DAYS),
    (DeadlineStage.REPLY, RequestType.CONSULTATION, "", 2, DeadlineUnit.WORKING_DAYS),
    (DeadlineStage.REPLY, RequestType.HELP, "", 10, DeadlineUnit.WORKING_DAYS),
    (DeadlineStage.REPLY, RequestType.SUGGESTION, "", 10, DeadlineUnit.WORKING_DAYS),
    (DeadlineStage.REPLY, RequestType.COMPLAINT, "", 15, DeadlineUnit.WORKING_DAYS),
    (DeadlineStage.REPLY, RequestType.REPORT, "", 15, DeadlineUnit.WORKING_DAYS),
    (DeadlineStage.EXTENSION, "", "", 10, DeadlineUnit.WORKING_DAYS),
]


@dataclass(frozen=True)
class Policy:
    limit: int
    unit: str
    max_count: int = 3  # the extension stage: how many per assignment


# ---------------------------------------------------------------- office hours and calendar


@cache
def office_spans() -> tuple[tuple[datetime.time, datetime.time], ...]:
    """The configured office hours as ordered (open, close) local times."""
    spans = []
    for text in settings.HOTLINE_OFFICE_HOURS:
        try:
            start, end = (datetime.time.fromisoformat(p.strip()) for p in text.split("-"))
        except ValueError as error:
            raise ImproperlyConfigured(f"HOTLINE_OFFICE_HOURS: bad span {text!r}") from error
        if end <= start or (spans and start < spans[-1][1]):
            raise ImproperlyConfigured(f"HOTLINE_OFFICE_HOURS: {text!r} is empty or out of order")
        spans.append((start, end))
    return tuple(spans)


@cache
def office_day() -> datetime.timedelta:
    """The working time in one working day (7 hours with the default office hours)."""
    day = datetime.date(2000, 1, 3)
    return sum(
        (_combine(day, end) - _combine(day, start) for start, end in office_spans()),
        datetime.timedelta(),
    )


_calendar: dict[int, dict[datetime.date, bool]] = {}
_policies: dict[tuple[str, str, str], Policy] = {}
GENERATION = "deadline-clock"
_watch = generations.Watch(GENERATION)


def clear_cache(**_kwargs) -> None:
    """Forget the calendar and policies read so far (called when either table changes)."""
    _calendar.clear()
    _day_spans.clear()
    _policies.clear()
    office_spans.cache_clear()
    office_day.cache_clear()


def announce_change(**_kwargs) -> None:
    """Forget the calendar and policies here and, after commit, in every other process."""
    clear_cache()
    generations.bump(GENERATION)


def _forget_if_changed_elsewhere() -> None:
    if _watch.changed():
        clear_cache()


def _year(year: int) -> dict[datetime.date, bool]:
    _forget_if_changed_elsewhere()
    if year not in _calendar:
        _calendar[year] = dict(
            WorkingDay.objects.filter(date__year=year).values_list("date", "is_workday")
        )
    return _calendar[year]


def is_workday(day: datetime.date) -> bool:
    """Whether `day` is a working day: the official calendar, else Monday to Friday."""
    official = _year(day.year).get(day)
    return day.weekday() < 5 if official is None else official


def calendar_known(year: int) -> bool:
    """Whether an official schedule was entered (or seeded) for `year`."""
    return bool(_year(year))


def _local(instant: datetime.datetime) -> datetime.datetime:
    """The instant in the center's zone (whatever zone a request activated)."""
    return timezone.localtime(instant, timezone.get_default_timezone())


def _combine(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return datetime.datetime.combine(day, time, tzinfo=timezone.get_default_timezone())


_day_spans: dict[datetime.date, tuple] = {}


def _spans_of(day: datetime.date) -> tuple[tuple[datetime.datetime, datetime.datetime], ...]:
    """The office spans of one date as local datetimes (none on a day off), memoised."""
    spans = _day_spans.get(day)
    if spans is None:
        spans = (
            tuple((_combine(day, start), _combine(day, end)) for start, end in office_spans())
            if is_workday(day)
            else ()
        )
        _day_spans[day] = spans
    return spans


# ---------------------------------------------------------------- the clock


def add_working_time(start: datetime.datetime, amount: float, unit: str) -> datetime.datetime:
    """The instant `amount` units of working time (or clock minutes) after `start`."""
    if unit == DeadlineUnit.CLOCK_MINUTES:
        return start + datetime.timedelta(minutes=amount)
    if unit == DeadlineUnit.WORKING_HOURS:
        remaining = datetime.timedelta(hours=amount)
    elif unit == DeadlineUnit.WORKING_DAYS:
        remaining = office_day() * amount
    else:
        raise ValueError(f"unknown deadline unit {unit!r}")
    if remaining < ZERO or not office_spans():
        raise ValueError("working time is added forwards, with office hours configured")
    if remaining == ZERO:
        return start  # nothing to add: not even a move to the next opening
    start = _local(start)
    day, whole = start.date(), office_day()
    while True:
        spans = _spans_of(day)
        if spans and start <= spans[0][0] and remaining > whole:
            remaining -= whole  # a whole working day at once
        else:
            for span_start, span_end in spans:
                begin = max(span_start, start)
                if begin >= span_end:
                    continue
                if remaining <= span_end - begin:
                    return begin + remaining
                remaining -= span_end - begin
        day += ONE_DAY


def subtract_working_time(end: datetime.datetime, hours: float) -> datetime.datetime:
    """The latest instant with `hours` of working time between it and `end` (for backfills)."""
    remaining = datetime.timedelta(hours=hours)
    end = _local(end)
    day = end.date()
    while True:
        for span_start, span_end in reversed(_spans_of(day)):
            finish = min(span_end, end)
            if finish <= span_start:
                continue
            if remaining <= finish - span_start:
                return finish - remaining
            remaining -= finish - span_start
        day -= ONE_DAY


def working_time_between(start: datetime.datetime, end: datetime.datetime) -> datetime.timedelta:
    """The working time inside [start, end] (zero when end is not after start)."""
    total = datetime.timedelta()
    if end <= start:
        return total
    start, end = _local(start), _local(end)
    day, last, whole = start.date(), end.date(), office_day()
    while day <= last:
        spans = _spans_of(day)
        if spans and start <= spans[0][0] and end >= spans[-1][1]:
            total += whole
        else:
            for span_start, span_end in spans:
                overlap = min(span_end, end) - max(span_start, start)
                if overlap > ZERO:
                    total += overlap
        day += ONE_DAY
    return total


def policy_for(stage: str, *, request_type: str = "", urgency: str = "") -> Policy:
    """The most specific deadline policy: type and urgency, type, urgency, then the default."""
    _forget_if_changed_elsewhere()
    if not _policies:
        for row in DeadlinePolicy.objects.all():
            key = (row.stage, row.request_type, row.urgency)
            _policies[key] = Policy(row.limit, row.unit, row.max_count)
    for key in (
        (stage, request_type, urgency),
        (stage, request_type, ""),
        (stage, "", urgency),
        (stage, "", ""),
    ):
        if key in _policies:
            return _policies[key]
    raise ImproperlyConfigured(f"no deadline policy for stage {stage!r}: add one in the admin")


def due_at(
    stage: str, *, request_type: str = "", urgency: str = "", start: datetime.datetime
) -> datetime.datetime:
    """When `stage` is due for a case of this type and urgency, counted from `start`."""
    policy = policy_for(stage, request_type=request_type, urgency=urgency)
    return add_working_time(start, policy.limit, policy.unit)


# ---------------------------------------------------------------- seeding


def official_calendar_rows(years=None) -> list[tuple[datetime.date, bool, str]]:
    """(date, is_workday, name) for every holiday and adjusted working day chinese_calendar knows.

    Only the dates that differ from a plain week, plus the named holidays falling on a weekend,
    are listed: every other date follows Monday–Friday.
    """
    rows = []
    for day, name in holidays.items():
        if years is None or day.year in years:
            rows.append((day, False, str(name)))
    for day, name in workdays.items():
        if years is None or day.year in years:
            rows.append((day, True, f"adjusted working day ({name})"))
    return sorted(rows)


def seed_calendar(model=None, years=None) -> int:
    """Enter the official holidays the chinesecalendar package knows; existing dates are kept."""
    model = model or WorkingDay
    known = set(model.objects.values_list("date", flat=True))
    new = [
        model(date=day, is_workday=workday, name=name[:60], source="chinesecalendar")
        for day, workday, name in official_calendar_rows(years)
        if day not in known
    ]
    model.objects.bulk_create(new)
    announce_change()
    return len(new)


def seed_deadline_policies(model=None) -> int:
    """Create the DOMAIN.md default deadline policies that are missing; edited ones are kept."""
    model = model or DeadlinePolicy
    created = 0
    for stage, request_type, urgency, limit, unit in DEFAULT_POLICIES:
        _, new = model.objects.get_or_create(
            stage=stage,
            request_type=request_type,
            urgency=urgency,
            defaults={"limit": limit, "unit": unit},
        )
        created += new
    announce_change()
    return created
