"""Reminders and formal supervision: urge (催办), supervise (督办), the department's answer and
the center's review of it: accepted (the order closes) or sent back (open again, with a reason).
A leader's order carries the leader's instruction (领导批示), shown to the department first."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

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
    case, assignment, _rows = lock_assignment(assignment)
    if actor is not None:
        ensure_center(actor, case, _("urge departments"))
    ensure_transition(case, Action.URGE)
    ensure_assignment_move(assignment, case, Action.URGE)
    assignment.save(update_fields=["updated_at"])
    events.assignment_urged(assignment, actor=actor, note=note, threshold=threshold, at=at)
    return assignment


def _ensure_order_input(level: str, instruction: str, due_at, at) -> str:
    if level not in SupervisionLevel.values:
        raise InvalidInput(
            _("level %(level)r is not one of %(choices)s")
            % {"level": level, "choices": ", ".join(SupervisionLevel.values)},
            field="level",
        )
    instruction = (instruction or "").strip()
    if level == SupervisionLevel.LEADER and not instruction:
        raise InvalidInput(
            _("a leader's supervision order carries the leader's instruction"),
            field="instruction",
        )
    if due_at is None or due_at <= at:
        raise InvalidInput(_("a supervision order is due after it is opened"), field="due_at")
    return instruction


@transaction.atomic
def supervise_case(
    case: Case,
    *,
    actor,
    level: str,
    reason: str,
    due_at: datetime.datetime,
    instruction: str = "",
    at: datetime.datetime | None = None,
) -> SupervisionOrder:
    """Open a formal supervision order (督办) the main department must answer by `due_at`."""
    at = moment(at)
    reason = require_text(reason, "reason", _("the reason for supervision"))
    instruction = _ensure_order_input(level, instruction, due_at, at)
    case = lock_case(case)
    assignments = lock_assignments(case)
    ensure_supervisor(actor, case, _("supervise cases"))
    ensure_transition(case, Action.SUPERVISE)
    _ensure_no_open_order(case, level)
    main = active_main(assignments)
    order = SupervisionOrder.objects.create(
        case=case,
        assignment=main,
        department=main.department,
        level=level,
        reason=reason,
        instruction=instruction,
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
            _(
                "case %(number)s already has an open %(level)s-level supervision order; "
                "wait for the department's answer"
            )
            % {"number": case.number, "level": level}
        )


def _ensure_order_department(actor, order: SupervisionOrder, case: Case) -> None:
    if not policy.can(actor, "cases.answer_supervision", order):
        raise ActionForbidden(
            _("case %(number)s: only the handlers of %(department)s can answer this order")
            % {"number": case.number, "department": order.department}
        )


def _lock_case_of(order: SupervisionOrder) -> Case:
    """The case, then its assignments (the order is locked after them: the fixed order)."""
    case = lock_case(Case(pk=order.case_id))
    lock_assignments(case)
    return case


def _fresh_order(order: SupervisionOrder) -> SupervisionOrder:
    return (
        SupervisionOrder.objects.select_for_update(of=("self",))  # its assignment may be null
        .select_related("department", "assignment")
        .get(pk=order.pk)
    )


@transaction.atomic
def answer_supervision(
    order: SupervisionOrder, *, actor, answer: str, at: datetime.datetime | None = None
) -> SupervisionOrder:
    """The department answers a supervision order."""
    at = moment(at)
    answer = require_text(answer, "answer", _("the answer to the supervision order"))
    case = _lock_case_of(order)
    ensure_case_visible(actor, case)
    ensure_transition(case, Action.ANSWER_SUPERVISION)
    order = _fresh_order(order)
    _ensure_order_department(actor, order, case)
    if order.status != SupervisionStatus.OPEN:
        raise TransitionNotAllowed(
            _("case %(number)s: this supervision order was already answered")
            % {"number": case.number}
        )
    order.status, order.answer = SupervisionStatus.ANSWERED, answer
    order.answered_by, order.answered_at = actor, at
    order.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    events.supervision_answered(case, actor=actor, order=order, at=at)
    return order


@transaction.atomic
def review_supervision(
    order: SupervisionOrder,
    *,
    actor,
    accept: bool,
    note: str = "",
    at: datetime.datetime | None = None,
) -> SupervisionOrder:
    """The center accepts the department's answer (the order closes) or sends it back with a
    reason (the order is open again and the department answers anew)."""
    at = moment(at)
    action = Action.ACCEPT_SUPERVISION if accept else Action.REJECT_SUPERVISION
    note = (note or "").strip()
    if not accept:
        note = require_text(note, "note", _("the reason for sending the answer back"))
    case = _lock_case_of(order)
    ensure_supervisor(actor, case, _("review supervision answers"))
    ensure_transition(case, action)
    order = _fresh_order(order)
    if order.case_id != case.pk or order.status != SupervisionStatus.ANSWERED:
        raise TransitionNotAllowed(
            _("case %(number)s: only an answered supervision order can be reviewed")
            % {"number": case.number},
            code="supervision_not_answered",
        )
    if not accept:
        _ensure_no_open_order(case, order.level)  # a newer order of its level is open
    order.status = SupervisionStatus.CLOSED if accept else SupervisionStatus.OPEN
    order.reviewed_by, order.reviewed_at, order.review_note = actor, at, note
    fields = ["status", "reviewed_by", "reviewed_at", "review_note"]
    if not accept:
        order.sent_back_count += 1
        fields.append("sent_back_count")
    order.save(update_fields=fields)
    events.supervision_reviewed(case, actor=actor, order=order, accepted=accept, at=at)
    return order
