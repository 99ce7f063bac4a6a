"""The vocabulary of a case: channels, request types, statuses and the other enumerations."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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


ACTIVE_ASSIGNMENT_STATUSES = (
    AssignmentStatus.DISPATCHED,
    AssignmentStatus.SIGNED,
    AssignmentStatus.REDISPATCHED,
    AssignmentStatus.RETURN_REQUESTED,
)


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


class SupervisionLevel(models.TextChoices):
    NORMAL = "normal", _("Normal")
    IMPORTANT = "important", _("Important")
    LEADER = "leader", _("Leader's")


class SupervisionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DECIDED = "decided", _("Decided")


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
    (_S.IN_PROGRESS, _A.REPLY): _S.REPLIED,
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
}

# Actions that act on one assignment rather than on the case as a whole.
ASSIGNMENT_ACTIONS = frozenset(
    {
        Action.REDISPATCH,
        Action.SIGN,
        Action.RETURN,
        Action.REQUEST_EXTENSION,
        Action.ADD_PROGRESS,
        Action.REPLY,
        Action.URGE,
    }
)


def allowed_from(status: str) -> list[Action]:
    """The actions the table allows on a case in `status`, in the table's order."""
    return [action for (source, action) in TRANSITIONS if source == status]


def next_status(status: str, action: str) -> Status | None:
    """The status after `action`, or None when the table does not allow it."""
    return TRANSITIONS.get((Status(status), Action(action)))
