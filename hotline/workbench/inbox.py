"""The center's inbox (/cases/inbox/): what is waiting for the center, in three kinds.

- **cases** that came in without an agent on the line (web, app, /ask/, Open311, e-mail, SMS …)
  and that nobody has handled yet (`cases.selectors.waiting_for_the_center`);
- **answered transfers**: a partner line (110, 12333 …) answered a transfer and the case waits
  for the center's callback (`cases.selectors.answered_transfers_waiting`);
- **notices**: the viewer's unread in-app notices, the bell's (`notifications.selectors`).

One kind is shown at a time (`?kind=`), oldest first, keyset-paged by `cases.views.paging` like
every queue; the tabs carry the three figures, each counting exactly the rows its tab lists
(capped at 1,000; the notices' figure is the bell's own query). It stands on the center's floor
because it reads the notifications app, which the cases app may not.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from cases.privacy import no_store
from cases.selectors import answered_transfers_waiting, waiting_for_the_center
from cases.views.paging import COUNT_CAP, capped_count, queue_context, queue_page
from core import policy
from notifications.selectors import unread_count, unread_notices

KINDS = ("cases", "transfers", "notices")


def inbox_figures(request) -> dict:
    """The three figures of the inbox (capped at COUNT_CAP + 1), for its tabs and the homes."""
    user = request.user
    return {
        "cases": capped_count(waiting_for_the_center(user)),
        "transfers": capped_count(answered_transfers_waiting(user)),
        "notices": unread_count(request),
        "cap": COUNT_CAP,
    }


def _rows(request, kind: str):
    user = request.user
    if kind == "transfers":
        return queue_page(request, answered_transfers_waiting(user), field="answered_at")
    if kind == "notices":
        return queue_page(request, unread_notices(user), field="created_at")
    return queue_page(request, waiting_for_the_center(user), field="created_at")


@login_required
def inbox(request):
    """The center's inbox: new cases, answered transfers or unread notices, oldest first."""
    if not policy.can(request.user, "cases.work_as_center"):
        raise PermissionDenied
    kind = request.GET.get("kind")
    kind = kind if kind in KINDS else "cases"
    context = queue_context(request, _rows(request, kind))
    context.update(kind=kind, figures=inbox_figures(request))
    return no_store(render(request, "cases/inbox.html", context))
