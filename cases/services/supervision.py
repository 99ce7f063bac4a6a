"""Reminders and formal supervision: urge (催办), supervise (督办), answer an order."""

import datetime

from django.db import transaction

from cases import events
from cases.choices import (
    Action,
    SupervisionLevel,
    SupervisionStatus,
)
from cases.models import Assignment, Case, SupervisionOrder
from cases.services.guards import (
    active_main,
    ensure_assignment_move,
    ensure_case_visible,
    ensure_center,
    ensure_supervisor,
    ensure_transition,
    lock_assignment,
    lock_assignments,
    lock_case,
    moment,
    require_text,
)
from core import policy
from core.errors import ActionForbidden, InvalidInput, TransitionNotAllowed


@transaction.atomic
def urge_assignment(
    assignment: Assignment,
    *,
    actor=None,
    note: str = "",
    threshold: str = "",
    at: datetime.datetime | None = None,
) -> Assignment:
    """Remind the department of a deadline (催办); actor None is the automatic sweep."""
    at = moment(at)
    case, assignment, _ = lock_assignment(assignment)
    if actor is not None:
        ensure_center(actor, case, "urge departments")
    ensure_transition(case, Action.URGE)
    ensure_assignment_move(assignment, case, Action.URGE)
    assignment.save(update_fields=["updated_at"])
    events.assignment_urged(assignment, actor=actor, note=note, threshold=threshold, at=at)
    return assignment


@transaction.atomic
def supervise_case(
    case: Case,
    *,
    actor,
    level: str,
    reason: str,
    due_at: datetime.datetime,
    at: datetime.datetime | None = None,
) -> SupervisionOrder:
    """Open a formal supervision order (督办) the main department must answer by `due_at`."""
    at = moment(at)
    if level not in SupervisionLevel.values:
        raise InvalidInput(
            f"level {level!r} is not one of {', '.join(SupervisionLevel.values)}", field="level"
        )
    reason = require_text(reason, "reason", "the reason for supervision")
    if due_at is None or due_at <= at:
        raise InvalidInput("a supervision order is due after it is opened", field="due_at")
    case = lock_case(case)
    assignments = lock_assignments(case)
    ensure_supervisor(actor, case, "supervise cases")
    ensure_transition(case, Action.SUPERVISE)
    _ensure_no_open_order(case, level)
    main = active_main(assignments)
    order = SupervisionOrder.objects.create(
        case=case,
        assignment=main,
        department=main.department,
        level=level,
        reason=reason,
        opened_by=actor,
        opened_at=at,
        due_at=due_at,
    )
    events.supervision_opened(case, actor=actor, order=order, at=at)
    return order


def _ensure_no_open_order(case: Case, level: str) -> None:
    """One open order per case and level (the case row is locked: no race; the database's
    constraint `one_open_supervision_per_level` backs it)."""
    if case.supervisions.filter(level=level, status=SupervisionStatus.OPEN).exists():
        raise TransitionNotAllowed(
            f"case {case.number} already has an open {level}-level "
            "supervision order; wait for the department's answer"
        )


def _ensure_order_department(actor, order: SupervisionOrder, case: Case) -> None:
    if not policy.can(actor, "cases.answer_supervision", order):
        raise ActionForbidden(
            f"case {case.number}: only the handlers of {order.department} can answer this order"
        )


@transaction.atomic
def answer_supervision(
    order: SupervisionOrder, *, actor, answer: str, at: datetime.datetime | None = None
) -> SupervisionOrder:
    """The department answers a supervision order."""
    at = moment(at)
    answer = require_text(answer, "answer", "the answer to the supervision order")
    case = lock_case(Case(pk=order.case_id))
    lock_assignments(case)
    ensure_case_visible(actor, case)
    ensure_transition(case, Action.ANSWER_SUPERVISION)
    order = (
        SupervisionOrder.objects.select_for_update().select_related("department").get(pk=order.pk)
    )
    _ensure_order_department(actor, order, case)
    if order.status != SupervisionStatus.OPEN:
        raise TransitionNotAllowed(
            f"case {case.number}: this supervision order was already answered"
        )
    order.status, order.answer = SupervisionStatus.ANSWERED, answer
    order.answered_by, order.answered_at = actor, at
    order.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    events.supervision_answered(case, actor=actor, order=order, at=at)
    return order
