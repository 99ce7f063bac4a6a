"""Case lists: every case the viewer may see with filters, and the callback queue."""

import copy
import datetime
import functools
import threading
import time
from collections import OrderedDict

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.forms.models import ModelChoiceIteratorValue
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
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
from cases.forms import DepartmentPicker, Picker, QuickSelectMultiple
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
from cases.views.paging import (
    COUNT_CAP,
    PAGE_SIZES,
    TEXT_COUNT_CAP,
    keyset_page,
    page_size,
    queue_context,
    queue_page,
)
from core import generations, policy
from core.tree import TREE_GENERATION
from departments.models import Department, Region

REPLIES = Assignment.objects.filter(
    role=AssignmentRole.MAIN, status=AssignmentStatus.REPLIED
).select_related("department")


# The filter panel's ~700 regions, the categories and ~200 departments are built once per
# process, not per request: again when a tree moves (TREE_GENERATION, from every process) and
# at least every FILTER_CHOICES_MAX_AGE seconds (an admin's rename does not announce itself).
FILTER_CHOICES_MAX_AGE = 60.0
_tree_watch = generations.Watch(TREE_GENERATION)
_filter_choices: dict = {}


def forget_filter_choices(**kwargs) -> None:
    """A region, category or department changed in this process: build the options again."""
    _filter_choices.clear()


def filter_choices() -> dict:
    """The region, category and department options of the filter panel (cached per process)."""
    now = time.monotonic()
    stale = now - _filter_choices.get("built", float("-inf")) > FILTER_CHOICES_MAX_AGE
    if _tree_watch.changed() or stale:
        regions = Region.objects.filter(level__in=[Region.Level.DISTRICT, Region.Level.STREET])
        categories = Category.objects.filter(level__lte=2, is_active=True).order_by("path")
        _filter_choices.update(
            regions=[(r.code, "\u3000" * (r.level - 3) + r.name) for r in regions.order_by("path")],
            categories=[(c.code, "\u3000" * (c.level - 1) + c.name) for c in categories],
            # with the instance, as a ModelChoiceField gives it: the picker groups them by kind
            departments=[
                (ModelChoiceIteratorValue(d.pk, d), str(d)) for d in Department.objects.all()
            ],
            built=now,
        )
    return _filter_choices


def keep_department_options(form) -> None:
    """A form's department pickers over the dispatch targets (the actions', the intake's)
    render their options once per process, with the list filters' choices build: pinyin, sort
    and escaping of ~200 departments per picker were most of a handler's case page."""
    built = filter_choices()["built"]
    for name, field in form.fields.items():
        if isinstance(field.widget, DepartmentPicker) and field.widget.cache_key is None:
            field.widget.cache_key = ("form", type(form).__name__, name, built)


def _filter_widgets(form) -> dict[str, forms.Widget]:
    """The filter panel's choice widgets, built once per options build: building them reads
    every option again (Django normalizes a widget's choices when they are set), ~1.3 ms of a
    list page for ~900 options."""
    built = filter_choices()["built"]  # the options' HTML is kept with the choices (Picker)
    widgets = _filter_widget_sets.get(built)
    if widgets is not None:
        return widgets
    choices = filter_choices()
    widgets = {
        "region": Picker(choices=[("", "—"), *choices["regions"]], cache_key=("regions", built)),
        "category": Picker(
            choices=[("", "—"), *choices["categories"]], cache_key=("categories", built)
        ),
        "overdue": forms.Select(
            choices=[("", "—"), ("true", _("Overdue")), ("false", _("Not overdue"))]
        ),
    }
    for name in ("department", "main_department"):
        department = form.fields[name]
        empty = [("", department.empty_label)] if department.empty_label is not None else []
        widgets[name] = DepartmentPicker(
            choices=[*empty, *choices["departments"]], cache_key=(name, built)
        )
    for name in ("status", "request_type", "channel", "urgency"):
        # One pass, not Django's one template per option (~2,700 template nodes a page).
        widgets[name] = QuickSelectMultiple(choices=form.fields[name].choices, attrs={"size": 4})
    _filter_widget_sets.clear()  # only the current build's
    _filter_widget_sets[built] = widgets
    return widgets


_filter_widget_sets: dict = {}


def tidy_filter_form(form) -> None:
    """Pickers instead of bare codes and ISO text: region and category lists, date inputs."""
    for name, widget in _filter_widgets(form).items():
        # a copy of its own for each form: what a page sets on it stays on that page
        form.fields[name].widget = own = copy.copy(widget)
        own.attrs = dict(widget.attrs)
    for name in ("due_before", "due_after", "created_after", "created_before"):
        form.fields[name].widget.input_type = "datetime-local"
    # A dashboard's drill-down stays in the URL (and in the form, hidden, so that narrowing the
    # list keeps it); the list says it in words above the cases (measure_caption).
    for name in DRILL_DOWN:
        form.fields[name].widget = forms.HiddenInput()


DRILL_DOWN = ("measure", "measured_after", "measured_before", "department_exact")

# The filter panel's fields as HTML, per process, for the last FILTER_HTML_KEPT combinations of
# filter values, language and options build: Django renders each of the ~20 fields through
# three templates, which was the largest part of a list page after the rows.
FILTER_HTML_KEPT = 32
_filter_html: OrderedDict = OrderedDict()
_filter_html_lock = threading.Lock()


def filter_fields_html(form) -> str:
    """The filter form's fields rendered (`cases/_case_filter_fields.html`), from this process's
    copy when the same values, fields, language and options were rendered before."""
    values = tuple(sorted((k, tuple(form.data.getlist(k))) for k in form.data if k in form.fields))
    # The errors too: the same values are refused for one viewer and not another (`phone` is
    # the center's alone), and the panel shows the refusal.
    errors = tuple(sorted((k, tuple(map(str, v))) for k, v in form.errors.items()))
    key = (filter_choices().get("built"), get_language(), form.is_bound, tuple(form.fields), values,
           errors)  # fmt: skip
    with _filter_html_lock:
        html = _filter_html.get(key)
        if html is not None:
            _filter_html.move_to_end(key)
            return html
    html = render_to_string("cases/_case_filter_fields.html", {"form": form})
    with _filter_html_lock:
        _filter_html[key] = html
        while len(_filter_html) > FILTER_HTML_KEPT:
            _filter_html.popitem(last=False)
    return html


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
    a list without a measure)."""
    data = filterset.form.cleaned_data
    name = data.get("measure")
    if not name:
        return ""
    details = []
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
