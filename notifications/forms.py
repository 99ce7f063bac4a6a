from django import forms
from django.utils.translation import gettext_lazy as _


class TemplateForm(forms.Form):
    subject = forms.CharField(label=_("E-mail subject"), max_length=120, required=False)
    text = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}), max_length=500
    )
    sms_template_id = forms.CharField(
        label=_("SMS platform template id"), max_length=64, required=False
    )
