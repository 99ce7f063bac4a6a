"""Reads scoped to what a user may see; the policy decides (`cases.policy`, `core.policy`).

Fetching one object outside the scope raises NotFound (404), exactly as a missing one does.
"""

import difflib

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import (
    DEAD_END_STATUSES,
    DECISION_STATUSES,
    AssignmentRole,
    AssignmentStatus,
    Channel,
    Status,
    SupervisionLevel,
    SupervisionStatus,
    TransferDirection,
    TransferStatus,
)
from cases.models import (
    Assignment,
    Attachment,
    Case,
    CaseEvent,
    Consultation,
    ConsultationPosition,
    PersonalDataAccess,
    SupervisionOrder,
    Transfer,
)
from core import policy
from core.errors import NotFound
from departments.models import Department


def visible_cases(user) -> QuerySet[Case]:
    """Every case the user may see (`core.policy.scope`), with what lists show joined in."""
    return scoped_cases(user, cases_to_filter())


def scoped_cases(user, cases: QuerySet[Case]) -> QuerySet[Case]:
    """The cases of `cases` (filtered `cases_to_filter`) the user may see."""
    return policy.scope(user, cases)


def newest_visible_cases(user, *, size: int, after=None, cases=None) -> QuerySet[Case]:
    """`visible_cases` for one page newest first (created_at, then id, descending) starting
    after `after` (`core.policy.scope_window`): ordered and cut to `size`, the same rows, but
    a department's page reads a page of its assignments' index, not its whole history.
    `cases` is the list's filtered, unscoped queryset (`cases_to_filter` filtered), if any."""
    queryset = cases if cases is not None else cases_to_filter()
    return policy.scope_window(user, queryset, size=size, after=after)


def cases_to_filter() -> QuerySet[Case]:
    """Every case, unscoped, with what the lists show: the base a list filters before the
    scope's window is applied (`newest_visible_cases`). Never shown as it is."""
    return Case.objects.select_related("category", "region", "main_department")


def visible_assignments(user) -> QuerySet[Assignment]:
    """Assignments the user may see: the center sees all, departments their subtree's."""
    queryset = Assignment.objects.select_related(
        "case", "department", "case__category", "return_suggested_department"
    )
    return policy.scope(user, queryset)


def visible_supervisions(user) -> QuerySet[SupervisionOrder]:
    """Supervision orders the user may see: never those addressed to another department."""
    return policy.scope(user, SupervisionOrder.objects.select_related("case", "department"))


def visible_transfers(user) -> QuerySet[Transfer]:
    """Transfers the user may see (a partner line only its own), each with the case's latest
    main reply (`reply_text`, `reply_at`) and direct answer time joined in: what goes back to
    an inbound sender."""
    replies = Assignment.objects.filter(
        case=OuterRef("case_id"), role=AssignmentRole.MAIN, status=AssignmentStatus.REPLIED
    ).order_by("-replied_at", "-id")
    answered = CaseEvent.objects.filter(case=OuterRef("case_id"), type="case_answered")
    queryset = Transfer.objects.select_related("case", "partner").annotate(
        reply_text=Subquery(replies.values("reply_content")[:1]),
        reply_at=Subquery(replies.values("replied_at")[:1]),
        direct_answer_at=Subquery(answered.order_by("-created_at").values("created_at")[:1]),
    )
    return policy.scope(user, queryset)


def get_transfer_for(user, pk) -> Transfer:
    """One transfer, or NotFound when it is missing or not the user's to see."""
    transfer = visible_transfers(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if transfer is None:
        raise NotFound(_("transfer %(id)s not found") % {"id": pk})
    return transfer


def leader_instructions(user, case: Case) -> QuerySet[SupervisionOrder]:
    """The leader's instructions (领导批示) on the case's open or answered orders the user sees."""
    orders = policy.scope(user, SupervisionOrder.objects.filter(case=case))
    return (
        orders.filter(level=SupervisionLevel.LEADER)
        .exclude(status=SupervisionStatus.CLOSED)
        .exclude(instruction="")
        .order_by("opened_at", "id")
    )


def visible_consultations(user) -> QuerySet[Consultation]:
    """Joint consultations on the cases the user may see, with their positions."""
    positions = ConsultationPosition.objects.select_related("department").order_by("id")
    queryset = Consultation.objects.select_related("case").prefetch_related(
        Prefetch("positions", queryset=positions), "co_departments"
    )
    return policy.scope(user, queryset)


def visible_events(user, case: Case) -> QuerySet[CaseEvent]:
    """The case's timeline as the user may read it, oldest first."""
    events = CaseEvent.objects.filter(case=case).select_related("actor", "assignment__department")
    return policy.scope(user, events)


def visible_attachments(user, case: Case) -> QuerySet[Attachment]:
    """The case's files the user may see (a confidential reporter's stay in the center)."""
    return policy.scope(user, Attachment.objects.filter(case=case))


def get_attachment_for(user, number: str, pk: int) -> Attachment:
    """One file of a case the user sees, or NotFound (missing, foreign or kept in the center)."""
    case = get_case_for(user, number)
    attachment = visible_attachments(user, case).filter(pk=pk).first()
    if attachment is None:
        raise NotFound(_("attachment %(id)s not found") % {"id": pk})
    attachment.case = case
    return attachment


def identity_reveals(user) -> QuerySet[PersonalDataAccess]:
    """Every reveal of a protected caller's identity, newest first, for the auditor alone."""
    if not policy.can(user, "cases.read_access_log"):
        return PersonalDataAccess.objects.none()
    return PersonalDataAccess.objects.select_related("user", "case").order_by("-created_at")


def waiting_for_the_center(user) -> QuerySet[Case]:
    """Cases that came in without an agent on the line (web, app, /ask/, Open311, e-mail …)
    and that nobody has handled yet: registered, not by phone (the center's inbox)."""
    return visible_cases(user).filter(status=Status.REGISTERED).exclude(channel=Channel.PHONE)


def answered_transfers_waiting(user) -> QuerySet[Transfer]:
    """Transfers a partner line has answered whose case still waits for the center's callback
    (the inbox's second kind): outbound, handled, the case replied. Scoped as
    `visible_transfers`, without its reply annotations, which the inbox does not show."""
    queryset = Transfer.objects.select_related("case", "partner")
    return policy.scope(user, queryset).filter(
        direction=TransferDirection.OUTBOUND,
        status=TransferStatus.HANDLED,
        case__status=Status.REPLIED,
    )


def replies_in_review(user) -> QuerySet[Case]:
    """Cases whose main department's reply waits for the center's review (办结审核): the review
    queue, and the figure on the supervisor's home that opens it."""
    return visible_cases(user).filter(status=Status.REPLY_REVIEW)


def waiting_for_a_decision(user) -> QuerySet[Case]:
    """Cases an unsatisfied or unresolved callback left to the supervisors (研判): the decision
    queue, and the figure on the supervisor's home that opens it."""
    return visible_cases(user).filter(status__in=DECISION_STATUSES)


def get_case_for(user, number: str) -> Case:
    """One case by number, or NotFound when it is missing or not the user's to see (asked
    of `cases.view_case`, which probes this case alone, not the department's history)."""
    case = cases_to_filter().filter(number=number).first()
    if case is None or not policy.can(user, "cases.view_case", case):
        raise NotFound(_("case %(number)s not found") % {"number": number})
    return case


def get_assignment_for(user, pk: int) -> Assignment:
    """One assignment, or NotFound when it is missing or not the user's to see."""
    assignment = visible_assignments(user).filter(pk=pk).first()
    if assignment is None:
        raise NotFound(_("assignment %(pk)s not found") % {"pk": pk})
    return assignment


# Likely duplicates offered at intake: recent cases of the same region and category.
DUPLICATE_DAYS = 30
DUPLICATE_CANDIDATES = 50
DUPLICATE_MIN_SIMILARITY = 0.3


def likely_duplicates(user, *, region, category, content: str, limit: int = 5) -> list:
    """Recent cases of the same region and category with similar text, most similar first."""
    if not (region and category):
        return []
    since = timezone.now() - timezone.timedelta(days=DUPLICATE_DAYS)
    candidates = (
        visible_cases(user)
        .filter(region=region, category=category, created_at__gte=since)
        .exclude(status__in=DEAD_END_STATUSES)  # offered to merge into: only live cases
        .order_by("-created_at")[:DUPLICATE_CANDIDATES]
    )
    scored = []
    for case in candidates:
        ratio = difflib.SequenceMatcher(None, content, case.content).ratio()
        if ratio >= DUPLICATE_MIN_SIMILARITY:
            scored.append((ratio, case))
    scored.sort(key=lambda pair: -pair[0])
    return [case for _ratio, case in scored[:limit]]


# One-click transfers at intake: emergency lines and the 12333 sub-center.
TRANSFER_CODES = ["hotline-110", "hotline-119", "hotline-120", "hotline-122", "sub-12333"]


def dispatch_targets():
    """Departments a case can be dispatched to: functional ones, district centers, streets."""
    return Department.objects.filter(is_active=True).exclude(
        kind__in=[Department.Kind.CENTER, Department.Kind.TRANSFER]
    )


def transfer_targets():
    return Department.objects.filter(code__in=TRANSFER_CODES)
