"""What every service checks first: the locked rows, the transition table, the actor's scope."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

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
    Action.ANSWER: gettext_lazy("be answered directly"),
    Action.TRANSFER: gettext_lazy("be transferred"),
    Action.INVALIDATE: gettext_lazy("be marked invalid"),
    Action.MERGE: gettext_lazy("be merged into another case"),
    Action.DISPATCH: gettext_lazy("be dispatched"),
    Action.REDISPATCH: gettext_lazy("be re-dispatched"),
    Action.SIGN: gettext_lazy("be signed for"),
    Action.RETURN: gettext_lazy("be returned"),
    Action.ACCEPT_RETURN: gettext_lazy("have a return accepted"),
    Action.REJECT_RETURN: gettext_lazy("have a return rejected"),
    Action.OPEN_DISPUTE: gettext_lazy("go to a jurisdiction dispute"),
    Action.DECIDE_DISPUTE: gettext_lazy("have a jurisdiction dispute decided"),
    Action.REQUEST_EXTENSION: gettext_lazy("get an extension request"),
    Action.DECIDE_EXTENSION: gettext_lazy("have an extension decided"),
    Action.ADD_PROGRESS: gettext_lazy("get progress notes"),
    Action.REPLY: gettext_lazy("be replied to"),
    Action.CALLBACK: gettext_lazy("be called back"),
    Action.REOPEN: gettext_lazy("be reopened"),
    Action.PARK: gettext_lazy("be parked as unresolvable"),
    Action.CLOSE: gettext_lazy("be closed"),
    Action.URGE: gettext_lazy("be urged"),
    Action.SUPERVISE: gettext_lazy("be supervised"),
    Action.ANSWER_SUPERVISION: gettext_lazy("have a supervision order answered"),
    Action.ACKNOWLEDGE_TRANSFER: gettext_lazy("have a transfer acknowledged"),
    Action.ANSWER_TRANSFER: gettext_lazy("have a transfer answered"),
    Action.APPROVE_REPLY: gettext_lazy("have a reply approved"),
    Action.SEND_BACK_REPLY: gettext_lazy("have a reply sent back"),
    Action.TAKE_BACK: gettext_lazy("be taken back"),
    Action.REFER_DECISION: gettext_lazy("go to the supervisors' decision"),
    Action.CONCLUDE: gettext_lazy("be closed by a supervisor's decision"),
    Action.ACCEPT_SUPERVISION: gettext_lazy("have a supervision answer accepted"),
    Action.REJECT_SUPERVISION: gettext_lazy("have a supervision answer sent back"),
    Action.OPEN_CONSULTATION: gettext_lazy("go to a joint consultation"),
    Action.RECORD_POSITION: gettext_lazy("get a department's position"),
    Action.DECIDE_CONSULTATION: gettext_lazy("have a joint consultation decided"),
}


# How a refusal names a status of a case or an assignment ("in progress", "return review").
STATUS_WORDS = {
    "registered": gettext_lazy("registered"),
    "answered": gettext_lazy("answered"),
    "transferred": gettext_lazy("transferred"),
    "invalid": gettext_lazy("invalid"),
    "merged": gettext_lazy("merged"),
    "dispatched": gettext_lazy("dispatched"),
    "in_progress": gettext_lazy("in progress"),
    "return_review": gettext_lazy("return review"),
    "reply_review": gettext_lazy("reply review"),
    "decision": gettext_lazy("waiting for the supervisors' decision"),
    "disputed": gettext_lazy("disputed"),
    "replied": gettext_lazy("replied"),
    "closed": gettext_lazy("closed"),
    "parked": gettext_lazy("parked"),
    "signed": gettext_lazy("signed"),
    "redispatched": gettext_lazy("redispatched"),
    "return_requested": gettext_lazy("return requested"),
    "returned": gettext_lazy("returned"),
    "withdrawn": gettext_lazy("withdrawn"),
}


def status_words(status: str) -> str:
    """The status as a refusal names it, in the user's language (a new one: its value)."""
    return str(STATUS_WORDS.get(status, status.replace("_", " ")))


def either(words: list[str]) -> str:
    """ "a", "a or b", "a, b or c"."""
    if not words:
        return _("no")
    if len(words) == 1:
        return words[0]
    separator = pgettext("between the items of a list", ", ")
    return _("%(some)s or %(last)s") % {"some": separator.join(words[:-1]), "last": words[-1]}


def moment(at: datetime.datetime | None) -> datetime.datetime:
    """The time of the transition: now, or the explicit `at` of a backfill (demo data)."""
    return at or timezone.now()


def ensure_transition(case: Case, action: Action) -> Status:
    """The status after `action`, or TransitionNotAllowed naming the case, its state and why."""
    target = next_status(case.status, action)
    if target is None:
        sources = either([status_words(s) for (s, a) in TRANSITIONS if a == action])
        raise TransitionNotAllowed(
            _("case %(number)s is %(status)s; only %(sources)s cases can %(phrase)s")
            % {
                "number": case.number,
                "status": status_words(case.status),
                "sources": sources,
                "phrase": ACTION_PHRASES[action],
            }
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
            _(
                "case %(number)s: the assignment to %(department)s is %(status)s; "
                "only %(sources)s assignments can %(phrase)s"
            )
            % {
                "number": case.number,
                "department": assignment.department,
                "status": status_words(assignment.status),
                "sources": sources,
                "phrase": phrase,
            }
        )
    return move.target


KNOCK_ON_PHRASES = {
    KnockOn.WITHDRAW: gettext_lazy("be withdrawn"),
    KnockOn.REPLY_THROUGH: gettext_lazy("be replied through"),
}


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
        raise NotFound(_("case %(number)s not found") % {"number": case.number})


def ensure_center(actor, case: Case, what: str) -> None:
    """The center's staff; NotFound outside the actor's scope, else 403."""
    ensure_case_visible(actor, case)
    if not policy.can(actor, "cases.work_as_center", case):
        raise ActionForbidden(
            _("case %(number)s: only the center's agents or supervisors can %(what)s")
            % {"number": case.number, "what": what}
        )


def ensure_supervisor(actor, case: Case, what: str) -> None:
    """The center's supervisors; NotFound outside the actor's scope, else 403."""
    ensure_case_visible(actor, case)
    if not policy.can(actor, "cases.supervise_work", case):
        raise ActionForbidden(
            _("case %(number)s: only the center's supervisors can %(what)s")
            % {"number": case.number, "what": what}
        )


def ensure_department(actor, assignment: Assignment, case: Case, what: str) -> None:
    """Staff of the assignment's department; NotFound for another department's assignment."""
    if not policy.can(actor, "cases.view_assignment", assignment):
        raise NotFound(_("assignment %(id)s not found") % {"id": assignment.pk})
    if not policy.can(actor, "cases.handle_assignment", assignment):
        raise ActionForbidden(
            _("case %(number)s: only the handlers of %(department)s can %(what)s")
            % {"number": case.number, "department": assignment.department, "what": what}
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
        raise InvalidInput(_("%(what)s is required") % {"what": what}, field=field)
    return value
