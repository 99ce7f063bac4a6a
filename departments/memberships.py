"""Who works where: a user's memberships, read once per request and kept on the user object.

The policy (`departments.policy`), the API permissions and the request log all read them; the
memberships (with their departments and regions) are loaded by the first of them only. What a
membership allows is decided in `departments.policy`, not here.
"""

from core.roles import MEMBERSHIPS_CACHE


def memberships(user) -> list:
    """The user's memberships with their departments (one query, then cached on the user)."""
    if not user.is_authenticated:
        return []
    if not hasattr(user, MEMBERSHIPS_CACHE):
        held = list(user.memberships.select_related("department__region"))
        setattr(user, MEMBERSHIPS_CACHE, held)
    return getattr(user, MEMBERSHIPS_CACHE)
