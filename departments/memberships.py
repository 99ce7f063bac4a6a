"""Who works where: a user's memberships, read once per request and kept on the user object.

Pages, API permissions, the case selectors and the request log all ask these questions; the
memberships (with their departments and regions) are loaded by the first of them only.
"""

from core.roles import CENTER_ROLES, DEPARTMENT_ROLES, MEMBERSHIPS_CACHE
from departments.models import Department

CENTER_KINDS = (Department.Kind.CENTER, Department.Kind.SUB_CENTER)


def memberships(user) -> list:
    """The user's memberships with their departments (one query, then cached on the user)."""
    if not hasattr(user, MEMBERSHIPS_CACHE):
        held = list(user.memberships.select_related("department__region"))
        setattr(user, MEMBERSHIPS_CACHE, held)
    return getattr(user, MEMBERSHIPS_CACHE)


def is_center_staff(user) -> bool:
    """Agents and supervisors of the center or a sub-center (and superusers)."""
    return user.is_superuser or any(
        m.role in CENTER_ROLES and m.department.kind in CENTER_KINDS for m in memberships(user)
    )


def staff_departments(user, roles=DEPARTMENT_ROLES | CENTER_ROLES) -> list[Department]:
    """The departments the user works for in one of `roles`."""
    return [m.department for m in memberships(user) if m.role in roles]
