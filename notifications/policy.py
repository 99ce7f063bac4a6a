"""Who edits the message templates, and who hears about a department's cases.

Registered with `core.policy` when the app is ready. A department's messages go to the people
who handle its cases (its handlers and admins), never to the center's staff who happen to hold a
membership there; the in-app notices are each user's own.
"""

from django.contrib.auth import get_user_model

from core import policy
from core.roles import DEPARTMENT_ROLES
from departments.policy import is_center_supervisor


@policy.rule("notifications.edit_templates")
def _edit_templates(user, _obj) -> bool:
    """The center's supervisors word what the hotline says to citizens and departments."""
    return is_center_supervisor(user)


@policy.rule("notifications.read_notice")
def _read_notice(user, notice) -> bool:
    """An in-app notice is its recipient's alone."""
    return notice.user_id == user.pk


def department_recipients(department) -> list:
    """The active handlers and admins of exactly this department, in a fixed order."""
    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__department=department,
            memberships__role__in=DEPARTMENT_ROLES,
        )
        .distinct()
        .order_by("pk")
    )
