"""What each dashboard number counts, defined once for the statistics and the case list.

A measure counts rows of one source table (cases, assignments, callbacks, extensions, reopen
events) whose time field falls in a period and which satisfy the measure's condition. The
daily statistics (`hotline.dashboards.stats`) group exactly these rows by day and slice, and the
case list's `measure` filter (`cases.filtersets.CaseFilterSet`) selects the cases those rows
belong to: the count and the list cannot drift, because both read the definitions below.

A measure is counted for a department: the assignment's for assignment measures, the case's
main department for case and callback measures, and for reopen events the reopened
assignment's, else the case's main department.

"States" (the today page's waiting work) are the same idea without a period: assignments or
extensions in a state now.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import LEFT_ASSIGNMENT_STATUSES, PASSED_ON_ASSIGNMENT_STATUSES
from cases.events import EventType
from cases.models import Assignment, Callback, Case, CaseEvent, Extension
from cases.models.handling import reply_overdue_q, sign_overdue_q

# Assignments that ended without owing a reply: they are not counted in reply_due.
ENDED_WITHOUT_REPLY = (*LEFT_ASSIGNMENT_STATUSES, *PASSED_ON_ASSIGNMENT_STATUSES)


@dataclass(frozen=True)
class Source:
    """One source table: its rows, the time they count on, their department and case."""

    key: str
    model: type
    when: str
    base: Q
    department: str  # lookup of the department the row counts for
    case: str  # lookup from the row to its case ("" when the row is the case)
    unit: str  # what one counted row is, for the case list ("assignments", ...)
    due: bool = False  # a deadline: counts only once it has fallen
    fallback_department: str = ""  # used when `department` is null (reopen events)
    measures: dict = field(default_factory=dict)  # name -> extra condition (or None)

    def department_expr(self):
        if self.fallback_department:
            return Coalesce(self.department, self.fallback_department)
        return F(self.department)

    def department_q(self, ids) -> Q:
        q = Q(**{f"{self.department}__in": ids})
        if self.fallback_department:
            q |= Q(**{f"{self.department}__isnull": True,
                      f"{self.fallback_department}__in": ids})  # fmt: skip
        return q

    def case_prefix(self) -> str:
        return f"{self.case}__" if self.case else ""


SOURCES = [
    Source("cases", Case, "created_at", Q(), "main_department_id", "", _("cases"), measures={
        "intake": None,
        "consultations": Q(request_type="consultation"),
        "answered_directly": Q(request_type="consultation", status="answered"),
    }),
    Source("dispatches", Assignment, "dispatched_at", Q(), "department_id", "case",
           _("assignments"), measures={"dispatched": None}),
    Source("sign_deadlines", Assignment, "sign_due_at", ~Q(status="withdrawn"), "department_id",
           "case", _("assignments"), due=True, measures={
               "sign_due": None,
               "signed_on_time": Q(signed_at__lte=F("sign_due_at"))
               | Q(returned_at__lte=F("sign_due_at")),
           }),
    Source("reply_deadlines", Assignment, "reply_due_at", ~Q(status__in=ENDED_WITHOUT_REPLY),
           "department_id", "case", _("assignments"), due=True, measures={
               "reply_due": None,
               "replied_on_time": Q(replied_at__lte=F("reply_due_at")),
           }),
    Source("replies", Assignment, "replied_at", Q(), "department_id", "case", _("assignments"),
           measures={"replied": None}),
    Source("returns", Assignment, "returned_at", Q(), "department_id", "case", _("assignments"),
           measures={"returned": None}),
    Source("extensions", Extension, "requested_at", Q(), "assignment__department_id",
           "assignment__case", _("extension requests"), measures={"extensions": None}),
    Source("callbacks", Callback, "created_at", Q(reached=True), "case__main_department_id",
           "case", _("callbacks"), measures={
               "rated_resolution": Q(resolved__isnull=False),
               "resolved": Q(resolved=True),
               "rated_satisfaction": Q(satisfaction__in=["satisfied", "basically_satisfied",
                                                         "unsatisfied"]),
               "satisfied": Q(satisfaction="satisfied"),
               "basically_satisfied": Q(satisfaction="basically_satisfied"),
               "unsatisfied": Q(satisfaction="unsatisfied"),
           }),
    Source("reopens", CaseEvent, "created_at", Q(type=EventType.REOPENED),
           "assignment__department_id", "case", _("reopen events"),
           fallback_department="case__main_department_id", measures={"reopened": None}),
    # issue 14: a take-back (收回) is counted apart from returns; a reply the center's review
    # sent back counts against the department that wrote it
    Source("withdrawals", Assignment, "withdrawn_at", Q(), "department_id", "case",
           _("assignments"), measures={"withdrawn": None}),
    Source("sent_back", CaseEvent, "created_at", Q(type=EventType.REPLY_SENT_BACK),
           "assignment__department_id", "case", _("replies sent back"),
           measures={"replies_sent_back": None}),
]  # fmt: skip

MEASURE_SOURCES = {name: source for source in SOURCES for name in source.measures}
MEASURE_LABELS = {
    "intake": _("registered"),
    "consultations": _("consultations registered"),
    "answered_directly": _("consultations answered directly"),
    "dispatched": _("dispatched"),
    "sign_due": _("sign-for deadline fell"),
    "signed_on_time": _("signed (or returned) on time"),
    "reply_due": _("reply deadline fell"),
    "replied_on_time": _("replied on time"),
    "replied": _("replied"),
    "returned": _("returned"),
    "extensions": _("extensions requested"),
    "rated_resolution": _("callbacks rating resolution"),
    "resolved": _("callbacks: resolved"),
    "rated_satisfaction": _("callbacks rating satisfaction"),
    "satisfied": _("callbacks: satisfied"),
    "basically_satisfied": _("callbacks: basically satisfied"),
    "unsatisfied": _("callbacks: unsatisfied"),
    "reopened": _("reopened"),
    "withdrawn": _("taken back by the center"),
    "replies_sent_back": _("replies sent back by the review"),
}


@dataclass(frozen=True)
class State:
    """Rows in a state now (no period): the today page's waiting work."""

    model: type
    department: str
    case: str
    unit: str

    def department_q(self, ids) -> Q:
        return Q(**{f"{self.department}__in": ids})

    def case_prefix(self) -> str:
        return f"{self.case}__"


_ASSIGNMENT_STATE = State(Assignment, "department_id", "case", _("assignments"))
STATE_CONDITIONS = {
    "sign_overdue": sign_overdue_q,  # the assignment table's groups (cases.choices)
    "reply_overdue": reply_overdue_q,
    "returns_waiting": lambda now: Q(status="return_requested"),
    "extensions_waiting": lambda now: Q(status="pending"),
}
STATES = {
    "sign_overdue": _ASSIGNMENT_STATE,
    "reply_overdue": _ASSIGNMENT_STATE,
    "returns_waiting": _ASSIGNMENT_STATE,
    "extensions_waiting": State(
        Extension, "assignment__department_id", "assignment__case", _("extension requests")
    ),
}
STATE_LABELS = {
    "sign_overdue": _("overdue to sign (now)"),
    "reply_overdue": _("overdue to reply (now)"),
    "returns_waiting": _("returns waiting for review (now)"),
    "extensions_waiting": _("extensions waiting for a decision (now)"),
}
CHOICES = [*MEASURE_LABELS.items(), *STATE_LABELS.items()]


def rows_q(
    name: str,
    *,
    after: datetime.datetime | None = None,
    before: datetime.datetime | None = None,
    department_ids=None,
    now: datetime.datetime | None = None,
) -> Q:
    """The condition on the source rows a measure (or state) counts in [after, before)."""
    now = now or timezone.now()
    if name in STATES:
        spec, q = STATES[name], STATE_CONDITIONS[name](now)
    else:
        spec = MEASURE_SOURCES[name]
        q = spec.base & (spec.measures[name] or Q())
        if spec.due:
            q &= Q(**{f"{spec.when}__lt": now})
        if after is not None:
            q &= Q(**{f"{spec.when}__gte": after})
        if before is not None:
            q &= Q(**{f"{spec.when}__lt": before})
    if department_ids is not None:
        q &= spec.department_q(department_ids)
    return q


def rows(name: str, **kwargs) -> QuerySet:
    """The source rows a measure (or state) counts (see rows_q for the arguments)."""
    spec = STATES.get(name) or MEASURE_SOURCES[name]
    return spec.model.objects.filter(rows_q(name, **kwargs)).order_by()


def case_filter(name: str, **kwargs) -> Q:
    """A filter on Case: the cases that have a row the measure counts."""
    spec = STATES.get(name) or MEASURE_SOURCES[name]
    if spec.model is Case:
        return rows_q(name, **kwargs)
    return Q(Exists(rows(name, **kwargs).filter(**{spec.case: OuterRef("pk")})))


def counted_rows(name: str, cases: QuerySet, limit: int, **kwargs) -> int:
    """How many rows the measure counts for these cases (at most limit + 1)."""
    spec = STATES.get(name) or MEASURE_SOURCES[name]
    if spec.model is Case:
        return cases.order_by()[: limit + 1].count()
    counted = rows(name, **kwargs).filter(**{f"{spec.case}__in": cases.order_by().values("pk")})
    return counted[: limit + 1].count()


def unit(name: str):
    """What one counted row of this measure is ("assignments", "callbacks", ...)."""
    return (STATES.get(name) or MEASURE_SOURCES[name]).unit
