"""The case list's filter panel: its options, widgets and rendered HTML, kept per process.

The ~700 regions, the categories and ~200 departments are read, escaped and rendered once per
process and options build (and again when the reference data changes), not on every list
page; a case's page and the intake reuse the department options (`keep_department_options`).
"""

import copy
import threading
import time
from collections import OrderedDict

from django import forms
from django.forms.models import ModelChoiceIteratorValue
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cases.forms import DepartmentPicker, Picker, PickerMultiple
from cases.models import Category
from core import generations
from core.tree import TREE_GENERATION
from departments.models import Department, Region

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
        widgets[name] = DepartmentPicker(
            choices=[("", "—"), *choices["departments"]], cache_key=(name, built)
        )
    for name in ("status", "request_type", "channel", "urgency"):
        # Pickers too: a listbox of 16 statuses showed two and a half of them, ctrl-click to
        # choose several. The labels are translated, so the options' HTML is kept per language.
        widgets[name] = PickerMultiple(
            choices=form.fields[name].choices,
            cache_key=(name, built),
            attrs={"placeholder": _("All")},
        )
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
    # The API takes codes (region=4301, category=07); the panel's pickers offer names. A bound
    # form has made its BoundFields (and copied their labels) while validating: both are set.
    for name, label in (("region", _("region")), ("category", _("category"))):
        form.fields[name].label = label
        form[name].label = label
    # A dashboard's (or a knowledge article's) drill-down stays in the URL (and in the form,
    # hidden, so that narrowing the list keeps it); the list says it in words above the cases
    # (measure_caption).
    for name in DRILL_DOWN:
        form.fields[name].widget = forms.HiddenInput()


DRILL_DOWN = ("measure", "measured_after", "measured_before", "department_exact", "article")

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
