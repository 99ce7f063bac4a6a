"""The center's pages as the policy sees them (registered with `core.policy`).

- the home page shows the agent's, the supervisor's and the department's queues to those
  who hold the role;
- dashboards are the center's; the assessment and trends pages also open to district
  centers (their district) and departments (their own subtree): `dashboard_scope`;
- root-cause tasks: the center's supervisors hand them out and close them; the department
  (and those above it) sees and answers its own.
"""

from django.db.models import Q, QuerySet

from core import policy
from core.roles import DEPARTMENT_ROLES, Role
from departments.policy import (
    center_roles,
    governed_districts,
    holds,
    is_center_staff,
    is_center_supervisor,
    staff_departments,
    works_for,
)
from hotline.dashboards.scope import Scope
from hotline.models import RootCauseTask


@policy.rule("hotline.agent_queues")
def _agent_queues(user, _obj) -> bool:
    return Role.AGENT in center_roles(user)


@policy.rule("hotline.supervisor_queues")
def _supervisor_queues(user, _obj) -> bool:
    return is_center_supervisor(user)


@policy.rule("hotline.handler_queues")
def _handler_queues(user, _obj) -> bool:
    return not user.is_superuser and holds(user, *DEPARTMENT_ROLES)


@policy.rule("hotline.view_dashboards")
def _view_dashboards(user, _obj) -> bool:
    return is_center_staff(user)


def dashboard_scope(user) -> Scope | None:
    """What part of the assessment and trends the viewer sees, or None for nothing."""
    if not user.is_authenticated:
        return None
    if is_center_staff(user):
        return Scope(center=True)
    districts = governed_districts(user)
    if districts:
        return Scope(district=districts[0])
    own = staff_departments(user, DEPARTMENT_ROLES)
    return Scope(department=own[0]) if own else None


@policy.rule("hotline.assign_root_cause")
def _assign_root_cause(user, _obj) -> bool:
    """Supervisors of the center hand hotspots to departments (and close the tasks)."""
    return is_center_supervisor(user)


@policy.rule("hotline.view_root_causes")
def _view_root_causes(user, _obj) -> bool:
    return is_center_staff(user) or bool(staff_departments(user, DEPARTMENT_ROLES))


@policy.rule("hotline.answer_root_cause")
def _answer_root_cause(user, task: RootCauseTask) -> bool:
    """The task's department (or one above it) answers; the center does not answer for it."""
    if user.is_superuser:
        return True
    return not is_center_staff(user) and works_for(user, task.department)


@policy.scope_rule(RootCauseTask)
def _root_cause_scope(user, queryset: QuerySet) -> QuerySet:
    if is_center_staff(user):
        return queryset
    subtree = Q(pk__in=[])
    for department in staff_departments(user, DEPARTMENT_ROLES):
        subtree |= Q(department__path__startswith=department.path)
    return queryset.filter(subtree)
