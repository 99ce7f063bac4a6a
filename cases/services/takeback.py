"""Take back and reassign (收回/改派): a supervisor withdraws a case from its departments."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from cases import events
from cases.choices import Action, SupervisionStatus, assignment_move
from cases.models import Assignment, Case, SupervisionOrder
from cases.services.dispatch import dispatch_case, drive_case, routing_basis
from cases.services.guards import (
    ensure_supervisor,
    ensure_transition,
    lock_assignments,
    lock_case,
    moment,
    require_text,
    update,
)
from cases.services.handling import withdraw_pending_extensions
from departments.models import Department


def take_back_case(
    case: Case,
    *,
    actor,
    reason: str,
    department: Department | None = None,
    co_departments=(),
    note: str = "",
    at: datetime.datetime | None = None,
) -> Assignment | None:
    """Withdraw every assignment still held before the reply, with a reason; with `department`
    the case is dispatched again in the same transaction, else it waits registered.

    Returns the new main assignment, or None when the case was only taken back. The routing
    basis of the new dispatch is worked out before any row is locked (as `dispatch_case` does).
    """
    basis = routing_basis(case, department) if department is not None else None
    return _take_back(
        case, actor=actor, reason=reason, department=department, co_departments=co_departments,
        note=note, basis=basis, at=at,
    )  # fmt: skip


def _close_open_orders(case: Case) -> list[int]:
    """The supervision orders addressed to the departments taken off the case end with it (a
    new order can be opened on the new department)."""
    orders = SupervisionOrder.objects.select_for_update().filter(
        case=case, status=SupervisionStatus.OPEN
    )
    ids = list(orders.values_list("pk", flat=True))
    SupervisionOrder.objects.filter(pk__in=ids).update(status=SupervisionStatus.CLOSED)
    return ids


@transaction.atomic
def _take_back(case, *, actor, reason, department, co_departments, note, basis, at):
    at = moment(at)
    reason = require_text(reason, "reason", _("the reason for taking the case back"))
    case = lock_case(case)
    assignments = lock_assignments(case)
    ensure_supervisor(actor, case, _("take cases back"))
    target = ensure_transition(case, Action.TAKE_BACK)
    withdrawn = []
    for row in assignments.values():
        move = assignment_move(row.status, Action.TAKE_BACK)
        if move is not None:
            update(row, status=move.target, withdrawn_at=at)
            withdrawn.append(row)
    extensions = withdraw_pending_extensions(withdrawn, at=at)
    orders = _close_open_orders(case)
    drive_case(case, target, main_department=None, reply_due_at=None)
    departments = list({row.department_id: row.department for row in withdrawn}.values())
    events.case_taken_back(
        case,
        actor=actor,
        reason=reason,
        withdrawn=departments,
        extensions_withdrawn=extensions,
        supervisions_closed=orders,
        at=at,
    )
    if department is None:
        return None
    return dispatch_case(
        case,
        actor=actor,
        department=department,
        co_departments=co_departments,
        note=note or reason,
        basis=basis,
        at=at,
    )
