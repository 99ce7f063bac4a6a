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

from cases import privacy
from cases.models import (
    Assignment,
    Attachment,
    Callback,
    Case,
    CaseEvent,
    Dispute,
    Extension,
    Transfer,
)
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
    # two-way transfers (issue 14)
    TRANSFER_ACKNOWLEDGED = "transfer_acknowledged"
    TRANSFER_ANSWERED = "transfer_answered"
    ATTACHMENT_ADDED = "attachment_added"
    CITIZEN_INFORMATION = "citizen_information_added"
    # --- issue 14 (helper A)
    REPLY_APPROVED = "reply_approved"
    REPLY_SENT_BACK = "reply_sent_back"
    TAKEN_BACK = "case_taken_back"
    # issue 14 (B)
    PARENT_REPLIED = "parent_replied"
    REFERRED = "case_referred"
    CONCLUDED = "case_concluded"
    SUPERVISION_ACCEPTED = "supervision_accepted"
    SUPERVISION_SENT_BACK = "supervision_sent_back"
    CONSULTATION_OPENED = "consultation_opened"
    POSITION_RECORDED = "consultation_position"
    CONSULTATION_DECIDED = "consultation_decided"
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


def case_transferred(
    case: Case, *, actor, to, reason: str, transfer: Transfer, at: Moment = None
) -> CaseEvent:
    data = {"to": to.code, "to_name": to.name, "reason": reason, "transfer": transfer.pk}
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
    data = {
        "reason": reason,
        "suggested_department": suggested,
        # shown by name on the timeline and in the return review (issue 14)
        "suggested_department_name": suggested_department.name if suggested_department else None,
    }
    return _on_assignment(assignment, EventType.RETURNED, actor=actor, data=data, at=at)


def return_accepted(assignment: Assignment, *, actor, note: str, at: Moment = None):
    data = {"accept": True, "note": note, "department": assignment.department.code}
    return _on_assignment(assignment, EventType.RETURN_ACCEPTED, actor=actor, data=data, at=at)


def return_rejected(
    assignment: Assignment, *, actor, note: str, signed: bool = False, at: Moment = None
):
    """`signed`: the department had signed before returning; it holds the case signed again."""
    data = {
        "accept": False,
        "note": note,
        "department": assignment.department.code,
        "signed": signed,
    }
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
    assignment: Assignment,
    *,
    actor,
    result: str,
    late: bool,
    review: bool = False,
    extensions_withdrawn: list[int] = (),
    at: Moment = None,
) -> CaseEvent:
    """`review`: the reply waits for the center's review; `extensions_withdrawn`: the pending
    extension requests the reply withdrew."""
    data = {
        "result": result,
        "role": assignment.role,
        "late": late,
        "review": review,
        "extensions_withdrawn": list(extensions_withdrawn),
    }
    return _on_assignment(assignment, EventType.REPLIED, actor=actor, data=data, at=at)


def reply_approved(assignment: Assignment, *, actor, note: str, at: Moment = None) -> CaseEvent:
    data = {"note": note, "department": assignment.department.code}
    return _on_assignment(assignment, EventType.REPLY_APPROVED, actor=actor, data=data, at=at)


def reply_sent_back(
    assignment: Assignment, *, actor, reason: str, result: str, content: str, at: Moment = None
) -> CaseEvent:
    """The reply the center sent back is kept here (the assignment's reply is cleared)."""
    data = {
        "reason": reason,
        "department": assignment.department.code,
        "result": result,
        "content": content,
    }
    return _on_assignment(assignment, EventType.REPLY_SENT_BACK, actor=actor, data=data, at=at)


def case_taken_back(
    case: Case,
    *,
    actor,
    reason: str,
    withdrawn: list,
    extensions_withdrawn: list[int] = (),
    supervisions_closed: list[int] = (),
    at: Moment = None,
) -> CaseEvent:
    """`withdrawn`: the departments whose assignments were taken back (each is told);
    `supervisions_closed`: the open supervision orders addressed to them, closed with it."""
    data = {
        "reason": reason,
        "withdrawn": [d.code for d in withdrawn],
        "extensions_withdrawn": list(extensions_withdrawn),
        "supervisions_closed": list(supervisions_closed),
    }
    return _write(case, EventType.TAKEN_BACK, actor=actor, data=data, at=at)


# ---------------------------------------------------------------- after the reply


def callback_recorded(case: Case, *, actor, callback: Callback, at: Moment = None) -> CaseEvent:
    data = {
        "callback": callback.pk,
        "reached": callback.reached,
        "resolved": callback.resolved,
        "satisfaction": callback.satisfaction,
        "channel": callback.channel,
    }
    return _write(case, EventType.CALLBACK, actor=actor, data=data, at=at)


def case_reopened(
    case: Case,
    *,
    actor,
    assignment: Assignment,
    reason: str,
    extensions_withdrawn: list[int] = (),
    at: Moment = None,
) -> CaseEvent:
    """`case.reopen_count` already counts this reopening."""
    data = {
        "reason": reason,
        "department": assignment.department.code,
        "reopens": case.reopen_count,
        "extensions_withdrawn": list(extensions_withdrawn),
    }
    return _write(case, EventType.REOPENED, actor=actor, assignment=assignment, data=data, at=at)


def case_parked(case: Case, *, actor, reason: str, at: Moment = None) -> CaseEvent:
    data = {"reason": reason, "reopens": case.reopen_count}
    return _write(case, EventType.PARKED, actor=actor, data=data, at=at)


def case_closed(
    case: Case,
    *,
    actor,
    note: str,
    basis: dict | None = None,
    with_parent: str = "",
    at: Moment = None,
) -> CaseEvent:
    """`basis` is why a replied case may close (`callback.closing_basis`: `callback`,
    `not_reached` or `decision`, and the attempts since the reply); empty when answered.
    `with_parent`: the number of the parent a merged duplicate closed with."""
    basis = basis or {}
    data = {
        "note": note,
        "basis": basis.get("basis", ""),
        "attempts": basis.get("attempts", 0),
        "with_parent": with_parent,
    }
    return _write(case, EventType.CLOSED, actor=actor, data=data, at=at)


def parent_replied(
    case: Case, *, actor, parent: Case, assignment: Assignment, at: Moment = None
) -> CaseEvent:
    """A duplicate hears its parent's reply (the text the citizen is told)."""
    data = {
        "parent": parent.number,
        "result": assignment.reply_result,
        "reply": assignment.reply_content,
    }
    return _write(case, EventType.PARENT_REPLIED, actor=actor, data=data, at=at)


def case_referred(case: Case, *, actor, note: str, at: Moment = None) -> CaseEvent:
    """Sent to the supervisors' decision queue (研判); `actor` None: by the SMS survey."""
    data = {"note": note, "satisfaction": case.satisfaction, "resolved": case.resolved}
    return _write(case, EventType.REFERRED, actor=actor, data=data, at=at)


def case_concluded(case: Case, *, actor, reason: str, at: Moment = None) -> CaseEvent:
    return _write(case, EventType.CONCLUDED, actor=actor, data={"reason": reason}, at=at)


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
        "instruction": order.instruction,
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


# ---------------------------------------------------------------- two-way transfers


def transfer_acknowledged(case: Case, *, actor, transfer: Transfer, at: Moment = None):
    data = {
        "transfer": transfer.pk,
        "partner": transfer.partner.code,
        "reference": transfer.reference,
    }
    return _write(case, EventType.TRANSFER_ACKNOWLEDGED, actor=actor, data=data, at=at)


def transfer_answered(case: Case, *, actor, transfer: Transfer, at: Moment = None):
    data = {"transfer": transfer.pk, "partner": transfer.partner.code, "answer": transfer.answer}
    return _write(case, EventType.TRANSFER_ANSWERED, actor=actor, data=data, at=at)


# ---------------------------------------------------------------- files and the citizen's word


def attachment_added(case: Case, *, actor, attachment: Attachment, at: Moment = None):
    """A file on the case; a confidential reporter's file name stays out of the timeline."""
    data = {"attachment": attachment.pk, "source": attachment.source}
    if privacy.file_named_on_timeline(case, attachment.source):
        data["file"] = attachment.name
    return _write(
        case,
        EventType.ATTACHMENT_ADDED,
        actor=actor,
        assignment=attachment.assignment,
        data=data,
        at=at,
    )


def citizen_information_added(
    case: Case,
    *,
    assignment: Assignment | None,
    text: str,
    attachment: Attachment | None,
    at: Moment = None,
) -> CaseEvent:
    """The citizen added to an open case on the progress lookup (no staff actor)."""
    data = {"text": text, "attachment": attachment.pk if attachment else None}
    return _write(
        case,
        EventType.CITIZEN_INFORMATION,
        actor=None,
        assignment=assignment,
        data=data,
        at=at,
    )


# ---------------------------------------------------------------- issue 14 (B): review, 会商


def supervision_reviewed(case: Case, *, actor, order, accepted: bool, at: Moment = None):
    """The center accepted the answer (the order closes) or sent it back (open again)."""
    data = {"order": order.pk, "level": order.level, "note": order.review_note}
    kind = EventType.SUPERVISION_ACCEPTED if accepted else EventType.SUPERVISION_SENT_BACK
    return _write(case, kind, actor=actor, assignment=order.assignment, data=data, at=at)


def consultation_opened(case: Case, *, actor, consultation, departments, at: Moment = None):
    """`department_ids` tells the webhooks whom to invite (they hold no assignment yet)."""
    data = {
        "consultation": consultation.pk,
        "topic": consultation.topic,
        "departments": sorted(d.code for d in departments),
        "department_ids": sorted(d.pk for d in departments),
    }
    return _write(case, EventType.CONSULTATION_OPENED, actor=actor, data=data, at=at)


def position_recorded(case: Case, *, actor, position, at: Moment = None) -> CaseEvent:
    data = {
        "consultation": position.consultation_id,
        "department": position.department.code,
        "department_ids": [position.department_id],
        "position": position.position,
    }
    return _write(case, EventType.POSITION_RECORDED, actor=actor, data=data, at=at)


def consultation_decided(
    case: Case, *, actor, consultation, assignment: Assignment, co_departments, at: Moment = None
) -> CaseEvent:
    data = {
        "consultation": consultation.pk,
        "department": consultation.main_department.code,
        "co": [d.code for d in co_departments],
        "decision": consultation.decision,
    }
    return _write(
        case, EventType.CONSULTATION_DECIDED, actor=actor, assignment=assignment, data=data, at=at
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
