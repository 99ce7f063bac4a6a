"""The dashboards' filter form (period, district, department, category, channel)."""

import datetime
from dataclasses import dataclass
from functools import cached_property

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from cases.choices import Channel
from cases.forms import department_search_text
from cases.models import Category
from core import pinyin
from departments.models import Department, Region
from hotline.dashboards.metrics import Weights, league_min_volume
from hotline.dashboards.stats import (
    CATEGORY_ROLLUP_CHANNEL,
    ROLLUP_CHANNEL,
    ROLLUPS,
    day_bounds,
    month_start,
    next_month,
)
from hotline.models import DailyStat, MonthlyStat

MAX_PERIOD_DAYS = 3 * 366


@dataclass(frozen=True)
class Slice:
    """What the user asked for, resolved to objects (None = everything)."""

    first: datetime.date
    last: datetime.date
    district: Region | None = None
    department: Department | None = None
    category: Category | None = None
    channel: str = ""

    @cached_property
    def region_ids(self) -> list[int]:
        """The district and every region under it (one query; plans better than a join)."""
        return list(Region.objects.subtree(self.district).values_list("pk", flat=True))

    @cached_property
    def category_ids(self) -> list[int]:
        return list(Category.objects.subtree(self.category).values_list("pk", flat=True))

    @cached_property
    def department_ids(self) -> list[int]:
        return list(Department.objects.subtree(self.department).values_list("pk", flat=True))

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> "Slice":
        """The period of the same length just before this one."""
        span = datetime.timedelta(days=self.days)
        return Slice(self.first - span, self.last - span, self.district, self.department,
                     self.category, self.channel)  # fmt: skip

    def stat_q(self, detailed: bool = False) -> Q:
        """A filter on DailyStat: the roll-up rows unless a category, channel or detail asked."""
        return Q(day__gte=self.first, day__lte=self.last) & self.dimension_q(detailed)

    def dimension_q(self, detailed: bool = False) -> Q:
        """The slice's filter on DailyStat or MonthlyStat rows, without the period."""
        q = Q()
        if detailed or self.category or self.channel:
            q &= ~Q(channel__in=ROLLUPS)
        else:
            q &= Q(channel=ROLLUP_CHANNEL)
        if self.district:
            q &= Q(district=self.district)
        if self.department:
            q &= Q(department_id__in=self.department_ids)
        if self.category:
            q &= Q(category=self.category)
        if self.channel:
            q &= Q(channel=self.channel)
        return q

    def whole_months(self) -> tuple[datetime.date, datetime.date] | None:
        """[first month, end month) of the calendar months wholly inside the period, or None."""
        begin = self.first if self.first.day == 1 else next_month(self.first)
        after_last = self.last + datetime.timedelta(days=1)
        end = after_last if after_last.day == 1 else month_start(self.last)
        return (begin, end) if begin < end else None

    def stat_parts(self, detailed: bool = False) -> list[tuple[type, Q]]:
        """Where the period's sums are: MonthlyStat for whole months, DailyStat for the rest."""
        months = self.whole_months()
        if months is None:
            return [(DailyStat, self.stat_q(detailed))]
        begin, end = months
        days = Q(day__gte=self.first, day__lt=begin) | Q(day__gte=end, day__lte=self.last)
        dims = self.dimension_q(detailed)
        return [(DailyStat, days & dims), (MonthlyStat, Q(month__gte=begin, month__lt=end) & dims)]

    def category_rollup_q(self) -> Q | None:
        """The per-category roll-up rows, when no filter but the category is set (else None)."""
        if self.district or self.department or self.channel:
            return None
        q = Q(day__gte=self.first, day__lte=self.last, channel=CATEGORY_ROLLUP_CHANNEL)
        return q & Q(category=self.category) if self.category else q

    def case_q(self, with_period: bool = True) -> Q:
        """The same slice as a filter on Case."""
        q = Q()
        if with_period:
            start, end = day_bounds(self.first, self.last)
            q &= Q(created_at__gte=start, created_at__lt=end)
        if self.district:
            q &= Q(region_id__in=self.region_ids)
        if self.department:
            q &= Q(main_department_id__in=self.department_ids)
        if self.category:
            q &= Q(category_id__in=self.category_ids)
        if self.channel:
            q &= Q(channel=self.channel)
        return q

    def case_params(self, with_period: bool = True) -> dict[str, str]:
        """The same slice as CaseFilterSet query parameters (for links to the case list)."""
        params = {}
        if with_period:
            start, end = day_bounds(self.first, self.last)
            params |= {"created_after": start.isoformat(), "created_before": end.isoformat()}
        if self.district:
            params["region"] = self.district.code
        if self.department:
            params["main_department"] = str(self.department.pk)
        if self.category:
            params["category"] = self.category.code
        if self.channel:
            params["channel"] = self.channel
        return params

    def measure_params(self, measure: str, with_period: bool = True) -> dict[str, str]:
        """CaseFilterSet parameters selecting exactly the cases a measure counts in this slice.

        `department` then means the department the measure counts for (see cases.measures).
        """
        params = {"measure": measure}
        if with_period:
            start, end = day_bounds(self.first, self.last)
            params |= {"measured_after": start.isoformat(), "measured_before": end.isoformat()}
        if self.district:
            params["region"] = self.district.code
        if self.department:
            params["department"] = str(self.department.pk)
        if self.category:
            params["category"] = self.category.code
        if self.channel:
            params["channel"] = self.channel
        return params

    def query_string(self) -> dict[str, str]:
        """The filter form's own parameters (to keep the filters on export links)."""
        params = {"date_from": self.first.isoformat(), "date_to": self.last.isoformat()}
        for name, obj in (("district", self.district), ("department", self.department),
                          ("category", self.category)):  # fmt: skip
            if obj:
                params[name] = obj.code
        if self.channel:
            params["channel"] = self.channel
        return params


class DashboardFilterForm(forms.Form):
    """Period and slice; every field optional, the period defaults to the last 30 days."""

    date_from = forms.DateField(label=_("from"), required=False)
    date_to = forms.DateField(label=_("to"), required=False)
    district = forms.ModelChoiceField(
        Region.objects.filter(level=Region.Level.DISTRICT), to_field_name="code",
        required=False, label=_("district"),
    )  # fmt: skip
    department = forms.ModelChoiceField(
        Department.objects.exclude(kind=Department.Kind.TRANSFER), to_field_name="code",
        required=False, label=_("department"),
    )  # fmt: skip
    category = forms.ModelChoiceField(
        Category.objects.filter(level=1), to_field_name="code", required=False,
        label=_("category"),
    )  # fmt: skip
    channel = forms.ChoiceField(
        choices=[("", _("all channels")), *Channel.choices], required=False, label=_("channel")
    )

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        last = data.get("date_to") or today
        first = data.get("date_from") or last - datetime.timedelta(days=29)
        if first > last:
            raise forms.ValidationError(_("The period starts after it ends."))
        if (last - first).days >= MAX_PERIOD_DAYS:
            raise forms.ValidationError(_("A period is at most three years long."))
        data["date_from"], data["date_to"] = first, last
        return data

    def slice(self) -> Slice:
        """The resolved slice (call after is_valid())."""
        d = self.cleaned_data
        return Slice(d["date_from"], d["date_to"], d.get("district"), d.get("department"),
                     d.get("category"), d.get("channel") or "")  # fmt: skip


class WeightsForm(forms.Form):
    """Optional per-request weights for the assessment score (defaults from settings)."""

    basic_weight = forms.FloatField(
        label=_("weight of basically satisfied"), min_value=0, max_value=1, required=False
    )
    w_response_rate = forms.FloatField(min_value=0, required=False, label=_("response"))
    w_on_time_reply_rate = forms.FloatField(min_value=0, required=False, label=_("on-time"))
    w_resolution_rate = forms.FloatField(min_value=0, required=False, label=_("resolution"))
    w_satisfaction_rate = forms.FloatField(min_value=0, required=False, label=_("satisfaction"))
    w_return_rate = forms.FloatField(min_value=0, required=False, label=_("returns"))
    w_reopen_rate = forms.FloatField(min_value=0, required=False, label=_("reopens"))
    min_volume = forms.IntegerField(
        min_value=0, required=False, label=_("minimum volume to be ranked")
    )

    def min_volume_value(self) -> int:
        """The typed minimum, else HOTLINE_LEAGUE_MIN_VOLUME (call after is_valid())."""
        typed = self.cleaned_data.get("min_volume")
        return typed if typed is not None else league_min_volume()

    def weights(self):
        """The settings' weights overridden by what the user typed (call after is_valid())."""
        base = Weights.from_settings()
        score = dict(base.score)
        for name, value in self.cleaned_data.items():
            if name.startswith("w_") and value is not None:
                score[name[2:]] = value
        basic = self.cleaned_data.get("basic_weight")
        return Weights(basic if basic is not None else base.basic_satisfaction, score)


def render_fields(form: forms.Form) -> SafeString:
    """The filter fields as HTML, keeping what the user typed (faster than widget templates)."""
    parts = []
    for name, field in form.fields.items():
        typed = form.data.get(name, "") if form.is_bound else ""
        if isinstance(field, forms.ModelChoiceField):
            # ~200 departments: a picker (static/js/pickers.js) found by name or pinyin initials
            # (cgj: 城管局), the options in the order of a Chinese index
            named = sorted(_named_options(field), key=lambda row: pinyin.sort_key(row[1]))
            options = format_html_join(
                "", '<option value="{}" data-py="{}"{}>{}</option>',
                ((value, py, _selected(value, typed), label) for value, label, py in named),
            )  # fmt: skip
            select = format_html('<select name="{}" data-picker="true"><option value="">—</option>'
                                 "{}</select>", name, options)  # fmt: skip
            parts.append(_labelled(form, name, field, select))
            continue
        if isinstance(field, forms.ChoiceField):
            choices = [(value, str(label)) for value, label in field.choices]
        else:
            kind = "date" if isinstance(field, forms.DateField) else "text"
            widget = format_html('<input type="{}" name="{}" value="{}">', kind, name, typed)
            parts.append(_labelled(form, name, field, widget))
            continue
        options = format_html_join(
            "", '<option value="{}"{}>{}</option>',
            ((value, _selected(value, typed), label) for value, label in choices),
        )  # fmt: skip
        parts.append(_labelled(form, name, field, format_html('<select name="{}">{}</select>',
                                                              name, options)))  # fmt: skip
    return SafeString(" ".join(parts))


def _named_options(field: forms.ModelChoiceField) -> list[tuple[str, str, str]]:
    """(value, name, what typing may match) of a region, category or department field."""
    if field.queryset.model is Department:
        rows = field.queryset.values_list(field.to_field_name, "name", "short_name", "code")
        return [(value, name, department_search_text(name, short, code))
                for value, name, short, code in rows]  # fmt: skip
    rows = field.queryset.values_list(field.to_field_name, "name")
    return [(value, name, pinyin.search_key(name)) for value, name in rows]


def _selected(value, typed: str) -> str:
    return SafeString(" selected") if str(value) == typed else ""


def _labelled(form, name, field, widget) -> SafeString:
    errors = form.errors.get(name) if form.is_bound else None
    error = format_html(' <span class="errors">{}</span>', " ".join(errors)) if errors else ""
    return format_html("<label>{} {}</label>{}", field.label, widget, error)
