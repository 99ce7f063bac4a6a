"""Case lists: every case the viewer may see with filters, and the callback queue."""

import datetime
import functools

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import measures
from cases.choices import (
    AssignmentRole,
    AssignmentStatus,
    Channel,
    Status,
    TransferStatus,
)
from cases.filtersets import CaseFilterSet
from cases.models import Assignment, Callback, Category, Transfer
from cases.privacy import no_store
from cases.selectors import (
    cases_to_filter,
    newest_visible_cases,
    replies_in_review,
    scoped_cases,
    visible_cases,
    waiting_for_a_decision,
)
from cases.views.filter_panel import DRILL_DOWN, filter_fields_html, tidy_filter_form
from cases.views.paging import (
    COUNT_CAP,
    PAGE_SIZES,
    TEXT_COUNT_CAP,
    keyset_page,
    page_size,
    queue_context,
    queue_page,
)
from core import policy
from departments.models import Region

REPLIES = Assignment.objects.filter(
    role=AssignmentRole.MAIN, status=AssignmentStatus.REPLIED
).select_related("department")


def _moment(value, *, end: bool = False) -> str:
    """A local time as shown in a caption: the day alone at midnight (the day before, for an
    exclusive end), else day and minute."""
    local = timezone.localtime(value)
    if local.time() == datetime.time(0):
        return (local.date() - datetime.timedelta(days=1) if end else local.date()).isoformat()
    return local.strftime("%Y-%m-%d %H:%M")


def measure_caption(filterset) -> str:
    """What a dashboard number's list shows, in words, e.g. "超期未签收（城管局，2026-11-01至
    2026-11-30）": the measure, then its department, region, category, channel and period ("" for
    a list without a measure); or a knowledge article's count of the cases answered with it."""
    data = filterset.form.cleaned_data
    name = data.get("measure")
    cited = ""
    if article := data.get("article"):
        cited = _("answered with the knowledge article “%(title)s”") % {"title": article.title}
    if not name:
        return cited
    details = [cited] if cited else []
    if department := data.get("department"):
        shown = department.short_name or department.name
        details.append(_("%(department)s alone") % {"department": shown}
                       if data.get("department_exact") else shown)  # fmt: skip
    if data.get("region"):
        details += Region.objects.filter(code=data["region"]).values_list("name", flat=True)
    if data.get("category"):
        details += Category.objects.filter(code=data["category"]).values_list("name", flat=True)
    details += [str(Channel(c).label) for c in data.get("channel") or []]
    after, before = data.get("measured_after"), data.get("measured_before")
    if after and before:
        period = {"first": _moment(after), "last": _moment(before, end=True)}
        details.append(_("%(first)s to %(last)s") % period)
    elif after:
        details.append(_("from %(first)s") % {"first": _moment(after)})
    elif before:
        details.append(_("before %(before)s") % {"before": _moment(before)})
    label = dict(measures.CHOICES)[name]
    if not details:
        return str(label)
    return _("%(measure)s (%(details)s)") % {"measure": label, "details": _(", ").join(details)}


@login_required
def case_list(request):
    """All cases in the viewer's scope, filtered by the shared CaseFilterSet, keyset-paged."""
    # The filters run on the unscoped cases and the scope after them (the same rows): the
    # filtered cases are what a department's window walks (`newest_visible_cases`).
    filterset = CaseFilterSet(request.GET or None, queryset=cases_to_filter(), request=request)
    valid = filterset.is_bound is False or filterset.is_valid()
    filtered = filterset.qs if filterset.is_bound and valid else cases_to_filter()
    queryset = scoped_cases(request.user, filtered)
    if not valid:
        queryset = queryset.none()
    size = page_size(request.GET.get("per_page"))
    # A department's page and count read a page of its assignments' index, with the same
    # filters applied inside the walk.
    window = None
    if valid:
        cases = filtered if filterset.narrows() else None
        window = functools.partial(newest_visible_cases, request.user, cases=cases)
    searched = filterset.is_bound and valid and filterset.form.cleaned_data.get("q")
    page = keyset_page(
        queryset,
        cursor=request.GET.get("after", ""),
        size=size,
        window=window,
        count_cap=TEXT_COUNT_CAP if searched else None,
    )
    # A dashboard number that counts assignments (or callbacks ...) states both totals.
    counted = filterset.counted_rows(queryset, COUNT_CAP) if filterset.is_bound and valid else None
    counted_unit = (
        measures.unit(filterset.form.cleaned_data["measure"]) if counted is not None else ""
    )
    caption = measure_caption(filterset) if filterset.is_bound and valid else ""
    tidy_filter_form(filterset.form)
    filter_fields = "" if request.htmx else filter_fields_html(filterset.form)
    params = request.GET.copy()
    params.pop("after", None)
    without_measure = params.copy()
    for name in DRILL_DOWN:
        without_measure.pop(name, None)
    context = {
        "filterset": filterset,
        "filter_fields": filter_fields,
        "page": page,
        "page_sizes": PAGE_SIZES,
        "query": params.urlencode(),
        "counted": counted,
        "counted_capped": counted is not None and counted > COUNT_CAP,
        "counted_unit": counted_unit,
        "measure_caption": caption,
        "without_measure": without_measure.urlencode(),
    }
    template = "cases/_case_rows.html" if request.htmx else "cases/list.html"
    return render(request, template, context)


# A transferred case's "reply" is the partner line's answer (cases.services.transfers).
PARTNER_ANSWERS = Transfer.objects.filter(status=TransferStatus.HANDLED).select_related("partner")
# Waiting for a callback: replied cases, and the duplicates merged into them (each citizen is
# called back before the parent closes; `callback.close_case` holds the rule).
WAITING_FOR_CALLBACK = Q(status=Status.REPLIED) | Q(
    status=Status.MERGED, parent__status=Status.REPLIED, closed_at__isnull=True
)


@login_required
def callback_queue(request):
    """Replied cases (and their merged duplicates) waiting for a callback, oldest reply first."""
    if not policy.can(request.user, "cases.work_as_center"):
        raise PermissionDenied
    cases = (
        visible_cases(request.user)
        .filter(WAITING_FOR_CALLBACK)
        .select_related("parent")
        .prefetch_related(
            Prefetch("assignments", queryset=REPLIES, to_attr="replies"),
            Prefetch("parent__assignments", queryset=REPLIES, to_attr="replies"),
            Prefetch("transfers", queryset=PARTNER_ANSWERS, to_attr="answers"),
        )
    )
    page = queue_page(request, cases, field="replied_at")
    # Each row's callback form is fetched when the agent opens it (cases:action_form).
    return no_store(render(request, "cases/callbacks.html", queue_context(request, page)))


IN_REVIEW = Assignment.objects.filter(
    role=AssignmentRole.MAIN, status=AssignmentStatus.REPLY_REVIEW
).select_related("department")


@login_required
def review_queue(request):
    """Replies waiting for the center's review (办结审核), oldest reply first, keyset-paged
    (supervisors)."""
    if not policy.can(request.user, "cases.supervise_work"):
        raise PermissionDenied
    cases = replies_in_review(request.user).prefetch_related(
        Prefetch("assignments", queryset=IN_REVIEW, to_attr="replies")
    )
    page = queue_page(request, cases, field="replied_at")
    return no_store(render(request, "cases/reviews.html", queue_context(request, page)))


LATEST_CALLBACKS = Callback.objects.order_by("-created_at", "-id")


@login_required
def decision_queue(request):
    """The supervisors' decision queue (研判): unsatisfied or unresolved callbacks, oldest first,
    keyset-paged; a supervisor reopens, parks or closes each with a reason."""
    if not policy.can(request.user, "cases.supervise_work"):
        raise PermissionDenied
    cases = waiting_for_a_decision(request.user).prefetch_related(
        Prefetch("assignments", queryset=REPLIES, to_attr="replies"),
        Prefetch("callbacks", queryset=LATEST_CALLBACKS, to_attr="latest_callbacks"),
    )
    page = queue_page(request, cases, field="updated_at")
    return no_store(render(request, "cases/decisions.html", queue_context(request, page)))
