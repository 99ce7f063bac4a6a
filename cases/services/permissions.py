"""Which of the table's actions a user may take on a case now (for pages and the API)."""

from django.conf import settings

from cases.choices import (
    ACTIVE_ASSIGNMENT_STATUSES,
    Action,
    AssignmentStatus,
    SupervisionStatus,
    allowed_from,
)
from cases.models import Assignment, Case
from cases.selectors import CENTER_KINDS, is_center_staff
from cases.services.guards import _holds, active_main, member_of
from departments.models import Department
from hotline.roles import CENTER_ROLES, DEPARTMENT_ROLES, Role

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
    }
)
DEPARTMENT_ACTIONS = frozenset(
    {Action.SIGN, Action.RETURN, Action.REQUEST_EXTENSION, Action.ADD_PROGRESS, Action.REPLY}
)


def _open_assignments(case: Case) -> dict[int, Assignment]:
    rows = case.assignments.filter(status__in=ACTIVE_ASSIGNMENT_STATUSES)
    return {a.pk: a for a in rows.select_related("department").order_by("id")}


def _may(user, action: Action, case: Case, main: Assignment | None, mine: list) -> bool:
    center = is_center_staff(user)
    if action in CENTER_ACTIONS:
        return center
    if action in SUPERVISOR_ACTIONS:
        return center and _holds(user, {Role.SUPERVISOR}, CENTER_KINDS)
    if action in (Action.SIGN, Action.RETURN):
        return any(a.status == AssignmentStatus.DISPATCHED for a in mine)
    if action in DEPARTMENT_ACTIONS:  # main or co-handler alike act on their own assignment
        return bool(mine)
    if action == Action.REDISPATCH:
        return (
            main is not None
            and main.department.kind == Department.Kind.DISTRICT_CENTER
            and member_of(user, main.department, DEPARTMENT_ROLES | CENTER_ROLES)
        )
    if action == Action.ANSWER_SUPERVISION:
        orders = case.supervisions.filter(status=SupervisionStatus.OPEN).select_related(
            "department"
        )
        return any(member_of(user, o.department) for o in orders)
    return False


def allowed_actions(case: Case, user) -> list[str]:
    """The actions the table allows on the case now that this user may take."""
    if not user.is_authenticated:
        return []
    actions = allowed_from(case.status)
    parked = case.reopen_count >= settings.HOTLINE_MAX_REOPENS
    actions = [a for a in actions if a != (Action.REOPEN if parked else Action.PARK)]
    main, mine = None, []
    if set(actions) & (DEPARTMENT_ACTIONS | {Action.REDISPATCH}):
        open_ = _open_assignments(case)
        main = active_main(open_)
        mine = [
            a
            for a in open_.values()
            if a.status != AssignmentStatus.REDISPATCHED and member_of(user, a.department)
        ]
    allowed = [a.value for a in actions if _may(user, a, case, main, mine)]
    if main is not None and main.status != AssignmentStatus.DISPATCHED:
        allowed = [a for a in allowed if a != Action.REDISPATCH]
    return allowed
