"""Dispatch and the way back: dispatch, re-dispatch, sign, return, review, disputes."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import events, sla
from cases.choices import (
    CO_HANDLING_STATUSES,
    Action,
    AssignmentRole,
    DeadlineStage,
    DisputeStatus,
    KnockOn,
    Status,
    Taker,
    assignment_move,
    assignment_takers,
)
from cases.models import Assignment, Case, Dispute
from cases.routing import suggestions as routing
from cases.services.guards import (
    ensure_assignment_move,
    ensure_center,
    ensure_department,
    ensure_supervisor,
    ensure_transition,
    lock_assignment,
    lock_assignments,
    lock_case,
    moment,
    require_text,
    status_words,
    update,
)
from core import policy
from core.errors import ActionForbidden, InvalidInput, NotFound, TransitionNotAllowed
from departments.models import Department

DISPATCHABLE_KINDS = (
    Department.Kind.FUNCTIONAL,
    Department.Kind.DISTRICT_CENTER,
    Department.Kind.STREET_OFFICE,
    Department.Kind.SUB_CENTER,
)


def ensure_dispatchable(department, field: str = "department") -> Department:
    if department is None or department.kind not in DISPATCHABLE_KINDS:
        raise InvalidInput(
            _("%(department)s does not handle cases; pick a department")
            % {"department": department},
            field=field,
        )
    if not department.is_active:
        raise InvalidInput(
            _("%(department)s is no longer active") % {"department": department}, field=field
        )
    return department


def new_assignment(
    case: Case, department, *, role, actor, at, parent=None, allow_return=True
) -> Assignment:
    """One dispatch with its sign, return and reply deadlines from the deadline clock."""
    due = {"request_type": case.request_type, "urgency": case.urgency, "start": at}
    return Assignment.objects.create(
        case=case,
        case_created_at=case.created_at,  # the department lists' sort key (cases.policy)
        department=department,
        role=role,
        parent=parent,
        dispatched_at=at,
        dispatched_by=actor,
        sign_due_at=sla.due_at(DeadlineStage.SIGN, **due),
        return_due_at=sla.due_at(DeadlineStage.RETURN, **due) if allow_return else None,
        reply_due_at=sla.due_at(DeadlineStage.REPLY, **due),
    )


def drive_case(case: Case, status: Status, main: Assignment | None = None, **fields) -> None:
    """Save the case's new status (and its main department and reply deadline)."""
    case.status = status
    names = ["status", "updated_at", *fields]
    for name, value in fields.items():
        setattr(case, name, value)
    if main is not None:
        case.main_department = main.department
        case.reply_due_at = main.reply_due_at
        names += ["main_department", "reply_due_at"]
    case.save(update_fields=names)


def withdraw_open(assignments, *, keep=None) -> None:
    """The knock-on of an accepted return or an opened dispute on the case's other assignments."""
    for row in assignments.values():
        move = assignment_move(row.status, KnockOn.WITHDRAW)
        if row is not keep and move is not None:
            row.status = move.target
            row.save(update_fields=["status", "updated_at"])


def ensure_co_open(case: Case, what: str) -> None:
    if case.status not in CO_HANDLING_STATUSES:
        raise TransitionNotAllowed(
            _(
                "case %(number)s is %(status)s; co-handlers can %(what)s only while the case "
                "is dispatched or in progress"
            )
            % {"number": case.number, "status": status_words(case.status), "what": what}
        )


def dispatch_case(
    case: Case,
    *,
    actor,
    department: Department,
    co_departments=(),
    note: str = "",
    basis: dict | None = None,
    at: datetime.datetime | None = None,
) -> Assignment:
    """Send the case to its main department (主办) and any co-handlers (协办).

    `basis` is the rule or suggestion the choice followed (worked out here when not given).
    It is computed before any row is locked: a suggestion reads the rules, the gazetteer and
    the classifier, which must not run while the case (on SQLite, the database) is locked.
    """
    if basis is None:
        basis = routing_basis(case, department)
    return _dispatch(
        case, actor=actor, department=department, co_departments=co_departments, note=note,
        basis=basis, at=at,
    )  # fmt: skip


@transaction.atomic
def _dispatch(case: Case, *, actor, department, co_departments, note, basis, at) -> Assignment:
    at = moment(at)
    case = lock_case(case)
    lock_assignments(case)
    ensure_center(actor, case, _("dispatch cases"))
    target = ensure_transition(case, Action.DISPATCH)
    ensure_dispatchable(department)
    co_departments = list(dict.fromkeys(co_departments))
    for co in co_departments:
        ensure_dispatchable(co, field="co_departments")
        if co.pk == department.pk:
            raise InvalidInput(
                _("%(department)s is already the main department") % {"department": co},
                field="co_departments",
            )
    main = new_assignment(case, department, role=AssignmentRole.MAIN, actor=actor, at=at)
    for co in co_departments:
        new_assignment(case, co, role=AssignmentRole.CO, actor=actor, at=at)
    drive_case(case, target, main)
    events.case_dispatched(
        case,
        actor=actor,
        assignment=main,
        co_departments=co_departments,
        note=note,
        basis=basis,
        at=at,
    )
    return main


def routing_basis(case_or_fields, department: Department) -> dict:
    """The rule or history suggestion a dispatch to `department` follows, so that a later
    return can name it; `case_or_fields` is a case or the fields of one not yet registered."""
    for suggestion in routing.suggest(case_or_fields, limit=5):
        if suggestion.department.pk == department.pk:
            return routing.dispatch_basis(suggestion)
    return routing.dispatch_basis(None)


def _ensure_territory(actor, assignment: Assignment, case: Case, department) -> None:
    if not policy.can(actor, "cases.view_assignment", assignment):
        raise NotFound(_("assignment %(id)s not found") % {"id": assignment.pk})
    district = assignment.department
    if not policy.can(actor, "cases.redispatch", assignment):
        raise ActionForbidden(
            _("case %(number)s: only the staff of the district center holding it can re-dispatch")
            % {"number": case.number}
        )
    inside = department is not None and department.region_id and district.region_id
    if not inside or not department.region.path.startswith(district.region.path):
        raise InvalidInput(
            _("%(department)s is outside %(region)s's territory")
            % {"department": department, "region": district.region},
            field="department",
        )
    ensure_dispatchable(department)
    if department.pk == district.pk:
        raise InvalidInput(
            _("the case is already with %(department)s") % {"department": district},
            field="department",
        )


@transaction.atomic
def redispatch_assignment(
    assignment: Assignment,
    *,
    actor,
    department: Department,
    note: str = "",
    at: datetime.datetime | None = None,
) -> Assignment:
    """A district center passes its case to a department inside its territory (二级派单)."""
    at = moment(at)
    case, assignment, __ = lock_assignment(assignment)
    _ensure_territory(actor, assignment, case, department)
    passed_on = ensure_assignment_move(assignment, case, Action.REDISPATCH)
    target = ensure_transition(case, Action.REDISPATCH)
    assignment.status = passed_on
    assignment.save(update_fields=["status", "updated_at"])
    child = new_assignment(
        case, department, role=assignment.role, actor=actor, at=at, parent=assignment
    )
    drive_case(case, target, main_department=department)
    events.assignment_redispatched(
        child, actor=actor, from_department=assignment.department, note=note, at=at
    )
    return child


@transaction.atomic
def sign_assignment(
    assignment: Assignment, *, actor, at: datetime.datetime | None = None
) -> Assignment:
    """The department accepts the dispatch (签收); signing late counts against it."""
    at = moment(at)
    case, assignment, __ = lock_assignment(assignment)
    ensure_department(actor, assignment, case, _("sign for this case"))
    if assignment.role == AssignmentRole.MAIN:
        target = ensure_transition(case, Action.SIGN)
    else:
        ensure_co_open(case, _("sign"))
        target = None
    assignment.status = ensure_assignment_move(assignment, case, Action.SIGN)
    assignment.signed_at, assignment.signed_by = at, actor
    assignment.save(update_fields=["status", "signed_at", "signed_by", "updated_at"])
    if target:
        drive_case(case, target)
    events.assignment_signed(assignment, actor=actor, late=at > assignment.sign_due_at, at=at)
    return assignment


def _ensure_return_window(assignment: Assignment, case: Case, at) -> None:
    """Inside the return window a department returns a case whether it signed or not; after
    it, the department is responsible and only a supervisor's take-back (收回) moves the case."""
    if assignment.return_due_at is None or at > assignment.return_due_at:
        words = {"number": case.number, "department": assignment.department}
        if assignment.return_due_at:
            words["closed"] = timezone.localtime(assignment.return_due_at).strftime(
                "%Y-%m-%d %H:%M"
            )
            message = _(
                "case %(number)s: the return window of %(department)s closed at %(closed)s; "
                "the department is now responsible: ask a center supervisor to take the case "
                'back and reassign it ("Take back and reassign")'
            )
        else:
            message = _(
                "case %(number)s: the return window of %(department)s is closed (a decided "
                "dispute or a reopened case); the department is now responsible: ask a center "
                'supervisor to take the case back and reassign it ("Take back and reassign")'
            )
        raise TransitionNotAllowed(message % words)


@transaction.atomic
def return_assignment(
    assignment: Assignment,
    *,
    actor,
    reason: str,
    suggested_department: Department | None = None,
    at: datetime.datetime | None = None,
) -> Assignment:
    """The department says "not ours" (退单), with a reason and ideally whose it is."""
    at = moment(at)
    reason = require_text(reason, "reason", _("the reason for the return"))
    case, assignment, __ = lock_assignment(assignment)
    ensure_department(actor, assignment, case, _("return this case"))
    if Taker(assignment.role) not in assignment_takers(Action.RETURN):
        raise TransitionNotAllowed(
            _("case %(number)s: only the main department can return a case; co-handlers reply")
            % {"number": case.number}
        )
    target = ensure_transition(case, Action.RETURN)
    returning = ensure_assignment_move(assignment, case, Action.RETURN)
    _ensure_return_window(assignment, case, at)
    update(
        assignment,
        status=returning,
        returned_at=at,
        return_reason=reason,
        return_suggested_department=suggested_department,
        return_count=assignment.return_count + 1,
    )
    drive_case(case, target)
    events.assignment_returned(
        assignment, actor=actor, reason=reason, suggested_department=suggested_department, at=at
    )
    return assignment


def _returning(case: Case, assignments) -> Assignment:
    for row in assignments.values():
        if assignment_move(row.status, Action.OPEN_DISPUTE) is not None:
            return row
    raise TransitionNotAllowed(
        _("case %(number)s has no return waiting for review") % {"number": case.number}
    )


@transaction.atomic
def review_return(
    assignment: Assignment,
    *,
    actor,
    accept: bool,
    note: str = "",
    at: datetime.datetime | None = None,
) -> Assignment:
    """Accept a return (back to the center to re-dispatch) or reject it (back to the department).

    A department that had signed before returning holds the case signed again when the return
    is rejected: the rejection's row, then the sign row it already took (its signing time kept).
    """
    at = moment(at)
    case, assignment, assignments = lock_assignment(assignment)
    ensure_supervisor(actor, case, _("review returns"))
    target = ensure_transition(case, Action.ACCEPT_RETURN if accept else Action.REJECT_RETURN)
    review = Action.ACCEPT_RETURN if accept else Action.REJECT_RETURN
    assignment.status = ensure_assignment_move(assignment, case, review)
    signed = not accept and assignment.signed_at is not None
    if signed:
        assignment.status = ensure_assignment_move(assignment, case, Action.SIGN)
        case.status = target
        target = ensure_transition(case, Action.SIGN)
    assignment.save(update_fields=["status", "updated_at"])
    if accept:
        withdraw_open(assignments, keep=assignment)
        drive_case(case, target, main_department=None, reply_due_at=None)
        events.return_accepted(assignment, actor=actor, note=note, at=at)
    else:
        drive_case(case, target)
        events.return_rejected(assignment, actor=actor, note=note, signed=signed, at=at)
    return assignment


@transaction.atomic
def open_dispute(case: Case, *, actor, reason: str, at: datetime.datetime | None = None) -> Dispute:
    """Escalate a repeated return to a jurisdiction dispute that a supervisor decides."""
    at = moment(at)
    reason = require_text(reason, "reason", _("what the departments disagree about"))
    case = lock_case(case)
    assignments = lock_assignments(case)
    ensure_supervisor(actor, case, _("open jurisdiction disputes"))
    target = ensure_transition(case, Action.OPEN_DISPUTE)
    returning = _returning(case, assignments)
    returning.status = ensure_assignment_move(returning, case, Action.OPEN_DISPUTE)
    returning.save(update_fields=["status", "updated_at"])
    withdraw_open(assignments, keep=returning)
    dispute = Dispute.objects.create(case=case, reason=reason, raised_by=actor, raised_at=at)
    involved = {a.department for a in assignments.values() if a.return_count}
    if returning.return_suggested_department:
        involved.add(returning.return_suggested_department)
    dispute.departments.set(involved)
    drive_case(case, target, main_department=None, reply_due_at=None)
    events.dispute_opened(case, actor=actor, dispute=dispute, departments=involved, at=at)
    return dispute


@transaction.atomic
def decide_dispute(
    dispute: Dispute,
    *,
    actor,
    department: Department,
    note: str = "",
    at: datetime.datetime | None = None,
) -> Assignment:
    """The supervisor names the responsible department; it cannot return the case again."""
    at = moment(at)
    case = lock_case(Case(pk=dispute.case_id))
    lock_assignments(case)
    ensure_supervisor(actor, case, _("decide jurisdiction disputes"))
    target = ensure_transition(case, Action.DECIDE_DISPUTE)
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    if dispute.status != DisputeStatus.OPEN:
        raise TransitionNotAllowed(
            _("case %(number)s: this dispute was already decided") % {"number": case.number}
        )
    ensure_dispatchable(department)
    main = new_assignment(
        case, department, role=AssignmentRole.MAIN, actor=actor, at=at, allow_return=False
    )
    dispute.status, dispute.decided_department = DisputeStatus.DECIDED, department
    dispute.decided_by, dispute.decided_at, dispute.decision_note = actor, at, note
    dispute.save(
        update_fields=["status", "decided_department", "decided_by", "decided_at", "decision_note"]
    )
    drive_case(case, target, main)
    events.dispute_decided(case, actor=actor, dispute=dispute, assignment=main, at=at)
    return main
