"""The work order and everything that happens to it."""

from cases.models.access import PersonalDataAccess
from cases.models.calendar import DeadlinePolicy, WorkingDay
from cases.models.case import Attachment, Case, CaseEvent, DailySequence
from cases.models.consultation import Consultation, ConsultationPosition
from cases.models.handling import Assignment, Callback, Dispute, Extension, SupervisionOrder
from cases.models.review import ReplyReviewPolicy
from cases.models.taxonomy import Category, Synonym
from cases.models.transfer import Transfer

__all__ = [
    "Assignment",
    "Attachment",
    "Callback",
    "Case",
    "CaseEvent",
    "Category",
    "Consultation",
    "ConsultationPosition",
    "DailySequence",
    "DeadlinePolicy",
    "Dispute",
    "Extension",
    "PersonalDataAccess",
    "ReplyReviewPolicy",
    "SupervisionOrder",
    "Synonym",
    "Transfer",
    "WorkingDay",
]
