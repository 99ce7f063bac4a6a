"""Case lists: every case the viewer may see with filters, and the callback queue."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import render

from cases.choices import AssignmentRole, AssignmentStatus, Status
from cases.filtersets import CaseFilterSet
from cases.forms import CallbackForm
from cases.models import Assignment
from cases.selectors import is_center_staff, visible_cases
from cases.views.paging import PAGE_SIZES, keyset_page, page_size

CALLBACK_QUEUE_SIZE = 50
REPLIES = Assignment.objects.filter(
    role=AssignmentRole.MAIN, status=AssignmentStatus.REPLIED
).select_related("department")


@login_required
def case_list(request):
    """All cases in the viewer's scope, filtered by the shared CaseFilterSet, keyset-paged."""
    filterset = CaseFilterSet(request.GET or None, queryset=visible_cases(request.user))
    valid = filterset.is_bound is False or filterset.is_valid()
    queryset = filterset.qs if filterset.is_bound and valid else visible_cases(request.user)
    if not valid:
        queryset = queryset.none()
    size = page_size(request.GET.get("per_page"))
    page = keyset_page(queryset, cursor=request.GET.get("after", ""), size=size)
    params = request.GET.copy()
    params.pop("after", None)
    context = {
        "filterset": filterset,
        "page": page,
        "page_sizes": PAGE_SIZES,
        "query": params.urlencode(),
    }
    template = "cases/_case_rows.html" if request.htmx else "cases/list.html"
    return render(request, template, context)


@login_required
def callback_queue(request):
    """Replied cases waiting for a callback, oldest reply first, each with its callback form."""
    if not is_center_staff(request.user):
        raise PermissionDenied
    cases = list(
        visible_cases(request.user)
        .filter(status=Status.REPLIED)
        .prefetch_related(Prefetch("assignments", queryset=REPLIES, to_attr="replies"))
        .order_by("replied_at", "pk")[:CALLBACK_QUEUE_SIZE]
    )
    rows = [
        (case, CallbackForm(case=case, user=request.user, auto_id=f"cb{case.pk}_%s"))
        for case in cases
    ]
    return render(request, "cases/callbacks.html", {"rows": rows})
