"""FilterSets for the gazetteer and the department tree."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import BooleanFilter
from departments.models import Department, Region


class RegionFilterSet(django_filters.FilterSet):
    """Regions by level, parent code, subtree or name."""

    parent = django_filters.CharFilter(field_name="parent__code", label=_("parent code"))
    within = django_filters.CharFilter(method="filter_within", label=_("subtree of code"))
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("name"))

    class Meta:
        model = Region
        fields = ["level", "code"]

    def filter_within(self, queryset, name, value):
        region = Region.objects.filter(code=value).only("path").first()
        return queryset.filter(path__startswith=region.path) if region else queryset.none()


class DepartmentFilterSet(django_filters.FilterSet):
    """Departments by kind, parent, governed region or name."""

    kind = django_filters.MultipleChoiceFilter(choices=Department.Kind.choices, label=_("kind"))
    region = django_filters.CharFilter(field_name="region__code", label=_("region code"))
    q = django_filters.CharFilter(method="filter_text", label=_("name"))
    is_active = BooleanFilter()

    class Meta:
        model = Department
        fields = ["parent", "code", "is_active"]

    def filter_text(self, queryset, name, value):
        return queryset.filter(name__icontains=value) | queryset.filter(short_name__icontains=value)
