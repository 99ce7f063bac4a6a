"""Replaying a case's timeline against the transition table (shared by the demo and load tests).

`replay` walks the case's events from `registered` through `TRANSITIONS` and returns the status
they lead to, failing on the first step the table refuses.
"""

from cases.choices import TRANSITIONS, Action, Status
from cases.events import EventType
from cases.models import Case, CaseEvent

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
}
CO_ACTIONS = (Action.SIGN, Action.REPLY, Action.ADD_PROGRESS)


def replay(case: Case, events: list[CaseEvent]) -> str:
    """The status the timeline leads to, failing on the first step the table refuses."""
    assert events[0].type == EventType.REGISTERED and events[0].created_at == case.created_at
    status = Status.REGISTERED
    for event in events[1:]:
        action = EVENT_ACTIONS[event.type]
        co_handler = event.assignment is not None and event.assignment.role == "co"
        if co_handler and action in CO_ACTIONS:
            assert status in (Status.DISPATCHED, Status.IN_PROGRESS), (case.number, event.type)
            continue
        assert (status, action) in TRANSITIONS, f"{case.number}: {event.type} from {status}"
        status = TRANSITIONS[(status, action)]
    return status
