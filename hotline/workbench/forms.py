"""The intake form: a new case as the agent types it during the call, and what to do with it.

It stands on the center's floor because "answer with this article" reads the knowledge base,
which stands above the cases.
"""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.choices import Channel, RequestType, Urgency
from cases.forms import AttachmentField, DepartmentPicker
from cases.models import Category
from cases.selectors import dispatch_targets, get_case_for, transfer_targets
from cases.services import INTAKE_VERBS
from core.errors import NotFound
from core.phones import PhoneFormField
from departments.models import Region
from knowledgebase.models import Article
from knowledgebase.selectors import published_text

# The lookups as the agent types: field → (URL name, htmx trigger, target, extra fields sent).
INTAKE_LOOKUPS = {
    "citizen_phone": (
        "cases:intake_caller",
        "load, input changed delay:400ms",
        "#caller-history",
        "this",
    ),
    "address": (
        "cases:intake_regions",
        "input changed delay:400ms",
        "#region-suggestions",
        "#id_region",
    ),
    "category_search": (
        "cases:intake_categories",
        "input changed delay:300ms, focus",
        "#category-suggestions",
        "#id_content",
    ),
}


class IntakeForm(forms.Form):
    """A new case as the agent types it during the call, and what to do with it on saving."""

    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial="phone")
    request_type = forms.ChoiceField(label=_("Request type"), choices=RequestType.choices)
    citizen_phone = PhoneFormField(label=_("Caller's phone"), required=False)
    citizen_name = forms.CharField(label=_("Caller's name"), max_length=50, required=False)
    anonymous = forms.BooleanField(label=_("Anonymous"), required=False)
    confidential = forms.BooleanField(label=_("Confidential"), required=False)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    region = forms.ModelChoiceField(
        Region.objects.all(), to_field_name="code", required=False, widget=forms.HiddenInput
    )
    region_label = forms.CharField(label=_("Region"), required=False)
    category = forms.ModelChoiceField(
        Category.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
        widget=forms.HiddenInput,
    )
    category_search = forms.CharField(label=_("Category"), required=False)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    content = forms.CharField(
        label=_("What the caller says"), widget=forms.Textarea(attrs={"rows": 5})
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial="normal")
    answer = forms.CharField(
        label=_("Answer given"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    department = forms.ModelChoiceField(
        dispatch_targets(), label=_("Dispatch to"), required=False, widget=DepartmentPicker
    )
    transfer_reason = forms.CharField(label=_("Transfer reason"), max_length=200, required=False)
    file = AttachmentField(required=False)
    intent = forms.CharField(widget=forms.HiddenInput, initial="save", required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["citizen_phone"].widget.input_type = "tel"
        self.fields["citizen_phone"].widget.attrs["autofocus"] = True  # the caller is talking
        self.fields["region_label"].widget.attrs.update(readonly=True, tabindex="-1")
        for name, (url, trigger, target, include) in INTAKE_LOOKUPS.items():
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": reverse(url),
                    "hx-trigger": trigger,
                    "hx-target": target,
                    "hx-include": include,
                    "autocomplete": "off",
                }
            )

    def clean(self):
        data = super().clean()
        verb, _sep, argument = (data.get("intent") or "save").partition(":")
        if verb not in INTAKE_VERBS:
            raise forms.ValidationError(_("Unknown action: %(verb)s.") % {"verb": verb})
        data["verb"] = verb
        getattr(self, f"_clean_{verb}", lambda arg: None)(argument)
        return data

    def _clean_answer(self, argument: str) -> None:
        article = live = None
        if argument:
            article = Article.objects.filter(pk=argument if argument.isdigit() else None).first()
            live = published_text(article) if article else None
            if article is None:
                self.add_error("answer", _("That knowledge article no longer exists."))
            elif live is None:
                self.add_error("answer", _("That knowledge article has no published version."))
        self.cleaned_data["article"] = article if live else None
        if not self.cleaned_data.get("answer") and live:
            # The published answer, never a draft of the next version in progress.
            self.cleaned_data["answer"] = live[1]
        if not self.cleaned_data.get("answer") and not self.errors.get("answer"):
            self.add_error("answer", _("Write the answer given to the caller."))

    def _clean_dispatch(self, argument: str) -> None:
        if argument:
            department = dispatch_targets().filter(pk=argument if argument.isdigit() else None)
            self.cleaned_data["department"] = department.first()
        if not self.cleaned_data.get("department"):
            self.add_error("department", _("Choose the department to dispatch to."))

    def _clean_transfer(self, argument: str) -> None:
        target = transfer_targets().filter(code=argument).first()
        if target is None:
            self.add_error(None, _("Choose a hotline to transfer to."))
        self.cleaned_data["transfer_to"] = target

    def _clean_merge(self, argument: str) -> None:
        try:
            self.cleaned_data["parent"] = get_case_for(self.user, argument)
        except NotFound:
            self.add_error(None, _("Case %(number)s was not found.") % {"number": argument})
