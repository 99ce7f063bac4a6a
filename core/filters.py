"""Query-string filters every app's FilterSets share (django-filter)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _


class StrictBooleanField(forms.NullBooleanField):
    """true/false (or 1/0, yes/no), empty for "either"; anything else is refused. Django's
    field reads an unknown word as "either", so `sign_overdue=ture` listed every assignment."""

    widget = forms.TextInput
    WORDS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}

    def to_python(self, value):
        if isinstance(value, bool):
            return value
        if value in (None, ""):
            return None
        word = str(value).strip().lower()
        if word not in self.WORDS:
            raise forms.ValidationError(
                _("“%(value)s” is not a yes or no: use true or false."),
                code="invalid",
                params={"value": value},
            )
        return self.WORDS[word]


class BooleanFilter(django_filters.BooleanFilter):
    """A yes/no filter that refuses what is neither (400 with the reason, not every row)."""

    field_class = StrictBooleanField
