"""The single place where a case's timeline is written: one constructor per event type.

Every service writes exactly one event per transition by calling the constructor of its type
(`case_dispatched`, `assignment_signed` …), which builds the event's `data` from typed
arguments and saves the `CaseEvent` through `_write`. `_write` then asks the registered outbox
writers (`core.outbox`: the departments' webhooks, later the notifications) to add their rows in
the same transaction, so they commit with the change or not at all, and logs one line once the
change is committed: a rolled-back transition leaves no row and no line.

The stored `type` strings and `data` keys are read by the timeline templates, the webhooks and
the dashboards; changing one is a data migration, not a refactoring.
"""

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from cases.models import Assignment, Callback, Case, CaseEvent, Dispute, Extension
from core import outbox

logger = logging.getLogger(__name__)


class EventType:
    """The `type` of each timeline entry (one per transition)."""

    REGISTERED = "case_registered"
    ANSWERED = "case_answered"
    TRANSFERRED = "case_transferred"
    INVALIDATED = "case_invalidated"
    MERGED = "case_merged"
    DISPATCHED = "case_dispatched"
    REDISPATCHED = "assignment_redispatched"
    SIGNED = "assignment_signed"
    RETURNED = "assignment_returned"
    RETURN_ACCEPTED = "return_accepted"
    RETURN_REJECTED = "return_rejected"
    DISPUTE_OPENED = "dispute_opened"
    DISPUTE_DECIDED = "dispute_decided"
    EXTENSION_REQUESTED = "extension_requested"
    EXTENSION_DECIDED = "extension_decided"
    PROGRESS = "progress_added"
    REPLIED = "assignment_replied"
    CALLBACK = "callback_recorded"
    REOPENED = "case_reopened"
    PARKED = "case_parked"
    CLOSED = "case_closed"
    URGED = "assignment_urged"
    SUPERVISED = "supervision_opened"
    SUPERVISION_ANSWERED = "supervision_answered"
    # The notifications (issue 15): each delivery attempt, and how an SMS survey ended. The
    # center's alone (cases.policy keeps them from departments' timelines).
    NOTIFICATION_ATTEMPT = "notification_attempt"
    SURVEY_CLOSED = "sms_survey_closed"


Moment = datetime.datetime | None


def _write(
    case: Case, type: str, *, actor, data: dict, assignment: Assignment | None = None, at: Moment
) -> CaseEvent:
    """Append the entry, let the outbox writers add their rows, log it once committed."""
    event = CaseEvent.objects.create(
        case=case,
        type=type,
        actor=actor,
        assignment=assignment,
        data=data,
        created_at=at or timezone.now(),
    )
    outbox.write(event)  # the writers' rows commit (or not) with the change
    log_fields = {"event": type, "case": case.number}
    # Logged once committed: a rolled-back action did not happen.
    transaction.on_commit(lambda: logger.info("%s %s", type, case.number, extra=log_fields))
    return event


def _on_assignment(assignment: Assignment, type: str, *, actor, data: dict, at: Moment):
    # The services hand over assignments whose `case` is the locked, updated row.
    return _write(assignment.case, type, actor=actor, assignment=assignment, data=data, at=at)


# ---------------------------------------------------------------- intake


def case_registered(case: Case, *, actor, at: Moment = None) -> CaseEvent:
    data = {"channel": case.channel, "request_type": case.request_type, "urgency": case.urgency}
    return _write(case, EventType.REGISTERED, actor=actor, data=data, at=at)


def case_answered(case: Case, *, actor, articles: list, at: Moment = None) -> CaseEvent:
    data = {"articles": [article.pk for article in articles]}
    return _write(case, EventType.ANSWERED, actor=actor, data=data, at=at)


def case_transferred(case: Case, *, actor, to, reason: str, at: Moment = None) -> CaseEvent:
    data = {"to": to.code, "to_name": to.name, "reason": reason}
    return _write(case, EventType.TRANSFERRED, actor=actor, data=data, at=at)


def case_invalidated(case: Case, *, actor, reason: str, at: Moment = None) -> CaseEvent:
    return _write(case, EventType.INVALIDATED, actor=actor, data={"reason": reason}, at=at)


def case_merged(case: Case, *, actor, parent: Case, at: Moment = None) -> CaseEvent:
    return _write(case, EventType.MERGED, actor=actor, data={"parent": parent.number}, at=at)


# ---------------------------------------------------------------- dispatch and the way back


def case_dispatched(
    case: Case,
    *,
    actor,
    assignment: Assignment,
    co_departments: list,
    note: str,
    basis: dict,
    at: Moment = None,
) -> CaseEvent:
    """`basis` is the routing suggestion the dispatch followed (`routing.dispatch_basis`)."""
    data = {
        "department": assignment.department.code,
        "co": [co.code for co in co_departments],
        "note": note,
        **basis,
    }
    return _write(case, EventType.DISPATCHED, actor=actor, assignment=assignment, data=data, at=at)


def assignment_redispatched(
    assignment: Assignment, *, actor, from_department, note: str, at: Moment = None
) -> CaseEvent:
    data = {"from": from_department.code, "department": assignment.department.code, "note": note}
    return _on_assignment(assignment, EventType.REDISPATCHED, actor=actor, data=data, at=at)


def assignment_signed(assignment: Assignment, *, actor, late: bool, at: Moment = None):
    data = {"late": late, "role": assignment.role}
    return _on_assignment(assignment, EventType.SIGNED, actor=actor, data=data, at=at)


def assignment_returned(
    assignment: Assignment, *, actor, reason: str, suggested_department=None, at: Moment = None
) -> CaseEvent:
    suggested = suggested_department.code if suggested_department else None
    data = {"reason": reason, "suggested_department": suggested}
    return _on_assignment(assignment, EventType.RETURNED, actor=actor, data=data, at=at)


def return_accepted(assignment: Assignment, *, actor, note: str, at: Moment = None):
    data = {"accept": True, "note": note, "department": assignment.department.code}
    return _on_assignment(assignment, EventType.RETURN_ACCEPTED, actor=actor, data=data, at=at)


def return_rejected(assignment: Assignment, *, actor, note: str, at: Moment = None):
    data = {"accept": False, "note": note, "department": assignment.department.code}
    return _on_assignment(assignment, EventType.RETURN_REJECTED, actor=actor, data=data, at=at)


def dispute_opened(
    case: Case, *, actor, dispute: Dispute, departments, at: Moment = None
) -> CaseEvent:
    data = {"reason": dispute.reason, "departments": sorted(d.code for d in departments)}
    return _write(case, EventType.DISPUTE_OPENED, actor=actor, data=data, at=at)


def dispute_decided(
    case: Case, *, actor, dispute: Dispute, assignment: Assignment, at: Moment = None
) -> CaseEvent:
    data = {
        "department": dispute.decided_department.code,
        "note": dispute.decision_note,
        "dispute": dispute.pk,
    }
    return _write(
        case, EventType.DISPUTE_DECIDED, actor=actor, assignment=assignment, data=data, at=at
    )


# ---------------------------------------------------------------- handling


def progress_added(assignment: Assignment, *, actor, note: str, at: Moment = None):
    return _on_assignment(assignment, EventType.PROGRESS, actor=actor, data={"note": note}, at=at)


def extension_requested(
    assignment: Assignment, *, actor, extension: Extension, at: Moment = None
) -> CaseEvent:
    data = {"extension": extension.pk, "days": extension.days, "reason": extension.reason}
    return _on_assignment(assignment, EventType.EXTENSION_REQUESTED, actor=actor, data=data, at=at)


def extension_decided(
    assignment: Assignment, *, actor, extension: Extension, approve: bool, at: Moment = None
) -> CaseEvent:
    due = extension.new_due_at.isoformat() if extension.new_due_at else None
    data = {
        "extension": extension.pk,
        "approve": approve,
        "note": extension.decision_note,
        "new_due_at": due,
    }
    return _on_assignment(assignment, EventType.EXTENSION_DECIDED, actor=actor, data=data, at=at)


def assignment_replied(
    assignment: Assignment, *, actor, result: str, late: bool, at: Moment = None
) -> CaseEvent:
    data = {"result": result, "role": assignment.role, "late": late}
    return _on_assignment(assignment, EventType.REPLIED, actor=actor, data=data, at=at)


# ---------------------------------------------------------------- after the reply


def callback_recorded(case: Case, *, actor, callback: Callback, at: Moment = None) -> CaseEvent:
    data = {
        "callback": callback.pk,
        "reached": callback.reached,
        "resolved": callback.resolved,
        "satisfaction": callback.satisfaction,
    }
    return _write(case, EventType.CALLBACK, actor=actor, data=data, at=at)


def case_reopened(
    case: Case, *, actor, assignment: Assignment, reason: str, at: Moment = None
) -> CaseEvent:
    """`case.reopen_count` already counts this reopening."""
    data = {
        "reason": reason,
        "department": assignment.department.code,
        "reopens": case.reopen_count,
    }
    return _write(case, EventType.REOPENED, actor=actor, assignment=assignment, data=data, at=at)


def case_parked(case: Case, *, actor, reason: str, at: Moment = None) -> CaseEvent:
    data = {"reason": reason, "reopens": case.reopen_count}
    return _write(case, EventType.PARKED, actor=actor, data=data, at=at)


def case_closed(case: Case, *, actor, note: str, at: Moment = None) -> CaseEvent:
    return _write(case, EventType.CLOSED, actor=actor, data={"note": note}, at=at)


# ---------------------------------------------------------------- reminders and supervision


def assignment_urged(
    assignment: Assignment, *, actor, note: str, threshold: str, at: Moment = None
) -> CaseEvent:
    """`actor` None is the automatic sweep."""
    data = {"note": note, "threshold": threshold, "automatic": actor is None}
    return _on_assignment(assignment, EventType.URGED, actor=actor, data=data, at=at)


def supervision_opened(case: Case, *, actor, order, at: Moment = None) -> CaseEvent:
    data = {
        "order": order.pk,
        "level": order.level,
        "due_at": order.due_at.isoformat(),
        "reason": order.reason,
    }
    return _write(
        case, EventType.SUPERVISED, actor=actor, assignment=order.assignment, data=data, at=at
    )


def supervision_answered(case: Case, *, actor, order, at: Moment = None) -> CaseEvent:
    data = {"order": order.pk, "answer": order.answer}
    return _write(
        case,
        EventType.SUPERVISION_ANSWERED,
        actor=actor,
        assignment=order.assignment,
        data=data,
        at=at,
    )


# ---------------------------------------------------------------- notifications (the center's)


def notification_attempt(
    case: Case,
    *,
    channel: str,
    template: str,
    audience: str,
    attempt: int,
    result: str,
    reason: str = "",
    at: Moment = None,
) -> CaseEvent:
    """One try to deliver a message about the case (its result: sent, failed, skipped …)."""
    data = {
        "channel": channel,
        "template": template,
        "audience": audience,
        "attempt": attempt,
        "result": result,
        "reason": reason,
    }
    return _write(case, EventType.NOTIFICATION_ATTEMPT, actor=None, data=data, at=at)


def sms_survey_closed(case: Case, *, outcome: str, reply: str, at: Moment = None) -> CaseEvent:
    """The SMS survey ended without a rating: an unclear answer (kept) or none in time."""
    data = {"outcome": outcome, "reply": reply}
    return _write(case, EventType.SURVEY_CLOSED, actor=None, data=data, at=at)
