"""Reply review (办结审核): the center approves a department's reply or sends it back.

Which replies wait is the review policy's (`ReplyReviewPolicy`): the most specific rule
matching the case's request type, category (or one above it) and the replying department (or
one above it) decides; with no matching rule the reply is not reviewed. A reply the policy
does not reach is approved by the reply service at once (`pass_reply`), so the callback queue
only ever holds replies the center accepted.
"""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from cases import events
from cases.choices import Action, AssignmentRole, KnockOn, Status, assignment_sources
from cases.models import Assignment, Case, ReplyReviewPolicy
from cases.services.dispatch import drive_case
from cases.services.guards import (
    ensure_assignment_move,
    ensure_supervisor,
    ensure_transition,
    lock_assignments,
    lock_case,
    moment,
    require_text,
    update,
)
from core.errors import TransitionNotAllowed

# The demo's policy (`load_demo`): complaints and reports are reviewed, consultations not.
DEMO_POLICIES = [("complaint", True), ("report", True), ("consultation", False)]


def _matches(rule: ReplyReviewPolicy, case: Case, department) -> bool:
    if rule.request_type and rule.request_type != case.request_type:
        return False
    if rule.category_id and not (
        case.category_id and case.category.path.startswith(rule.category.path)
    ):
        return False
    return not rule.department_id or department.path.startswith(rule.department.path)


def review_applies(case: Case, assignment: Assignment) -> bool:
    """Whether this department's reply on this case waits for the center's review."""
    rules = [
        rule
        for rule in ReplyReviewPolicy.objects.select_related("category", "department")
        if _matches(rule, case, assignment.department)
    ]
    if not rules:
        return False
    # the most specific rule decides; between equally specific ones, reviewing wins
    return max(rules, key=lambda rule: (rule.specificity, rule.review)).review


def seed_demo_policies() -> int:
    """The demo's review rules (missing ones only)."""
    created = 0
    for request_type, review in DEMO_POLICIES:
        _rule, new = ReplyReviewPolicy.objects.get_or_create(
            request_type=request_type,
            category=None,
            department=None,
            defaults={"review": review},
        )
        created += new
    return created


def pass_reply(case: Case, assignment: Assignment, assignments: dict) -> None:
    """Apply the approval rows: the assignment is replied (and the district center's it came
    through, a knock-on); a main reply sends the case to the callback queue."""
    parent = assignments.get(assignment.parent_id)
    update(assignment, status=ensure_assignment_move(assignment, case, Action.APPROVE_REPLY))
    if parent is not None:
        update(
            parent,
            status=ensure_assignment_move(parent, case, KnockOn.REPLY_THROUGH),
            reply_content=assignment.reply_content,
            replied_at=assignment.replied_at,
            replied_by=assignment.replied_by,
            reply_result=assignment.reply_result,
        )
    if assignment.role == AssignmentRole.MAIN:  # a co-handler's reply leaves the case as it is
        drive_case(case, ensure_transition(case, Action.APPROVE_REPLY))
        tell_duplicates(case, assignment, at=assignment.replied_at)


def waiting_duplicates(case: Case) -> list[Case]:
    """Duplicates merged into the case that still wait to be closed with it (locked, id order)."""
    return list(
        Case.objects.select_for_update()
        .filter(parent=case, status=Status.MERGED, closed_at__isnull=True)
        .order_by("id")
    )


def tell_duplicates(case: Case, assignment: Assignment, *, at) -> None:
    """The duplicates merged into a case hear its reply once it passes (their own timeline
    line) and join the callback queue: each citizen is called back before the parent closes."""
    for duplicate in waiting_duplicates(case):
        update(duplicate, replied_at=at)
        events.parent_replied(duplicate, actor=None, parent=case, assignment=assignment, at=at)


def _reviewed(case: Case, assignments: dict) -> Assignment:
    waiting = assignment_sources(Action.APPROVE_REPLY)
    for row in assignments.values():
        if row.status in waiting and row.role == AssignmentRole.MAIN:
            return row
    raise TransitionNotAllowed(
        _("case %(number)s has no reply waiting for review") % {"number": case.number}
    )


@transaction.atomic
def approve_reply(
    case: Case, *, actor, note: str = "", at: datetime.datetime | None = None
) -> Assignment:
    """The center accepts the department's reply: the case goes to the callback queue."""
    at = moment(at)
    case = lock_case(case)
    assignments = lock_assignments(case)
    ensure_supervisor(actor, case, _("review replies"))
    ensure_transition(case, Action.APPROVE_REPLY)
    main = _reviewed(case, assignments)
    for row in assignments.values():
        row.case = case
    pass_reply(case, main, assignments)
    events.reply_approved(main, actor=actor, note=note, at=at)
    return main


@transaction.atomic
def send_back_reply(
    case: Case, *, actor, reason: str, at: datetime.datetime | None = None
) -> Assignment:
    """The center sends the reply back with a reason: the department holds the case again,
    its reply deadline unchanged (counted as a rejected reply in assessment)."""
    at = moment(at)
    reason = require_text(reason, "reason", _("the reason for sending the reply back"))
    case = lock_case(case)
    assignments = lock_assignments(case)
    ensure_supervisor(actor, case, _("review replies"))
    target = ensure_transition(case, Action.SEND_BACK_REPLY)
    main = _reviewed(case, assignments)
    main.case = case
    result, content = main.reply_result, main.reply_content
    update(
        main,
        status=ensure_assignment_move(main, case, Action.SEND_BACK_REPLY),
        replied_at=None,
        replied_by=None,
        reply_result="",
        reply_content="",
    )
    drive_case(case, target, replied_at=None)
    events.reply_sent_back(main, actor=actor, reason=reason, result=result, content=content, at=at)
    return main
