"""Replaying a case's timeline against the transition tables (shared by the demo and load tests).

`replay` walks the case's events from `registered` through `TRANSITIONS` and returns the status
they lead to; `replay_assignments` walks the same events through `ASSIGNMENT_TRANSITIONS` and
returns the status each assignment ends in. Both fail on the first step the tables refuse.
"""

from cases.choices import (
    ASSIGNMENT_TRANSITIONS,
    KNOCK_ONS,
    TRANSITIONS,
    Action,
    AssignmentStatus,
    KnockOn,
    Status,
)
from cases.events import EventType
from cases.models import Assignment, Case, CaseEvent

# The transition each event type records.
EVENT_ACTIONS = {
    EventType.ANSWERED: Action.ANSWER,
    EventType.TRANSFERRED: Action.TRANSFER,
    EventType.INVALIDATED: Action.INVALIDATE,
    EventType.MERGED: Action.MERGE,
    EventType.DISPATCHED: Action.DISPATCH,
    EventType.REDISPATCHED: Action.REDISPATCH,
    EventType.SIGNED: Action.SIGN,
    EventType.RETURNED: Action.RETURN,
    EventType.RETURN_ACCEPTED: Action.ACCEPT_RETURN,
    EventType.RETURN_REJECTED: Action.REJECT_RETURN,
    EventType.DISPUTE_OPENED: Action.OPEN_DISPUTE,
    EventType.DISPUTE_DECIDED: Action.DECIDE_DISPUTE,
    EventType.EXTENSION_REQUESTED: Action.REQUEST_EXTENSION,
    EventType.EXTENSION_DECIDED: Action.DECIDE_EXTENSION,
    EventType.PROGRESS: Action.ADD_PROGRESS,
    EventType.REPLIED: Action.REPLY,
    EventType.CALLBACK: Action.CALLBACK,
    EventType.REOPENED: Action.REOPEN,
    EventType.PARKED: Action.PARK,
    EventType.CLOSED: Action.CLOSE,
    EventType.URGED: Action.URGE,
    EventType.SUPERVISED: Action.SUPERVISE,
    EventType.SUPERVISION_ANSWERED: Action.ANSWER_SUPERVISION,
    EventType.TRANSFER_ACKNOWLEDGED: Action.ACKNOWLEDGE_TRANSFER,
    EventType.TRANSFER_ANSWERED: Action.ANSWER_TRANSFER,
    # issue 14
    EventType.REPLY_APPROVED: Action.APPROVE_REPLY,
    EventType.REPLY_SENT_BACK: Action.SEND_BACK_REPLY,
    EventType.TAKEN_BACK: Action.TAKE_BACK,
    # issue 14 (B)
    EventType.REFERRED: Action.REFER_DECISION,
    EventType.CONCLUDED: Action.CONCLUDE,
    EventType.SUPERVISION_ACCEPTED: Action.ACCEPT_SUPERVISION,
    EventType.SUPERVISION_SENT_BACK: Action.REJECT_SUPERVISION,
    EventType.CONSULTATION_OPENED: Action.OPEN_CONSULTATION,
    EventType.POSITION_RECORDED: Action.RECORD_POSITION,
    EventType.CONSULTATION_DECIDED: Action.DECIDE_CONSULTATION,
}
CO_ACTIONS = (Action.SIGN, Action.REPLY, Action.ADD_PROGRESS, Action.APPROVE_REPLY)


def steps(event: CaseEvent) -> list:
    """The table rows one event stands for: a reply the review policy did not reach is approved
    in the same step (`review` false; older replies have no key and were never reviewed), and a
    rejected return of a signed assignment is signed again at once (`signed`)."""
    action = EVENT_ACTIONS[event.type]
    data = event.data if isinstance(event.data, dict) else {}
    if event.type == EventType.REPLIED and not data.get("review"):
        return [action, Action.APPROVE_REPLY]
    if event.type == EventType.RETURN_REJECTED and data.get("signed"):
        return [action, Action.SIGN]
    return [action]


# A merged duplicate's lines that are no transition of its own: it hears its parent's reply
# and is closed with it (its status stays `merged`).
def _with_parent(event) -> bool:
    return event.type == EventType.PARENT_REPLIED or (
        event.type == EventType.CLOSED and bool((event.data or {}).get("with_parent"))
    )


# The events whose assignment is a new one, created in the same transaction.
CREATING = (EventType.DISPATCHED, EventType.REDISPATCHED, EventType.REOPENED,
            EventType.DISPUTE_DECIDED, EventType.CONSULTATION_DECIDED)  # fmt: skip
# The events that create co-handlers' assignments beside the main one.
WITH_CO = (EventType.DISPATCHED, EventType.CONSULTATION_DECIDED)
# Actions that never move an assignment (the assignment table leaves them out).
UNLISTED = {
    Action.DECIDE_EXTENSION,
    Action.SUPERVISE,
    Action.ANSWER_SUPERVISION,
    Action.ACKNOWLEDGE_TRANSFER,  # a transfer has no assignment
    Action.ANSWER_TRANSFER,
    Action.ACCEPT_SUPERVISION,
    Action.REJECT_SUPERVISION,
}


def replay(case: Case, events: list[CaseEvent]) -> str:
    """The status the timeline leads to, failing on the first step the table refuses."""
    assert events[0].type == EventType.REGISTERED and events[0].created_at == case.created_at
    status = Status.REGISTERED
    for event in events[1:]:
        if _with_parent(event):
            assert status == Status.MERGED, (case.number, event.type)
            continue
        co_handler = event.assignment is not None and event.assignment.role == "co"
        for action in steps(event):
            if co_handler and action in CO_ACTIONS:
                assert status in (Status.DISPATCHED, Status.IN_PROGRESS), (case.number, event.type)
                continue
            assert (status, action) in TRANSITIONS, f"{case.number}: {event.type} from {status}"
            status = TRANSITIONS[(status, action)]
    return status


def _move(case: Case, statuses: dict, assignment: int, action, event: CaseEvent) -> None:
    status = statuses.get(assignment)
    row = ASSIGNMENT_TRANSITIONS.get((status, action))
    assert row is not None, f"{case.number}: {event.type} on an assignment {status}"
    statuses[assignment] = row.target


def _knock_on(statuses: dict, action, keep: int | None) -> None:
    for pk, status in statuses.items():
        row = ASSIGNMENT_TRANSITIONS.get((status, KNOCK_ONS[action]))
        if pk != keep and row is not None:
            statuses[pk] = row.target


def replay_assignments(
    case: Case, events: list[CaseEvent], assignments: list[Assignment]
) -> dict[int, str]:
    """The status each assignment of the case ends in, by the assignment table."""
    statuses: dict[int, str] = {}
    by_pk = {a.pk: a for a in assignments}
    for event in events[1:]:
        if _with_parent(event):
            continue
        for action in steps(event):
            _replay_step(case, event, action, statuses, assignments, by_pk)
    assert set(statuses) == set(by_pk), f"{case.number}: assignments without their event"
    return statuses


def _replay_step(case, event, action, statuses, assignments, by_pk) -> None:
    pk = event.assignment_id
    if event.type in CREATING:
        assert pk is not None and pk not in statuses, (case.number, event.type)
        if event.type == EventType.REDISPATCHED:
            _move(case, statuses, by_pk[pk].parent_id, action, event)
        born = [a.pk for a in assignments if a.pk == pk or (
            event.type in WITH_CO and a.role == "co"
            and a.dispatched_at == event.created_at and a.pk not in statuses)]  # fmt: skip
        statuses.update(dict.fromkeys(born, AssignmentStatus.DISPATCHED))
    elif action == Action.OPEN_DISPUTE:
        [pk] = [p for p, s in statuses.items() if (s, action) in ASSIGNMENT_TRANSITIONS]
        _move(case, statuses, pk, action, event)
    elif action == Action.TAKE_BACK:  # every assignment still held before the reply
        for held in [p for p, s in statuses.items() if (s, action) in ASSIGNMENT_TRANSITIONS]:
            _move(case, statuses, held, action, event)
    elif pk is not None and action not in UNLISTED:
        _move(case, statuses, pk, action, event)
        parent = by_pk[pk].parent_id
        if KNOCK_ONS.get(action) == KnockOn.REPLY_THROUGH and parent in statuses:
            _move(case, statuses, parent, KnockOn.REPLY_THROUGH, event)
    if action in KNOCK_ONS and KNOCK_ONS[action] == KnockOn.WITHDRAW:
        _knock_on(statuses, action, keep=pk)
