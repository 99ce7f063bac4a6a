"""The bell on every page: the signed-in user's unread notices (counted once, when shown)."""

from notifications.selectors import unread_count


def bell(request) -> dict:
    # A callable: the template calls it only where the bell is drawn; the count is cached on
    # the request, so the bell costs one query per page at most.
    return {"unread_notices": lambda: unread_count(request)}
