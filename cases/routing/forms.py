"""Forms of the supervisors' rule pages."""

import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import RequestType
from cases.models import Category
from departments.models import Department, Region, ResponsibilityRule
from departments.rule_services import EDITABLE_FIELDS

WORD_SEPARATORS = re.compile(r"[\s,，、;；]+")


class WordsField(forms.CharField):
    """Words typed separated by spaces, commas or 、; kept as a list."""

    def prepare_value(self, value):
        return " ".join(value) if isinstance(value, list | tuple) else value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [w for w in WORD_SEPARATORS.split(text) if w]


class RuleForm(forms.ModelForm):
    """A responsibility rule, with the reason for the change."""

    request_types = forms.MultipleChoiceField(
        label=_("Request types"),
        choices=RequestType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every request type."),
    )
    include_words = WordsField(
        label=_("Words required"), required=False, help_text=_("All must appear in the text.")
    )
    exclude_words = WordsField(
        label=_("Words excluded"), required=False, help_text=_("None may appear in the text.")
    )
    reason = forms.CharField(label=_("Why this change"), max_length=200)

    class Meta:
        model = ResponsibilityRule
        fields = EDITABLE_FIELDS
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_until": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["category"].label_from_instance = lambda c: f"{c.code} {c.name}"
        self.fields["region"].queryset = Region.objects.filter(level__lte=Region.Level.STREET)
        self.fields["region"].label_from_instance = lambda r: f"{r.code} {r.name}"
        self.fields["department"].queryset = Department.objects.filter(is_active=True)

    def rule_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}


class ReasonForm(forms.Form):
    """The reason for publishing or deactivating a rule."""

    reason = forms.CharField(label=_("Why"), max_length=200)


class PeriodForm(forms.Form):
    """A period of days ending today (the returns report)."""

    since = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        zone = timezone.get_current_timezone()
        start = datetime.datetime.combine(self.cleaned_data["since"], datetime.time(), zone)
        end = datetime.datetime.combine(self.cleaned_data["until"], datetime.time(), zone)
        return start, end + datetime.timedelta(days=1)


class DaysForm(forms.Form):
    """How many days of closed cases to replay."""

    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=366, initial=30)
