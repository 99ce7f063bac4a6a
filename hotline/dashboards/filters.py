"""The dashboards' filter form (period, district, department, category, channel)."""

import datetime
from dataclasses import dataclass

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import Channel
from cases.models import Category
from departments.models import Department, Region
from hotline.dashboards.metrics import Weights
from hotline.dashboards.stats import ROLLUP_CHANNEL, day_bounds

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
        q = Q(day__gte=self.first, day__lte=self.last)
        if detailed or self.category or self.channel:
            q &= ~Q(channel=ROLLUP_CHANNEL)
        else:
            q &= Q(channel=ROLLUP_CHANNEL)
        if self.district:
            q &= Q(district=self.district)
        if self.department:
            q &= Q(department__path__startswith=self.department.path)
        if self.category:
            q &= Q(category=self.category)
        if self.channel:
            q &= Q(channel=self.channel)
        return q

    def case_q(self, with_period: bool = True) -> Q:
        """The same slice as a filter on Case."""
        q = Q()
        if with_period:
            start, end = day_bounds(self.first, self.last)
            q &= Q(created_at__gte=start, created_at__lt=end)
        if self.district:
            q &= Q(region__path__startswith=self.district.path)
        if self.department:
            q &= Q(main_department__path__startswith=self.department.path)
        if self.category:
            q &= Q(category__path__startswith=self.category.path)
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


def default_slice() -> Slice:
    """The last 30 days, everything."""
    form = DashboardFilterForm({})
    form.is_valid()
    return form.slice()


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

    def weights(self):
        """The settings' weights overridden by what the user typed (call after is_valid())."""
        base = Weights.from_settings()
        score = dict(base.score)
        for name, value in self.cleaned_data.items():
            if name.startswith("w_") and value is not None:
                score[name[2:]] = value
        basic = self.cleaned_data.get("basic_weight")
        return Weights(basic if basic is not None else base.basic_satisfaction, score)
