"""The single place where a case's timeline is written.

Every service writes exactly one event per transition through `record_event`. Whatever must
happen once the change is committed (webhooks, notifications, counters) listens to the
`event_committed` signal, which fires only after the transaction commits: a rolled-back
transition never notifies anybody.
"""

import datetime
import logging

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from cases.models import CaseEvent
from departments import webhooks

# Sent after commit with `event=` the CaseEvent; receivers must not raise.
event_committed = Signal()
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


def record_event(
    case,
    type: str,
    *,
    actor,
    assignment=None,
    data: dict | None = None,
    at: datetime.datetime | None = None,
) -> CaseEvent:
    """Append one entry to the case's timeline; listeners hear of it after commit."""
    event = CaseEvent.objects.create(
        case=case,
        type=type,
        actor=actor,
        assignment=assignment,
        data=data or {},
        created_at=at or timezone.now(),
    )
    webhooks.enqueue_for_event(event)  # the outbox row commits (or not) with the change
    log_fields = {"event": type, "case": case.number}
    # Logged once committed: a rolled-back action did not happen.
    transaction.on_commit(lambda: logger.info("%s %s", type, case.number, extra=log_fields))
    transaction.on_commit(lambda: event_committed.send(sender=CaseEvent, event=event))
    return event
