"""Reads of the notifications app: a user's notices and the bell's count."""

from django.http import Http404

from core import policy
from notifications.models import Channel, Notification

BELL_CACHE = "_hotline_unread_notices"


def notices_for(user):
    """The user's in-app notices, newest first, with their cases."""
    return (
        Notification.objects.filter(user=user, channel=Channel.IN_APP)
        .select_related("case")
        .order_by("-created_at", "-id")
    )


def notice_for(user, pk: int) -> Notification:
    """One of the user's notices; 404 for a missing one and for someone else's alike."""
    notice = (
        Notification.objects.filter(pk=pk, channel=Channel.IN_APP).select_related("case").first()
    )
    if notice is None or not policy.can(user, "notifications.read_notice", notice):
        raise Http404("notice not found")
    return notice


def unread_count(request) -> int:
    """The bell's number: one query per request, however often the page asks."""
    if not hasattr(request, BELL_CACHE):
        user = request.user
        count = 0
        if user.is_authenticated:
            count = Notification.objects.filter(
                user=user, channel=Channel.IN_APP, read_at=None
            ).count()
        setattr(request, BELL_CACHE, count)
    return getattr(request, BELL_CACHE)


def unread_notices(user):
    """The user's in-app notices not yet opened: what the bell counts, with their cases."""
    return notices_for(user).filter(read_at=None)
