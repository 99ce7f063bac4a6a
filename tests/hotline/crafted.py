"""Crafted rows with exact timestamps, for tests where every number is known in advance.

The services stamp `timezone.now()`; assessment tests need events on chosen days, so these
helpers write the rows the services would write, with the times the test chooses.
"""

import datetime
import itertools

from django.utils import timezone

from cases.events import EventType
from cases.models import Assignment, Callback, Case, CaseEvent, Category, Extension
from departments.models import Region

_numbers = itertools.count(1)


def at(day: str, hm: str = "10:00") -> datetime.datetime:
    """An aware local instant: at("2026-03-02", "09:30")."""
    naive = datetime.datetime.fromisoformat(f"{day}T{hm}")
    return timezone.make_aware(naive, timezone.get_default_timezone())


def make_case(created, *, department=None, region="430102001001", category="010101", **fields):
    """One case registered at `created` (local), in the community `region` by default."""
    values = {
        "number": f"2099{next(_numbers):09d}",
        "channel": "phone",
        "request_type": "complaint",
        "content": "路灯不亮",
        "created_at": created,
        "main_department": department,
        "region": Region.objects.get(code=region) if region else None,
        "category": Category.objects.get(code=category) if category else None,
        "status": "dispatched" if department else "registered",
    }
    return Case.objects.create(**(values | fields))


def make_assignment(case, department, dispatched, *, sign_due=None, reply_due=None, **fields):
    """An assignment with deadlines (default: 2 hours to sign, 3 days to reply)."""
    return Assignment.objects.create(
        case=case,
        case_created_at=case.created_at,
        department=department,
        dispatched_at=dispatched,
        sign_due_at=sign_due or dispatched + datetime.timedelta(hours=2),
        reply_due_at=reply_due or dispatched + datetime.timedelta(days=3),
        **fields,
    )


def make_callback(case, created, *, reached=True, resolved=None, satisfaction="", agent):
    return Callback.objects.create(
        case=case,
        agent=agent,
        created_at=created,
        reached=reached,
        resolved=resolved,
        satisfaction=satisfaction,
    )


def make_extension(assignment, requested, *, actor, days=5):
    return Extension.objects.create(
        assignment=assignment,
        reason="需协调",
        days=days,
        requested_by=actor,
        requested_at=requested,
        previous_due_at=assignment.reply_due_at,
    )


def make_reopen(case, created, *, assignment=None):
    return CaseEvent.objects.create(
        case=case, type=EventType.REOPENED, created_at=created, assignment=assignment
    )


# Hotspot tests: 8 baseline weeks and the last 7 days of daily intake.
DAYS = 63  # 8 baseline weeks and the last 7 days


def daily_cases(category: Category, community: Region, counts: list[int]) -> None:
    """counts[d] cases on the day d days ago (noon local), in one bulk insert."""
    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    rows = []
    for days_ago, n in enumerate(counts):
        noon = datetime.datetime.combine(today - datetime.timedelta(days=days_ago),
                                         datetime.time(12), tzinfo=zone)  # fmt: skip
        rows += [Case(number=f"2098{len(rows) + k:04d}{category.pk % 100000:05d}",
                      channel="phone", request_type="help", content="x", created_at=noon,
                      category=category, region=community) for k in range(n)]  # fmt: skip
    Case.objects.bulk_create(rows)
