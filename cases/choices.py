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
