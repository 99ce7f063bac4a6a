"""Which of the table's actions a user may take on a case now (for pages and the API)."""

from django.conf import settings

from cases.choices import (
    CO_HANDLING_STATUSES,
    DECISION_STATUSES,
    HELD_ASSIGNMENT_STATUSES,
    TRANSITIONS,
    Action,
    AssignmentRole,
    ConsultationStatus,
    Decision,
    SupervisionStatus,
    Taker,
    TransferStatus,
    allowed_from,
    assignment_actions_by,
    assignment_move,
)
from cases.models import Assignment, Case, ConsultationPosition
from cases.services.guards import active_main
from core import policy

# The partner line's steps on an outbound transfer (`cases.services.transfers`).
TRANSFER_STEP_FROM = {
    Action.ACKNOWLEDGE_TRANSFER: (TransferStatus.SENT,),
    Action.ANSWER_TRANSFER: (TransferStatus.SENT, TransferStatus.RECEIVED),
}
TRANSFER_ACTIONS = frozenset(TRANSFER_STEP_FROM)
# Which policy rule decides each of the case table's actions (`cases.policy`).
CENTER_ACTIONS = frozenset(
    {
        Action.ANSWER,
        Action.TRANSFER,
        Action.INVALIDATE,
        Action.MERGE,
        Action.DISPATCH,
        Action.CALLBACK,
        Action.CLOSE,
        Action.URGE,
    }
)
SUPERVISOR_ACTIONS = frozenset(
    {
        Action.ACCEPT_RETURN,
        Action.REJECT_RETURN,
        Action.OPEN_DISPUTE,
        Action.DECIDE_DISPUTE,
        Action.DECIDE_EXTENSION,
        Action.REOPEN,
        Action.PARK,
        Action.SUPERVISE,
        # issue 14 (helper A): reply review, take back and reassign
        Action.APPROVE_REPLY,
        Action.SEND_BACK_REPLY,
        Action.TAKE_BACK,
    }
)
# issue 14 (B): the decision queue, supervision review and joint consultation
CENTER_ACTIONS |= {Action.REFER_DECISION}
SUPERVISOR_ACTIONS |= {Action.CONCLUDE}
# Offered only when the case has the object they act on (an answered order, a consultation).
ON_OBJECT_ACTIONS = frozenset(
    {
        Action.ACCEPT_SUPERVISION,
        Action.REJECT_SUPERVISION,
        Action.OPEN_CONSULTATION,
        Action.RECORD_POSITION,
        Action.DECIDE_CONSULTATION,
    }
)

# What a department's handlers do to their own assignment (the assignment table's `by`).
DEPARTMENT_ACTIONS = assignment_actions_by(Taker.MAIN) | assignment_actions_by(Taker.CO)


def _open_assignments(case: Case) -> dict[int, Assignment]:
    rows = case.assignments.active()
    return {a.pk: a for a in rows.select_related("department").order_by("id")}


def _takes(assignment: Assignment, action: Action, case: Case) -> bool:
    """Both tables allow `action` on this assignment now, for the department holding it.

    The main assignment's action needs the case's row in TRANSITIONS; a co-handler's needs the
    case with the departments (CO_HANDLING_STATUSES), as the services check.
    """
    move = assignment_move(assignment.status, action)
    if move is None or Taker(assignment.role) not in move.by:
        return False
    if assignment.role == AssignmentRole.MAIN:
        return (case.status, action) in TRANSITIONS
    return case.status in CO_HANDLING_STATUSES


def _waiting(assignment: Assignment, action: Action) -> bool:
    """An extension is not asked for again while one is waiting for a decision (issue 14)."""
    if action != Action.REQUEST_EXTENSION:
        return False
    return assignment.extensions.filter(status=Decision.PENDING).exists()


def _may(user, action: Action, case: Case, main: Assignment | None, mine: list) -> bool:
    """Ask the policy, with the object the action is taken on."""
    if action in CENTER_ACTIONS:
        return policy.can(user, "cases.work_as_center", case)
    if action in SUPERVISOR_ACTIONS:
        return policy.can(user, "cases.supervise_work", case)
    if action in DEPARTMENT_ACTIONS:  # main or co-handler, each on its own assignment
        return any(_takes(a, action, case) and not _waiting(a, action) for a in mine)
    if action == Action.REDISPATCH:
        redispatchable = main is not None and assignment_move(main.status, action) is not None
        return redispatchable and policy.can(user, "cases.redispatch", main)
    if action in ON_OBJECT_ACTIONS:
        return _may_on_object(user, action, case)
    if action == Action.ANSWER_SUPERVISION:
        orders = case.supervisions.filter(status=SupervisionStatus.OPEN).select_related(
            "department"
        )
        return any(policy.can(user, "cases.answer_supervision", o) for o in orders)
    if action in TRANSFER_ACTIONS:  # the partner line the open transfer is addressed to
        steps = TRANSFER_STEP_FROM[action]
        waiting = case.transfers.filter(status__in=steps).select_related("partner")
        return any(policy.can(user, "cases.handle_transfer", t) for t in waiting)
    return False


def _may_on_object(user, action: Action, case: Case) -> bool:
    """Supervision review and consultation steps: the object they act on, then the policy."""
    if action in (Action.ACCEPT_SUPERVISION, Action.REJECT_SUPERVISION):
        answered = case.supervisions.filter(status=SupervisionStatus.ANSWERED).exists()
        return answered and policy.can(user, "cases.supervise_work", case)
    open_ = case.consultations.filter(status=ConsultationStatus.OPEN)
    if action == Action.OPEN_CONSULTATION:
        return policy.can(user, "cases.supervise_work", case) and not open_.exists()
    if action == Action.DECIDE_CONSULTATION:
        return policy.can(user, "cases.supervise_work", case) and open_.exists()
    positions = ConsultationPosition.objects.filter(consultation__in=open_)
    return any(
        policy.can(user, "cases.record_position", p) for p in positions.select_related("department")
    )


def allowed_actions(case: Case, user) -> list[str]:
    """The actions the table allows on the case now that this user may take."""
    if not user.is_authenticated:
        return []
    actions = allowed_from(case.status)
    parked = case.reopen_count >= settings.HOTLINE_MAX_REOPENS
    # past the cap a reopening parks; in the decision queue a supervisor may also park by hand
    hidden = Action.REOPEN if parked else Action.PARK
    if case.status in DECISION_STATUSES and hidden == Action.PARK:
        hidden = None
    actions = [a for a in actions if a != hidden]
    main, mine = None, []
    co_handling = case.status in CO_HANDLING_STATUSES
    if co_handling or set(actions) & (DEPARTMENT_ACTIONS | {Action.REDISPATCH}):
        open_ = _open_assignments(case)
        main = active_main(open_)
        mine = [
            a
            for a in open_.values()
            if a.status in HELD_ASSIGNMENT_STATUSES
            and policy.can(user, "cases.handle_assignment", a)
        ]
    if co_handling and any(a.role == AssignmentRole.CO for a in mine):
        # a co-handler's actions follow its own assignment, not the case's row
        actions += [a for a in Action if a in DEPARTMENT_ACTIONS and a not in actions]
    return [a.value for a in actions if _may(user, a, case, main, mine)]
