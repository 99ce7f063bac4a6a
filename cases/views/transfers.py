"""The center's list of transfers still waiting for a partner line's answer."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from cases.privacy import no_store
from cases.selectors import visible_transfers
from core import policy

TRANSFER_LIST_SIZE = 200


@login_required
def transfer_list(request):
    """Outbound transfers not yet answered, the earliest deadline first (overdue ones marked)."""
    if not policy.can(request.user, "cases.see_transfers"):
        raise PermissionDenied
    transfers = list(
        visible_transfers(request.user)
        .unanswered()
        .select_related("case", "partner")
        .order_by("due_at", "pk")[:TRANSFER_LIST_SIZE]
    )
    return no_store(render(request, "cases/transfers.html", {"transfers": transfers}))
