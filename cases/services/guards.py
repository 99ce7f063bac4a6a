"""What every service checks first: the locked rows, the transition table, the actor's scope."""

import datetime

from django.utils import timezone

from cases.choices import (
    HELD_ASSIGNMENT_STATUSES,
    TRANSITIONS,
    Action,
    AssignmentRole,
    AssignmentStatus,
    KnockOn,
    Status,
    assignment_move,
    assignment_sources,
    next_status,
)
from cases.models import Assignment, Case
from core import policy
from core.errors import ActionForbidden, InvalidInput, NotFound, TransitionNotAllowed

# How each refusal completes "only <statuses> cases can ...".
ACTION_PHRASES = {
    Action.ANSWER: "be answered directly",
    Action.TRANSFER: "be transferred",
    Action.INVALIDATE: "be marked invalid",
    Action.MERGE: "be merged into another case",
    Action.DISPATCH: "be dispatched",
    Action.REDISPATCH: "be re-dispatched",
    Action.SIGN: "be signed for",
    Action.RETURN: "be returned",
    Action.ACCEPT_RETURN: "have a return accepted",
    Action.REJECT_RETURN: "have a return rejected",
    Action.OPEN_DISPUTE: "go to a jurisdiction dispute",
    Action.DECIDE_DISPUTE: "have a jurisdiction dispute decided",
    Action.REQUEST_EXTENSION: "get an extension request",
    Action.DECIDE_EXTENSION: "have an extension decided",
    Action.ADD_PROGRESS: "get progress notes",
    Action.REPLY: "be replied to",
    Action.CALLBACK: "be called back",
    Action.REOPEN: "be reopened",
    Action.PARK: "be parked as unresolvable",
    Action.CLOSE: "be closed",
    Action.URGE: "be urged",
    Action.SUPERVISE: "be supervised",
    Action.ANSWER_SUPERVISION: "have a supervision order answered",
    # issue 14 (B)
    Action.REFER_DECISION: "go to the supervisors' decision",
    Action.CONCLUDE: "be closed by a supervisor's decision",
    Action.ACCEPT_SUPERVISION: "have a supervision answer accepted",
    Action.REJECT_SUPERVISION: "have a supervision answer sent back",
    Action.OPEN_CONSULTATION: "go to a joint consultation",
    Action.RECORD_POSITION: "get a department's position",
    Action.DECIDE_CONSULTATION: "have a joint consultation decided",
}


def status_words(status: str) -> str:
    return status.replace("_", " ")


def either(words: list[str]) -> str:
    """ "a", "a or b", "a, b or c"."""
    return " or ".join(filter(None, [", ".join(words[:-1]), words[-1]])) if words else "no"


def moment(at: datetime.datetime | None) -> datetime.datetime:
    """The time of the transition: now, or the explicit `at` of a backfill (demo data)."""
    return at or timezone.now()


def ensure_transition(case: Case, action: Action) -> Status:
    """The status after `action`, or TransitionNotAllowed naming the case, its state and why."""
    target = next_status(case.status, action)
    if target is None:
        sources = either([status_words(s) for (s, a) in TRANSITIONS if a == action])
        raise TransitionNotAllowed(
            f"case {case.number} is {status_words(case.status)}; "
            f"only {sources} cases can {ACTION_PHRASES[action]}"
        )
    return target


def ensure_assignment_move(
    assignment: Assignment, case: Case, action: Action | KnockOn
) -> AssignmentStatus:
    """The assignment's status after `action` (ASSIGNMENT_TRANSITIONS), or TransitionNotAllowed."""
    move = assignment_move(assignment.status, action)
    if move is None:
        sources = either([status_words(s) for s in assignment_sources(action)])
        phrase = ACTION_PHRASES.get(action, KNOCK_ON_PHRASES.get(action))
        raise TransitionNotAllowed(
            f"case {case.number}: the assignment to {assignment.department} is "
            f"{status_words(assignment.status)}; only {sources} assignments can {phrase}"
        )
    return move.target


KNOCK_ON_PHRASES = {KnockOn.WITHDRAW: "be withdrawn", KnockOn.REPLY_THROUGH: "be replied through"}


# ---------------------------------------------------------------- locks (fixed order)


def lock_case(case: Case) -> Case:
    """Re-read the case with its row locked (the first lock every service takes)."""
    return Case.objects.select_for_update().get(pk=case.pk)


def lock_assignments(case: Case) -> dict[int, Assignment]:
    """Lock every assignment of the case, in id order (after the case: never a deadlock)."""
    rows = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("department")
        .filter(case_id=case.pk)
        .order_by("id")
    )
    return {a.pk: a for a in rows}


def lock_assignment(assignment: Assignment) -> tuple[Case, Assignment, dict[int, Assignment]]:
    """Lock the assignment's case, then all of its assignments; return the fresh rows."""
    case = lock_case(Case(pk=assignment.case_id))
    assignments = lock_assignments(case)
    for row in assignments.values():
        row.case = case
    return case, assignments[assignment.pk], assignments


def active_main(assignments: dict[int, Assignment]) -> Assignment | None:
    """The main assignment currently driving the case (the deepest in two-level dispatch)."""
    open_main = [
        a
        for a in assignments.values()
        if a.role == AssignmentRole.MAIN and a.status in HELD_ASSIGNMENT_STATUSES
    ]
    return open_main[-1] if open_main else None


# ---------------------------------------------------------------- roles and scope


def ensure_case_visible(actor, case: Case) -> None:
    """NotFound unless the policy lets the actor see the case."""
    if not policy.can(actor, "cases.view_case", case):
        raise NotFound(f"case {case.number} not found")


def ensure_center(actor, case: Case, what: str) -> None:
    """The center's staff; NotFound outside the actor's scope, else 403."""
    ensure_case_visible(actor, case)
    if not policy.can(actor, "cases.work_as_center", case):
        raise ActionForbidden(
            f"case {case.number}: only the center's agents or supervisors can {what}"
        )


def ensure_supervisor(actor, case: Case, what: str) -> None:
    """The center's supervisors; NotFound outside the actor's scope, else 403."""
    ensure_case_visible(actor, case)
    if not policy.can(actor, "cases.supervise_work", case):
        raise ActionForbidden(f"case {case.number}: only the center's supervisors can {what}")


def ensure_department(actor, assignment: Assignment, case: Case, what: str) -> None:
    """Staff of the assignment's department; NotFound for another department's assignment."""
    if not policy.can(actor, "cases.view_assignment", assignment):
        raise NotFound(f"assignment {assignment.pk} not found")
    if not policy.can(actor, "cases.handle_assignment", assignment):
        raise ActionForbidden(
            f"case {case.number}: only the handlers of {assignment.department} can {what}"
        )


def update(obj, **fields) -> None:
    """Set the fields and save exactly them (and `updated_at` where the model keeps one)."""
    for name, value in fields.items():
        setattr(obj, name, value)
    names = list(fields)
    if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
        names.append("updated_at")
    obj.save(update_fields=names)


def require_text(value: str, field: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(f"{what} is required", field=field)
    return value
