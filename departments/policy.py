"""Who is who, as the policy sees it: the center, its supervisors, a department's staff.

These answers are the vocabulary of every other rule (cases, knowledge base, the center's
pages). They read the user's memberships once per request (`departments.memberships`).
"Supervisor" means one thing everywhere: a supervisor of the center or a sub-center.

Rules registered here (`core.policy.can`):
- `departments.use_center_api`: endpoints only the center's systems call;
- `departments.manage_integrations` (a department): its admin manages its tokens and webhook;
  `departments.open_integrations`: the user manages some department's;
- `departments.change_rules`: the center's supervisors change responsibility rules;
- `departments.manage_center`: the center's supervisors manage reference data and people;
- `departments.use_admin`: staff accounts of the center's supervisors open the admin.
"""

from core import policy
from core.roles import CENTER_ROLES, DEPARTMENT_ROLES, Role
from departments.memberships import memberships
from departments.models import Department

CENTER_KINDS = frozenset({Department.Kind.CENTER, Department.Kind.SUB_CENTER})
# Partner lines: the hotlines a case is transferred to or received from (110/119/120/122, the
# 12333 sub-center, any other line configured as a department of these kinds).
PARTNER_KINDS = frozenset({Department.Kind.TRANSFER, Department.Kind.SUB_CENTER})


def is_center_department(department: Department) -> bool:
    """The center itself or a sub-center (12333 …)."""
    return department.kind in CENTER_KINDS


def staff_departments(user, roles=DEPARTMENT_ROLES | CENTER_ROLES) -> list[Department]:
    """The departments the user works for in one of `roles`."""
    if not user.is_authenticated:
        return []
    return [m.department for m in memberships(user) if m.role in roles]


def center_roles(user) -> set[str]:
    """The center roles the user holds in the center or a sub-center (superusers: all)."""
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return set(CENTER_ROLES)
    return {
        m.role
        for m in memberships(user)
        if m.role in CENTER_ROLES and is_center_department(m.department)
    }


def is_center_staff(user) -> bool:
    """Agents and supervisors of the center or a sub-center (and superusers)."""
    return bool(center_roles(user))


def is_center_supervisor(user) -> bool:
    """A supervisor of the center or a sub-center (and superusers)."""
    return Role.SUPERVISOR in center_roles(user)


def holds(user, *roles: str) -> bool:
    """The user holds one of `roles` in any department (superusers hold them all)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or any(m.role in roles for m in memberships(user))


def works_for(user, department: Department, roles=DEPARTMENT_ROLES) -> bool:
    """The user works, in one of `roles`, for the department or one above it."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(department.path.startswith(d.path) for d in staff_departments(user, roles))


def partner_lines(user) -> list[Department]:
    """The partner lines (`PARTNER_KINDS`) the user works for, in any role (their tokens'
    service users are handlers of 110 … or agents of 12333)."""
    return [d for d in staff_departments(user) if d.kind in PARTNER_KINDS]


def governed_districts(user) -> list:
    """The regions of the district centers the user works for (usually none or one)."""
    return [
        d.region
        for d in staff_departments(user)
        if d.kind == Department.Kind.DISTRICT_CENTER and d.region_id
    ]


def admin_departments(user) -> list[Department]:
    """The departments whose integrations (tokens, webhook) the user manages."""
    if not user.is_authenticated:
        return []
    if user.is_superuser:
        return list(Department.objects.filter(kind__in=CENTER_KINDS))
    return staff_departments(user, {Role.DEPT_ADMIN})


def roles_shown(user) -> list[str]:
    """The roles a user holds, as `/api/me/` lists them (superusers: the center's roles)."""
    held = {m.role for m in memberships(user)} if user.is_authenticated else set()
    return sorted(held | (set(CENTER_ROLES) if user.is_superuser else set()))


@policy.rule("departments.use_center_api")
def _use_center_api(user, _obj) -> bool:
    return is_center_staff(user)


@policy.rule("departments.manage_integrations")
def _manage_integrations(user, department: Department) -> bool:
    if user.is_superuser:
        return True
    return any(d.pk == department.pk for d in staff_departments(user, {Role.DEPT_ADMIN}))


@policy.rule("departments.open_integrations")
def _open_integrations(user, _obj) -> bool:
    """The integration pages (tokens, webhook) open to anyone who manages a department's."""
    return bool(admin_departments(user))


@policy.rule("departments.use_admin")
def _use_admin(user, _obj) -> bool:
    """The admin is the center's tool: active staff accounts of its supervisors (and superusers)."""
    return user.is_active and user.is_staff and is_center_supervisor(user)


@policy.rule("departments.change_rules")
def _change_rules(user, _obj) -> bool:
    return is_center_supervisor(user)


@policy.rule("departments.manage_center")
def _manage_center(user, _obj) -> bool:
    return is_center_supervisor(user)
