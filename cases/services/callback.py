"""After the reply: callbacks, reopening (or parking) and closing."""

import datetime

from django.conf import settings
from django.db import transaction

from cases import events
from cases.choices import Action, AssignmentRole, AssignmentStatus, Satisfaction
from cases.models import Callback, Case
from cases.services.dispatch import drive_case, new_assignment
from cases.services.guards import (
    ensure_center,
    ensure_supervisor,
    ensure_transition,
    lock_assignments,
    lock_case,
    moment,
    require_text,
)
from cases.services.handling import withdraw_pending_extensions
from core.errors import InvalidInput, TransitionNotAllowed


def _ensure_rating(reached: bool, resolved, satisfaction: str) -> None:
    if not reached and (resolved is not None or satisfaction):
        raise InvalidInput(
            "a callback that did not reach the citizen has no rating", field="satisfaction"
        )
    if reached and satisfaction not in Satisfaction.values:
        raise InvalidInput(
            f"say how satisfied the citizen is: one of {', '.join(Satisfaction.values)}",
            field="satisfaction",
        )


@transaction.atomic
def record_callback(
    case: Case,
    *,
    actor,
    reached: bool,
    resolved: bool | None = None,
    satisfaction: str = "",
    note: str = "",
    at: datetime.datetime | None = None,
) -> Callback:
    """One attempt to call the citizen back (回访): reached or not, resolved, satisfaction."""
    at = moment(at)
    _ensure_rating(reached, resolved, satisfaction)
    case = lock_case(case)
    ensure_center(actor, case, "call citizens back")
    ensure_transition(case, Action.CALLBACK)
    callback = Callback.objects.create(
        case=case,
        agent=actor,
        created_at=at,
        reached=reached,
        resolved=resolved,
        satisfaction=satisfaction,
        note=note,
    )
    if reached:
        case.resolved, case.satisfaction = resolved, satisfaction
        case.save(update_fields=["resolved", "satisfaction", "updated_at"])
    events.callback_recorded(case, actor=actor, callback=callback, at=at)
    return callback


def _last_department(case: Case, assignments):
    replied = [
        a
        for a in assignments.values()
        if a.role == AssignmentRole.MAIN and a.status == AssignmentStatus.REPLIED
    ]
    if not replied:
        raise TransitionNotAllowed(f"case {case.number} has no department reply to reopen")
    return replied[-1].department


@transaction.atomic
def reopen_case(case: Case, *, actor, reason: str, at: datetime.datetime | None = None) -> Case:
    """Send an unresolved case back to its department (重办); past the cap, park it (挂账)."""
    at = moment(at)
    reason = require_text(reason, "reason", "the reason for reopening")
    case = lock_case(case)
    assignments = lock_assignments(case)
    ensure_supervisor(actor, case, "reopen cases")
    if case.reopen_count >= settings.HOTLINE_MAX_REOPENS:
        target = ensure_transition(case, Action.PARK)
        drive_case(case, target, closed_at=at)
        events.case_parked(case, actor=actor, reason=reason, at=at)
        return case
    target = ensure_transition(case, Action.REOPEN)
    department = _last_department(case, assignments)
    main = new_assignment(
        case, department, role=AssignmentRole.MAIN, actor=actor, at=at, allow_return=False
    )
    # a request still pending on the case (a co-handler's) no longer applies: issue 14
    extensions = withdraw_pending_extensions(list(assignments.values()), at=at)
    drive_case(
        case, target, main, reopen_count=case.reopen_count + 1, closed_at=None, replied_at=None
    )
    events.case_reopened(
        case, actor=actor, assignment=main, reason=reason, extensions_withdrawn=extensions, at=at
    )
    return case


@transaction.atomic
def close_case(case: Case, *, actor, note: str = "", at: datetime.datetime | None = None) -> Case:
    """Close a replied or directly answered case (办结归档)."""
    at = moment(at)
    case = lock_case(case)
    ensure_center(actor, case, "close cases")
    target = ensure_transition(case, Action.CLOSE)
    drive_case(case, target, closed_at=at)
    events.case_closed(case, actor=actor, note=note, at=at)
    return case


# What may follow a callback on the same form: nothing, closing the case, or reopening it.
CALLBACK_FOLLOW_UPS = ("", "close", "reopen")


@transaction.atomic  # not durable: an API call with an Idempotency-Key is the outer one
def complete_callback(
    case: Case,
    *,
    actor,
    reached: bool,
    resolved: bool | None = None,
    satisfaction: str = "",
    note: str = "",
    then: str = "",
) -> Callback:
    """Record a callback and, in the same transaction, close or reopen the case as the agent
    chose: a refused close or reopen leaves no callback recorded either."""
    if then not in CALLBACK_FOLLOW_UPS:
        raise InvalidInput(
            f"after a callback: close, reopen or nothing, not {then!r}", field="then"
        )
    callback = record_callback(
        case, actor=actor, reached=reached, resolved=resolved, satisfaction=satisfaction, note=note
    )
    if then == "close":
        close_case(case, actor=actor, note=note)
    elif then == "reopen":
        reopen_case(case, actor=actor, reason=note)
    return callback
