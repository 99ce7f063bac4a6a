"""The deadline watch: urge assignments near or past their sign and reply deadlines, once each.

For every open assignment and each of its two deadlines (sign for, reply) the sweep decides
which threshold has been reached at `now`:

- `overdue` when the deadline has passed;
- `quarter_left` when at most a quarter of the limit is left, measured in working time on the
  working calendar (`cases.sla.working_time_between`) from the dispatch to the deadline; limits
  given in clock minutes (urgent signing) are measured in clock time.

A threshold reached for the first time is urged through `cases.services.urge_assignment`
(the urge event, which carries the notification and the webhook) and remembered as a
`DeadlineReminder` row in the same transaction. The row's unique constraint on (assignment,
stage, threshold, deadline) is what makes the sweep safe: a second sweep running at the same
time blocks on the first one's row and then fails to insert its own, so it skips; a sweep run
twice in a row finds the rows and does nothing. An approved extension moves the reply deadline,
which gets its own reminders. Overdue reminders are the flags the supervision page lists.
"""

import datetime
import logging
from collections import Counter

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cases import services, sla
from cases.choices import (
    OWING_ASSIGNMENT_STATUSES,
    UNSIGNED_ASSIGNMENT_STATUSES,
    Action,
    case_sources,
)
from cases.models import Assignment
from core.errors import ApplicationError
from core.progress import progress
from hotline.dashboards.stats import refresh_recent_stats
from hotline.models import DeadlineReminder

log = logging.getLogger(__name__)

Stage, Threshold = DeadlineReminder.Stage, DeadlineReminder.Threshold
# The assignments whose deadline of each stage runs (both are what an urge reaches).
OPEN_FOR = {Stage.SIGN: UNSIGNED_ASSIGNMENT_STATUSES, Stage.REPLY: OWING_ASSIGNMENT_STATUSES}
DUE_FIELD = {Stage.SIGN: "sign_due_at", Stage.REPLY: "reply_due_at"}
# The case statuses the transition table lets an urge through (others would be refused).
URGEABLE_CASES = case_sources(Action.URGE)


def candidates(stage: str, now: datetime.datetime):
    """Open assignments whose current deadline of `stage` still has a threshold to urge."""
    due = DUE_FIELD[stage]
    reminded = DeadlineReminder.objects.filter(
        assignment=OuterRef("pk"), stage=stage, due_at=OuterRef(due)
    )
    quarter_done = Q(**{f"{due}__gt": now}) & Exists(
        reminded.filter(threshold=Threshold.QUARTER_LEFT)
    )
    return (
        Assignment.objects.filter(status__in=OPEN_FOR[stage], case__status__in=URGEABLE_CASES)
        .exclude(Exists(reminded.filter(threshold=Threshold.OVERDUE)))
        .exclude(quarter_done)
        .select_related("case")
        .only("id", "case_id", "dispatched_at", "sign_due_at", "reply_due_at", "status",
              "case__request_type", "case__urgency")
        .order_by("id")
    )  # fmt: skip


def threshold_reached(assignment: Assignment, stage: str, now) -> str | None:
    """The threshold the deadline has reached at `now` (overdue wins), or None."""
    due = getattr(assignment, DUE_FIELD[stage])
    if due <= now:
        return Threshold.OVERDUE
    case = assignment.case
    policy = sla.policy_for(stage, request_type=case.request_type, urgency=case.urgency)
    if stage == Stage.SIGN and policy.unit == "clock_minutes":
        total, left = due - assignment.dispatched_at, due - now
    else:
        total = sla.working_time_between(assignment.dispatched_at, due)
        left = sla.working_time_between(now, due)
    return Threshold.QUARTER_LEFT if left * 4 <= total else None


def urge_once(assignment: Assignment, stage: str, threshold: str, now) -> bool:
    """Urge and remember it in one transaction; False when someone already did (or can't)."""
    due = getattr(assignment, DUE_FIELD[stage])
    try:
        with transaction.atomic():
            DeadlineReminder.objects.create(
                assignment=assignment, stage=stage, threshold=threshold, due_at=due, created_at=now
            )
            services.urge_assignment(
                assignment, actor=None, threshold=f"{stage}:{threshold}", at=now,
                note=f"automatic reminder: {stage} deadline {threshold.replace('_', ' ')}",
            )  # fmt: skip
    except IntegrityError:
        return False  # another sweep urged it first
    except ApplicationError as error:
        log.info("not urging assignment %s: %s", assignment.pk, error)
        return False  # the assignment moved on meanwhile (signed, replied, withdrawn)
    return True


def sweep_deadlines(now: datetime.datetime | None = None, *, refresh: bool = True) -> Counter:
    """One pass of the deadline watch; returns how many urges were sent per stage:threshold."""
    now = now or timezone.now()
    sent: Counter = Counter()
    for stage in (Stage.SIGN, Stage.REPLY):
        watched = candidates(stage, now).iterator(chunk_size=2000)
        for assignment in progress(watched, desc=f"Deadline sweep ({stage})", unit="assignment"):
            threshold = threshold_reached(assignment, stage, now)
            if threshold and urge_once(assignment, stage, threshold, now):
                sent[f"{stage}:{threshold}"] += 1
    if refresh:
        sent["stat_rows"] = refresh_recent_stats()
    return sent
