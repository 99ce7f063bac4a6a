"""The work order and everything that happens to it."""

from cases.models.access import PersonalDataAccess
from cases.models.calendar import DeadlinePolicy, WorkingDay
from cases.models.case import Attachment, Case, CaseEvent, DailySequence
from cases.models.handling import Assignment, Callback, Dispute, Extension, SupervisionOrder
from cases.models.taxonomy import Category, Synonym

__all__ = [
    "Assignment",
    "Attachment",
    "Callback",
    "Case",
    "CaseEvent",
    "Category",
    "DailySequence",
    "DeadlinePolicy",
    "Dispute",
    "Extension",
    "PersonalDataAccess",
    "SupervisionOrder",
    "Synonym",
    "WorkingDay",
]
