"""One FilterSet per model, shared by the API, the agents' list pages and the dashboards."""

import copy
import datetime
import functools

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES
from django_filters.fields import IsoDateTimeField

from cases import measures, privacy, textsearch
from cases.choices import (
    ACTIVE_ASSIGNMENT_STATUSES,
    Channel,
    Decision,
    RequestType,
    Status,
    SupervisionLevel,
    SupervisionStatus,
    TransferDirection,
    TransferStatus,
    Urgency,
)
from cases.models import Assignment, Case, Category, Extension, SupervisionOrder, Transfer
from cases.models.case import overdue_q
from cases.models.handling import reply_overdue_q, sign_overdue_q
from core.filters import BooleanFilter
from core.phones import phone_search_digits
from departments.models import Department, Region

# Real zone offsets stay within ±14 hours; PostgreSQL refuses more than ±16.
MAX_UTC_OFFSET = datetime.timedelta(hours=14)


class ZonedDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time whose zone offset is one the world (and the database) uses."""

    def clean(self, value):
        value = super().clean(value)
        offset = value.utcoffset() if value else None
        if offset is not None and abs(offset) > MAX_UTC_OFFSET:
            raise forms.ValidationError(_("A time zone offset is at most ±14:00."))
        return value


class DateTimeFilter(django_filters.IsoDateTimeFilter):
    """ISO 8601 date-time filter that refuses impossible zone offsets (400, not 500)."""

    field_class = ZonedDateTimeField


def _refuse_phone(form) -> str:
    value = form.cleaned_data.get("phone")
    if value:
        raise forms.ValidationError(
            _("Only the hotline center searches cases by phone number."), code="phone_not_allowed"
        )
    return value


@functools.cache
def _phone_refused(form_class):
    """`form_class` refusing a phone number (built once per form class)."""
    return type(form_class.__name__, (form_class,), {"clean_phone": _refuse_phone})


def subtree_ids(model, code: str) -> list[int]:
    """The ids of the node with this code and of everything under it (empty when unknown)."""
    node = model.objects.filter(code=code).only("path").first()
    return list(model.objects.subtree(node).values_list("pk", flat=True)) if node else []


class LeanFilterSet(django_filters.FilterSet):
    """A FilterSet that costs a list request little: django-filter deep-copies every filter
    and builds a new form class (a new field per filter) for each instance, about a millisecond
    of a 5 ms API page, mostly spent copying the choices' lazy labels.

    Here each instance gets shallow copies of the class's filters (each with its own `extra`,
    which `ModelChoiceFilter.field` writes into, and its own `method` proxy), and the form
    class is built once per FilterSet class: its fields are made from the class's own filters,
    never per request, so a filter's field must not depend on the request (a callable
    queryset would be read once). Each form still deep-copies the fields it is built with
    (Django's `BaseForm`), so what one request does to its form's fields (widgets, choices)
    stays in that request."""

    _form_classes: dict = {}

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # django-filter's own __init__, with shallow copies where it deep-copies
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {}
        for name, base in self.base_filters.items():
            self.filters[name] = filter_ = copy.copy(base)
            filter_.extra = dict(base.extra)
            filter_.model, filter_.parent = queryset.model, self
            if base.method is not None:
                filter_.method = base.method  # its FilterMethod calls this copy's parent

    def get_form_class(self):
        form_class = LeanFilterSet._form_classes.get(type(self))
        if form_class is None:
            fields = {name: base.field for name, base in self.base_filters.items()}
            form_class = type(f"{type(self).__name__}Form", (self._meta.form,), fields)
            LeanFilterSet._form_classes[type(self)] = form_class
        return form_class


class CaseFilterSet(LeanFilterSet):
    """Filters for case lists: status, department, region and category subtrees, dates, text."""

    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, label=_("status"), distinct=False
    )
    request_type = django_filters.MultipleChoiceFilter(
        choices=RequestType.choices, label=_("request type"), distinct=False
    )
    channel = django_filters.MultipleChoiceFilter(
        choices=Channel.choices, label=_("channel"), distinct=False
    )
    urgency = django_filters.MultipleChoiceFilter(
        choices=Urgency.choices, label=_("urgency"), distinct=False
    )
    department = django_filters.ModelChoiceFilter(
        field_name="main_department",  # for the schema's type; the method reads assignments too
        queryset=Department.objects.all(),
        method="filter_department",
        label=_("department"),
    )
    main_department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.all(),
        method="filter_main_department",
        label=_("main department"),
    )
    region = django_filters.CharFilter(method="filter_region", label=_("region code"))
    category = django_filters.CharFilter(method="filter_category", label=_("category code"))
    overdue = BooleanFilter(method="filter_overdue", label=_("overdue"))
    due_before = DateTimeFilter(field_name="reply_due_at", lookup_expr="lt", label=_("due before"))
    due_after = DateTimeFilter(field_name="reply_due_at", lookup_expr="gte", label=_("due after"))
    created_after = DateTimeFilter(
        field_name="created_at", lookup_expr="gte", label=_("created from")
    )
    created_before = DateTimeFilter(
        field_name="created_at", lookup_expr="lt", label=_("created before")
    )
    phone = django_filters.CharFilter(method="filter_phone", label=_("citizen phone"))
    # A dashboard number's cases (cases.measures): with `measure`, `department` is the
    # department the measure counts for, and the period is the measure's own time field.
    measure = django_filters.ChoiceFilter(
        choices=measures.CHOICES, method="filter_measure", label=_("counted by")
    )
    measured_after = DateTimeFilter(method="filter_noop", label=_("counted from"))
    measured_before = DateTimeFilter(method="filter_noop", label=_("counted before"))
    department_exact = BooleanFilter(
        method="filter_noop", label=_("this department only, not its sub-departments")
    )
    # A knowledge article's 答复工单数: the cases answered citing it (by its id). The article
    # model is reached through the relation: the knowledge base is a floor above the cases.
    article = django_filters.ModelChoiceFilter(
        queryset=Case.answered_with.field.related_model.objects.all(),
        field_name="answered_with",
        method="filter_article",
        label=_("answered with the knowledge article"),
    )
    q = django_filters.CharFilter(method="filter_text", label=_("text"))
    numbers = django_filters.CharFilter(method="filter_numbers", label=_("case numbers"))

    class Meta:
        model = Case
        fields = []

    # Subtrees are resolved to id lists first: with `IN (ids)` and EXISTS instead of joins and
    # DISTINCT, PostgreSQL walks the created_at index and stops at a page (bench_workbench).
    def filter_department(self, queryset, name, value):
        if self.form.cleaned_data.get("measure"):
            return queryset  # filter_measure counts the measure's own department
        ids = list(Department.objects.subtree(value).values_list("pk", flat=True))
        held = Assignment.objects.filter(case=OuterRef("pk"), department_id__in=ids)
        return queryset.filter(Q(main_department_id__in=ids) | Exists(held))

    def filter_main_department(self, queryset, name, value):
        ids = list(Department.objects.subtree(value).values_list("pk", flat=True))
        return queryset.filter(main_department_id__in=ids)

    def measure_kwargs(self) -> dict:
        """The measure's period and department, as cases.measures.rows() takes them."""
        data = self.form.cleaned_data
        department = data.get("department")
        ids = None
        if department is not None and data.get("department_exact"):
            ids = [department.pk]
        elif department is not None:
            ids = list(Department.objects.subtree(department).values_list("pk", flat=True))
        return {"after": data.get("measured_after"), "before": data.get("measured_before"),
                "department_ids": ids}  # fmt: skip

    def filter_measure(self, queryset, name, value):
        return queryset.filter(measures.case_filter(value, **self.measure_kwargs()))

    def filter_noop(self, queryset, name, value):
        return queryset  # read by filter_measure

    def narrows(self) -> bool:
        """Whether the list is filtered (an invalid filter counts: it shows nothing). Values
        django-filter skips as empty filter nothing; `False` does (`overdue=false`)."""
        if not self.is_bound:
            return False
        if not self.is_valid():
            return True
        return any(value not in EMPTY_VALUES for value in self.form.cleaned_data.values())

    def counted_rows(self, cases, limit: int) -> int | None:
        """With `measure`: how many rows (assignments, callbacks ...) it counts for `cases`."""
        name = self.form.cleaned_data.get("measure") if self.is_valid() else None
        if not name:
            return None
        return measures.counted_rows(name, cases, limit, **self.measure_kwargs())

    def filter_article(self, queryset, name, value):
        cited = Case.answered_with.through.objects.filter(case=OuterRef("pk"), article=value)
        return queryset.filter(Exists(cited))

    def filter_region(self, queryset, name, value):
        return queryset.filter(region_id__in=subtree_ids(Region, value))

    def filter_category(self, queryset, name, value):
        return queryset.filter(category_id__in=subtree_ids(Category, value))

    def get_form_class(self):
        """The filter form; `phone` refused (400) unless the request's user is the center's:
        a department searching by phone would find and unmask callers (`cases.privacy`)."""
        form_class = super().get_form_class()
        if privacy.may_search_by_phone(getattr(self.request, "user", None)):
            return form_class
        return _phone_refused(form_class)

    def filter_phone(self, queryset, name, value):
        # Stored numbers are normalized (core.phones): any spelling of any part matches.
        digits = phone_search_digits(value)
        return queryset.filter(citizen_phone__contains=digits) if digits else queryset.none()

    def filter_overdue(self, queryset, name, value):
        overdue = overdue_q()
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_numbers(self, queryset, name, value):
        return queryset.filter(number__in=value.replace(",", " ").split()[:200])

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if value.isdigit() and len(value) == 13:
            return queryset.filter(number=value)
        return textsearch.search(queryset, value)


class AssignmentFilterSet(LeanFilterSet):
    """Filters for a department's work list."""

    status = django_filters.MultipleChoiceFilter(
        choices=Assignment._meta.get_field("status").choices, label=_("status")
    )
    open = BooleanFilter(method="filter_open", label=_("open"))
    sign_overdue = BooleanFilter(method="filter_sign_overdue")
    reply_overdue = BooleanFilter(method="filter_reply_overdue")
    case = django_filters.CharFilter(field_name="case__number", label=_("case"))
    dispatched_after = DateTimeFilter(
        field_name="dispatched_at", lookup_expr="gte", label=_("dispatched from")
    )
    dispatched_before = DateTimeFilter(
        field_name="dispatched_at", lookup_expr="lt", label=_("dispatched before")
    )

    class Meta:
        model = Assignment
        fields = ["role", "department"]

    def filter_open(self, queryset, name, value):
        q = Q(status__in=ACTIVE_ASSIGNMENT_STATUSES)
        return queryset.filter(q) if value else queryset.exclude(q)

    def filter_sign_overdue(self, queryset, name, value):
        q = sign_overdue_q()
        return queryset.filter(q) if value else queryset.exclude(q)

    def filter_reply_overdue(self, queryset, name, value):
        q = reply_overdue_q()
        return queryset.filter(q) if value else queryset.exclude(q)


class ExtensionFilterSet(django_filters.FilterSet):
    """Filters for extension requests (a supervisor's queue: status=pending)."""

    status = django_filters.MultipleChoiceFilter(choices=Decision.choices, label=_("decision"))
    case = django_filters.CharFilter(field_name="assignment__case__number", label=_("case"))
    requested_after = DateTimeFilter(
        field_name="requested_at", lookup_expr="gte", label=_("requested from")
    )

    class Meta:
        model = Extension
        fields = ["assignment"]


class SupervisionFilterSet(django_filters.FilterSet):
    """Filters for supervision orders (a department's queue: status=open)."""

    status = django_filters.MultipleChoiceFilter(
        choices=SupervisionStatus.choices, label=_("status")
    )
    level = django_filters.MultipleChoiceFilter(choices=SupervisionLevel.choices, label=_("level"))
    case = django_filters.CharFilter(field_name="case__number", label=_("case"))
    due_before = DateTimeFilter(field_name="due_at", lookup_expr="lt", label=_("due before"))

    class Meta:
        model = SupervisionOrder
        fields = ["department"]


class TransferFilterSet(django_filters.FilterSet):
    """Filters for transfers (a partner line's queue: status=sent)."""

    status = django_filters.MultipleChoiceFilter(choices=TransferStatus.choices, label=_("status"))
    direction = django_filters.ChoiceFilter(choices=TransferDirection.choices, label=_("direction"))
    case = django_filters.CharFilter(field_name="case__number", label=_("case"))
    due_before = DateTimeFilter(field_name="due_at", lookup_expr="lt", label=_("due before"))

    class Meta:
        model = Transfer
        fields = ["partner"]


class CategoryFilterSet(django_filters.FilterSet):
    """Filters for the category tree: level, parent, subtree of a code, open to citizens."""

    within = django_filters.CharFilter(method="filter_within", label=_("subtree of code"))
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("name"))

    public = BooleanFilter()
    is_active = BooleanFilter()

    class Meta:
        model = Category
        fields = ["level", "parent", "code", "public", "is_active"]

    def filter_within(self, queryset, name, value):
        category = Category.objects.filter(code=value).only("path").first()
        return queryset.filter(path__startswith=category.path) if category else queryset.none()
