"""The vocabulary of a case: its enumerations, the two transition tables and the status groups.

Every list of statuses the code uses is defined here, once: `TRANSITIONS` (cases),
`ASSIGNMENT_TRANSITIONS` (assignments) and the groups below them (open, overdue, active …).
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    WEB = "web", _("Website")
    APP = "app", _("App")
    WECHAT = "wechat", _("WeChat")
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    OPEN311 = "open311", _("Open311")
    TRANSFER = "transfer", _("Transferred from another hotline")


class RequestType(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    HELP = "help", _("Help request")
    COMPLAINT = "complaint", _("Complaint")
    REPORT = "report", _("Report")
    SUGGESTION = "suggestion", _("Suggestion")
    PRAISE = "praise", _("Praise")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    EXTRA_URGENT = "extra_urgent", _("Extra urgent")


class Status(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ANSWERED = "answered", _("Answered")
    TRANSFERRED = "transferred", _("Transferred")
    INVALID = "invalid", _("Invalid")
    MERGED = "merged", _("Merged")
    DISPATCHED = "dispatched", _("Dispatched")
    IN_PROGRESS = "in_progress", _("In progress")
    RETURN_REVIEW = "return_review", _("Return under review")
    DISPUTED = "disputed", _("Jurisdiction dispute")
    REPLIED = "replied", _("Replied")
    CLOSED = "closed", _("Closed")
    PARKED = "parked", _("Parked as unresolvable")
    # --- issue 14 (helper A): the center reviews a department's reply (办结审核)
    REPLY_REVIEW = "reply_review", _("Reply under review")
    # issue 14 (B): an unsatisfied or unresolved callback waits for a supervisor (研判)
    DECISION = "decision", _("Waiting for the supervisors' decision")


class AssignmentRole(models.TextChoices):
    MAIN = "main", _("Main handler")
    CO = "co", _("Co-handler")


class AssignmentStatus(models.TextChoices):
    DISPATCHED = "dispatched", _("Waiting to be signed")
    SIGNED = "signed", _("Signed, in progress")
    REDISPATCHED = "redispatched", _("Re-dispatched inside the territory")
    RETURN_REQUESTED = "return_requested", _("Return requested")
    RETURNED = "returned", _("Returned")
    REPLIED = "replied", _("Replied")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    # --- issue 14 (helper A): a reply waiting for the center's review
    REPLY_REVIEW = "reply_review", _("Reply under the center's review")


class ReplyResult(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    EXPLAINED = "explained", _("Explained")
    UNRESOLVED = "unresolved", _("Unresolved")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class Decision(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    # --- issue 14 (helper A): a pending extension the reply, a take-back or a reopen ended
    WITHDRAWN = "withdrawn", _("Withdrawn")


class SupervisionLevel(models.TextChoices):
    NORMAL = "normal", _("Normal")
    IMPORTANT = "important", _("Important")
    LEADER = "leader", _("Leader's")


class SupervisionStatus(models.TextChoices):
    # "Answered" and "Closed" of an order are not a case's (已直接答复, 已办结): own contexts.
    OPEN = "open", _("Open")
    ANSWERED = "answered", pgettext_lazy("supervision order", "Answered")
    CLOSED = "closed", pgettext_lazy("supervision order", "Closed")


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DECIDED = "decided", _("Decided")


# --- two-way transfers (issue 14, helper C)
class TransferDirection(models.TextChoices):
    OUTBOUND = "outbound", _("To a partner line")
    INBOUND = "inbound", _("From a partner line")


class TransferStatus(models.TextChoices):
    SENT = "sent", _("Sent, not acknowledged")
    RECEIVED = "received", _("Received")
    HANDLED = "handled", _("Handled")


class DeadlineStage(models.TextChoices):
    SIGN = "sign", _("Sign for a dispatch")
    RETURN = "return", _("Return a dispatch")
    REPLY = "reply", _("Reply")
    EXTENSION = "extension", _("One extension")


class DeadlineUnit(models.TextChoices):
    WORKING_HOURS = "working_hours", _("Working hours")
    WORKING_DAYS = "working_days", _("Working days")
    CLOCK_MINUTES = "clock_minutes", _("Minutes of clock time")


def values(choices) -> list[str]:
    """The stored values of a TextChoices class, for CheckConstraints."""
    return [c.value for c in choices]


class Action(models.TextChoices):
    """What someone can do to a case; the transition table below says from which status."""

    ANSWER = "answer", _("Answer directly")
    TRANSFER = "transfer", _("Transfer to another hotline")
    INVALIDATE = "invalidate", _("Mark invalid")
    MERGE = "merge", _("Merge into a parent case")
    DISPATCH = "dispatch", _("Dispatch")
    REDISPATCH = "redispatch", _("Re-dispatch inside the territory")
    SIGN = "sign", _("Sign for")
    RETURN = "return", _("Return")
    ACCEPT_RETURN = "accept_return", _("Accept the return")
    REJECT_RETURN = "reject_return", _("Reject the return")
    OPEN_DISPUTE = "open_dispute", _("Open a jurisdiction dispute")
    DECIDE_DISPUTE = "decide_dispute", _("Decide the dispute")
    REQUEST_EXTENSION = "request_extension", _("Request an extension")
    DECIDE_EXTENSION = "decide_extension", _("Decide an extension")
    ADD_PROGRESS = "add_progress", _("Add progress")
    REPLY = "reply", _("Reply")
    CALLBACK = "callback", _("Record a callback")
    REOPEN = "reopen", _("Reopen")
    PARK = "park", _("Park as unresolvable")
    CLOSE = "close", _("Close")
    URGE = "urge", _("Urge")
    SUPERVISE = "supervise", _("Supervise")
    ANSWER_SUPERVISION = "answer_supervision", _("Answer a supervision order")
    # --- two-way transfers (issue 14, helper C): the partner line's steps on a transfer
    ACKNOWLEDGE_TRANSFER = "acknowledge_transfer", _("Acknowledge the transfer")
    ANSWER_TRANSFER = "answer_transfer", _("Answer the transfer")
    # --- issue 14 (helper A): reply review, take back and reassign
    APPROVE_REPLY = "approve_reply", _("Approve the reply")
    SEND_BACK_REPLY = "send_back_reply", _("Send the reply back")
    TAKE_BACK = "take_back", _("Take back and reassign")
    # issue 14 (B): the decision queue, the center's review of supervision answers, 会商
    REFER_DECISION = "refer_decision", _("Send to the supervisors' decision")
    CONCLUDE = "conclude", _("Close with the supervisor's reason")
    ACCEPT_SUPERVISION = "accept_supervision", _("Accept the supervision answer")
    REJECT_SUPERVISION = "reject_supervision", _("Send the supervision answer back")
    OPEN_CONSULTATION = "open_consultation", _("Open a joint consultation")
    RECORD_POSITION = "record_position", _("Record the department's position")
    DECIDE_CONSULTATION = "decide_consultation", _("Decide the joint consultation")


# Registering creates a case in this status; every later change is a row of TRANSITIONS.
INITIAL_STATUS = Status.REGISTERED

_S, _A = Status, Action

# THE transition table: (status, action) -> the status after it. The services' guards, the
# pages' `allowed_actions` and the diagram in docs/lifecycle.md all read this one dict.
# Actions of a co-handler's assignment (sign, reply, progress, extension) follow the case's
# status too but never move it: only the main department's assignment drives the case.
TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (_S.REGISTERED, _A.ANSWER): _S.ANSWERED,
    (_S.REGISTERED, _A.TRANSFER): _S.TRANSFERRED,
    (_S.REGISTERED, _A.INVALIDATE): _S.INVALID,
    (_S.REGISTERED, _A.MERGE): _S.MERGED,
    (_S.REGISTERED, _A.DISPATCH): _S.DISPATCHED,
    (_S.DISPATCHED, _A.REDISPATCH): _S.DISPATCHED,
    (_S.DISPATCHED, _A.SIGN): _S.IN_PROGRESS,
    (_S.DISPATCHED, _A.RETURN): _S.RETURN_REVIEW,
    (_S.DISPATCHED, _A.URGE): _S.DISPATCHED,
    (_S.DISPATCHED, _A.SUPERVISE): _S.DISPATCHED,
    (_S.DISPATCHED, _A.ANSWER_SUPERVISION): _S.DISPATCHED,
    (_S.IN_PROGRESS, _A.REDISPATCH): _S.DISPATCHED,
    (_S.IN_PROGRESS, _A.REQUEST_EXTENSION): _S.IN_PROGRESS,
    (_S.IN_PROGRESS, _A.DECIDE_EXTENSION): _S.IN_PROGRESS,
    (_S.IN_PROGRESS, _A.ADD_PROGRESS): _S.IN_PROGRESS,
    (_S.IN_PROGRESS, _A.REPLY): _S.REPLY_REVIEW,
    (_S.IN_PROGRESS, _A.URGE): _S.IN_PROGRESS,
    (_S.IN_PROGRESS, _A.SUPERVISE): _S.IN_PROGRESS,
    (_S.IN_PROGRESS, _A.ANSWER_SUPERVISION): _S.IN_PROGRESS,
    (_S.RETURN_REVIEW, _A.ACCEPT_RETURN): _S.REGISTERED,
    (_S.RETURN_REVIEW, _A.REJECT_RETURN): _S.DISPATCHED,
    (_S.RETURN_REVIEW, _A.OPEN_DISPUTE): _S.DISPUTED,
    (_S.DISPUTED, _A.DECIDE_DISPUTE): _S.DISPATCHED,
    (_S.REPLIED, _A.CALLBACK): _S.REPLIED,
    (_S.REPLIED, _A.REOPEN): _S.DISPATCHED,
    (_S.REPLIED, _A.PARK): _S.PARKED,
    (_S.REPLIED, _A.CLOSE): _S.CLOSED,
    (_S.REPLIED, _A.ANSWER_SUPERVISION): _S.REPLIED,
    (_S.ANSWERED, _A.CALLBACK): _S.ANSWERED,
    (_S.ANSWERED, _A.CLOSE): _S.CLOSED,
    (_S.MERGED, _A.CALLBACK): _S.MERGED,
    (_S.CLOSED, _A.REOPEN): _S.DISPATCHED,
    (_S.CLOSED, _A.PARK): _S.PARKED,
    # --- two-way transfers (issue 14, helper C): the receiving line acknowledges, then answers;
    # its answer puts the case on the callback queue like a department's reply
    (_S.TRANSFERRED, _A.ACKNOWLEDGE_TRANSFER): _S.TRANSFERRED,
    (_S.TRANSFERRED, _A.ANSWER_TRANSFER): _S.REPLIED,
    # --- issue 14 (helper A). A reply waits in reply_review; where the review policy does not
    # apply, the reply service approves it at once. Urge and supervise stop while the center
    # reviews (the department owes nothing); an open order can still be answered.
    (_S.REPLY_REVIEW, _A.APPROVE_REPLY): _S.REPLIED,
    (_S.REPLY_REVIEW, _A.SEND_BACK_REPLY): _S.IN_PROGRESS,
    (_S.REPLY_REVIEW, _A.ANSWER_SUPERVISION): _S.REPLY_REVIEW,
    # returns within the window whether signed or not
    (_S.IN_PROGRESS, _A.RETURN): _S.RETURN_REVIEW,
    # a supervisor takes the case back before the reply (and may dispatch it again at once)
    (_S.DISPATCHED, _A.TAKE_BACK): _S.REGISTERED,
    (_S.IN_PROGRESS, _A.TAKE_BACK): _S.REGISTERED,
    (_S.RETURN_REVIEW, _A.TAKE_BACK): _S.REGISTERED,
    # issue 14 (B): an unsatisfied callback goes to the supervisors' decision (研判); only a
    # supervisor ends it there: reopen, park, or close with a reason (conclude)
    (_S.REPLIED, _A.REFER_DECISION): _S.DECISION,
    (_S.DECISION, _A.REOPEN): _S.DISPATCHED,
    (_S.DECISION, _A.PARK): _S.PARKED,
    (_S.DECISION, _A.CONCLUDE): _S.CLOSED,
    # issue 14 (B): the center accepts a supervision answer (the order closes) or sends it back
    (_S.DISPATCHED, _A.ACCEPT_SUPERVISION): _S.DISPATCHED,
    (_S.DISPATCHED, _A.REJECT_SUPERVISION): _S.DISPATCHED,
    (_S.IN_PROGRESS, _A.ACCEPT_SUPERVISION): _S.IN_PROGRESS,
    (_S.IN_PROGRESS, _A.REJECT_SUPERVISION): _S.IN_PROGRESS,
    (_S.REPLIED, _A.ACCEPT_SUPERVISION): _S.REPLIED,
    (_S.REPLIED, _A.REJECT_SUPERVISION): _S.REPLIED,
    # issue 14 (B): joint consultation (会商) on a dispute or a hard case not yet dispatched;
    # the decision dispatches the decided main department and co-handlers
    (_S.REGISTERED, _A.OPEN_CONSULTATION): _S.REGISTERED,
    (_S.REGISTERED, _A.RECORD_POSITION): _S.REGISTERED,
    (_S.REGISTERED, _A.DECIDE_CONSULTATION): _S.DISPATCHED,
    (_S.DISPUTED, _A.OPEN_CONSULTATION): _S.DISPUTED,
    (_S.DISPUTED, _A.RECORD_POSITION): _S.DISPUTED,
    (_S.DISPUTED, _A.DECIDE_CONSULTATION): _S.DISPATCHED,
}


def allowed_from(status: str) -> list[Action]:
    """The actions the table allows on a case in `status`, in the table's order."""
    return [action for (source, action) in TRANSITIONS if source == status]


def next_status(status: str, action: str) -> Status | None:
    """The status after `action`, or None when the table does not allow it."""
    return TRANSITIONS.get((Status(status), Action(action)))


def case_sources(action: Action) -> list[Status]:
    """The case statuses the table allows `action` from, in the table's order."""
    return [source for (source, a) in TRANSITIONS if a == action]


# ---------------------------------------------------------------- the assignment table


class Taker(models.TextChoices):
    """Who may take an assignment action (the `by` column of ASSIGNMENT_TRANSITIONS)."""

    MAIN = "main", "the main department's handlers"
    CO = "co", "a co-handler's handlers"
    DISTRICT_CENTER = "district_center", "the district center holding it"
    CENTER = "center", "the center's agents and supervisors"
    SUPERVISOR = "supervisor", "the center's supervisors"
    SWEEP = "sweep", "the deadline sweep"


class KnockOn(models.TextChoices):
    """What an action on one assignment does to the case's other assignments."""

    WITHDRAW = "withdraw", "withdrawn: a return was accepted or a dispute opened"
    REPLY_THROUGH = "reply_through", "replied through the department it was re-dispatched to"


@dataclass(frozen=True)
class AssignmentMove:
    """One row of the assignment table: the status after the action, and who may take it."""

    target: AssignmentStatus
    by: frozenset[Taker]


def _move(target: AssignmentStatus, *by: Taker) -> AssignmentMove:
    return AssignmentMove(target, frozenset(by))


_AS, _T, _K = AssignmentStatus, Taker, KnockOn

# Every dispatch creates an assignment in this status: these actions create one each.
ASSIGNMENT_INITIAL_STATUS = _AS.DISPATCHED
ASSIGNMENT_CREATED_BY = (_A.DISPATCH, _A.REDISPATCH, _A.DECIDE_DISPUTE, _A.REOPEN)
ASSIGNMENT_CREATED_BY += (_A.DECIDE_CONSULTATION,)  # issue 14 (B): 会商's decision dispatches
_HANDLERS = (_T.MAIN, _T.CO)

# THE assignment table: (assignment status, action) -> the status after it and who may take it.
# A main assignment's action also needs its row in TRANSITIONS (it drives the case); a
# co-handler's needs the case dispatched or in progress (CO_HANDLING_STATUSES). The knock-on
# rows are what an action on one assignment does to the others (KNOCK_ONS says which).
# Deciding an extension or a supervision order changes no assignment status: not listed.
ASSIGNMENT_TRANSITIONS: dict[tuple[AssignmentStatus, Action | KnockOn], AssignmentMove] = {
    (_AS.DISPATCHED, _A.SIGN): _move(_AS.SIGNED, *_HANDLERS),
    (_AS.DISPATCHED, _A.RETURN): _move(_AS.RETURN_REQUESTED, _T.MAIN),
    (_AS.DISPATCHED, _A.REDISPATCH): _move(_AS.REDISPATCHED, _T.DISTRICT_CENTER),
    (_AS.DISPATCHED, _A.URGE): _move(_AS.DISPATCHED, _T.CENTER, _T.SWEEP),
    (_AS.DISPATCHED, _K.WITHDRAW): _move(_AS.WITHDRAWN, _T.SUPERVISOR),
    (_AS.SIGNED, _A.REDISPATCH): _move(_AS.REDISPATCHED, _T.DISTRICT_CENTER),
    (_AS.SIGNED, _A.REQUEST_EXTENSION): _move(_AS.SIGNED, *_HANDLERS),
    (_AS.SIGNED, _A.ADD_PROGRESS): _move(_AS.SIGNED, *_HANDLERS),
    (_AS.SIGNED, _A.REPLY): _move(_AS.REPLY_REVIEW, *_HANDLERS),
    (_AS.SIGNED, _A.URGE): _move(_AS.SIGNED, _T.CENTER, _T.SWEEP),
    (_AS.SIGNED, _K.WITHDRAW): _move(_AS.WITHDRAWN, _T.SUPERVISOR),
    (_AS.REDISPATCHED, _K.REPLY_THROUGH): _move(_AS.REPLIED, *_HANDLERS),
    (_AS.REDISPATCHED, _K.WITHDRAW): _move(_AS.WITHDRAWN, _T.SUPERVISOR),
    (_AS.RETURN_REQUESTED, _A.ACCEPT_RETURN): _move(_AS.RETURNED, _T.SUPERVISOR),
    (_AS.RETURN_REQUESTED, _A.REJECT_RETURN): _move(_AS.DISPATCHED, _T.SUPERVISOR),
    (_AS.RETURN_REQUESTED, _A.OPEN_DISPUTE): _move(_AS.RETURNED, _T.SUPERVISOR),
    # --- issue 14 (helper A). A reply waits for the review (a co-handler's, and a main one
    # the review policy does not reach, is approved at once by the reply service); sent back,
    # the department holds the case again with its reply deadline unchanged.
    (_AS.REPLY_REVIEW, _A.APPROVE_REPLY): _move(_AS.REPLIED, _T.SUPERVISOR),
    (_AS.REPLY_REVIEW, _A.SEND_BACK_REPLY): _move(_AS.SIGNED, _T.SUPERVISOR),
    # a signed department may still return the case inside its return window
    (_AS.SIGNED, _A.RETURN): _move(_AS.RETURN_REQUESTED, _T.MAIN),
    # a supervisor takes every assignment still held before the reply back (收回)
    (_AS.DISPATCHED, _A.TAKE_BACK): _move(_AS.WITHDRAWN, _T.SUPERVISOR),
    (_AS.SIGNED, _A.TAKE_BACK): _move(_AS.WITHDRAWN, _T.SUPERVISOR),
    (_AS.REDISPATCHED, _A.TAKE_BACK): _move(_AS.WITHDRAWN, _T.SUPERVISOR),
    (_AS.RETURN_REQUESTED, _A.TAKE_BACK): _move(_AS.WITHDRAWN, _T.SUPERVISOR),
}

# The knock-on each action has on the case's other (open) assignments.
KNOCK_ONS: dict[Action, KnockOn] = {
    _A.ACCEPT_RETURN: _K.WITHDRAW,
    _A.OPEN_DISPUTE: _K.WITHDRAW,
    _A.APPROVE_REPLY: _K.REPLY_THROUGH,  # issue 14: the district center's, once approved
}


def assignment_sources(action: Action | KnockOn) -> tuple[AssignmentStatus, ...]:
    """The assignment statuses the table allows `action` from, in the table's order."""
    return tuple(source for (source, a) in ASSIGNMENT_TRANSITIONS if a == action)


def assignment_move(status: str, action: Action | KnockOn) -> AssignmentMove | None:
    """The table's row for `action` on an assignment in `status`, or None when refused."""
    return ASSIGNMENT_TRANSITIONS.get((AssignmentStatus(status), action))


def assignment_takers(action: Action | KnockOn) -> frozenset[Taker]:
    """Who may take `action` on an assignment, from whatever status the table allows."""
    rows = [move.by for (_s, a), move in ASSIGNMENT_TRANSITIONS.items() if a == action]
    return frozenset().union(*rows)


def assignment_actions_by(taker: Taker) -> frozenset[Action]:
    """The assignment actions `taker` may take (knock-ons excluded)."""
    return frozenset(
        a for (_s, a), move in ASSIGNMENT_TRANSITIONS.items() if taker in move.by and a in Action
    )


# ---------------------------------------------------------------- status groups (the vocabulary)

# An assignment is active while the table still moves it: nobody has finished with it.
ACTIVE_ASSIGNMENT_STATUSES = tuple(
    s for s in AssignmentStatus if any(source == s for source, _a in ASSIGNMENT_TRANSITIONS)
)
# Passed on: a district center's assignment once re-dispatched (its child does the work).
PASSED_ON_ASSIGNMENT_STATUSES = assignment_sources(KnockOn.REPLY_THROUGH)
# Held: active and not passed on; the main one of these drives the case.
HELD_ASSIGNMENT_STATUSES = tuple(
    s for s in ACTIVE_ASSIGNMENT_STATUSES if s not in PASSED_ON_ASSIGNMENT_STATUSES
)
# Waiting to be signed for: its sign deadline runs.
UNSIGNED_ASSIGNMENT_STATUSES = assignment_sources(Action.SIGN)
# The department owes the reply (its reply deadline runs): what an urge reaches.
OWING_ASSIGNMENT_STATUSES = assignment_sources(Action.URGE)

# Left without handling: returned as not theirs, or withdrawn with the case.
LEFT_ASSIGNMENT_STATUSES = tuple(
    dict.fromkeys(
        move.target
        for (_s, action), move in ASSIGNMENT_TRANSITIONS.items()
        if action in (Action.ACCEPT_RETURN, Action.OPEN_DISPUTE, KnockOn.WITHDRAW, Action.TAKE_BACK)
    )
)

# A co-handler acts on its own assignment while the case is with the departments.
CO_HANDLING_STATUSES = (Status.DISPATCHED, Status.IN_PROGRESS)
# Open: the center or a department still owes the citizen a reply. A replied case waits for
# the callback (not for a department) and a parked one is parked: neither is open or overdue.
OPEN_STATUSES = (
    Status.REGISTERED,
    Status.DISPATCHED,
    Status.IN_PROGRESS,
    Status.RETURN_REVIEW,
    Status.DISPUTED,
    Status.REPLY_REVIEW,  # issue 14: the center still owes the citizen the reviewed reply
)
# Dead ends: a duplicate, an invalid call, a case handed to another line; nothing is merged
# into them (it would never be called back).
DEAD_END_STATUSES = (Status.MERGED, Status.INVALID, Status.TRANSFERRED)
# Waiting for the center's callback.
CALLBACK_STATUSES = (Status.REPLIED,)
# Finished: nothing more is owed (Open311 reports these as closed).
FINISHED_STATUSES = tuple(
    s for s in Status if s not in OPEN_STATUSES and s not in CALLBACK_STATUSES
)


class AttachmentSource(models.TextChoices):
    """Who added a file: the citizen's own files stay in the center on a confidential case."""

    CITIZEN = "citizen", _("The citizen")
    CENTER = "center", _("The center")
    DEPARTMENT = "department", _("A department")


# The status as the citizen reads it on the progress lookup (plain words, no internal steps).
CITIZEN_STATUS_WORDS = {
    Status.REGISTERED: _("Received, being handled by the hotline"),
    Status.ANSWERED: _("Answered"),
    Status.TRANSFERRED: _("Transferred to another hotline"),
    Status.INVALID: _("Not accepted"),
    Status.MERGED: _("Handled together with an earlier request on the same matter"),
    Status.DISPATCHED: _("Passed to the responsible department"),
    Status.IN_PROGRESS: _("Being handled by the responsible department"),
    Status.RETURN_REVIEW: _("Being passed to the responsible department"),
    Status.DISPUTED: _("Being passed to the responsible department"),
    Status.REPLIED: _("Handled; the hotline will call you back"),
    Status.CLOSED: _("Completed"),
    Status.PARKED: _("Kept on record; it cannot be resolved for now"),
    Status.REPLY_REVIEW: _("Handled; the hotline is checking the reply"),
    Status.DECISION: _("The hotline is deciding how to follow up"),
}
# The citizen may still add words or photos on the lookup: open, or replied and waiting for the
# callback (the photo may show the problem is back).
CITIZEN_MAY_ADD_STATUSES = (*OPEN_STATUSES, *CALLBACK_STATUSES)
# ---------------------------------------------------------------- issue 14 (B)

# Waiting for a supervisor's decision (研判): the center owes the citizen a decision, so the case
# is neither finished (Open311 would call it closed) nor in the callback queue.
DECISION_STATUSES = (Status.DECISION,)
FINISHED_STATUSES = tuple(s for s in FINISHED_STATUSES if s not in DECISION_STATUSES)


class CallbackChannel(models.TextChoices):
    """How a callback reached (or tried to reach) the citizen."""

    PHONE = "phone", _("Phone call")
    SMS = "sms", _("SMS survey")


class ConsultationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DECIDED = "decided", _("Decided")
