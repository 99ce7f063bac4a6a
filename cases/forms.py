"""Forms of the workbench: intake, and one small form per case action.

Forms only validate and pick objects inside the viewer's scope; the views hand the cleaned data
to `cases.services`. Every choice of an assignment, extension, dispute or supervision order is
limited to the case at hand and to what the viewer may see.
"""

from django import forms
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from cases.choices import (
    Action,
    AssignmentRole,
    Channel,
    Decision,
    DisputeStatus,
    ReplyResult,
    RequestType,
    Satisfaction,
    SupervisionLevel,
    SupervisionStatus,
    Urgency,
    assignment_sources,
    assignment_takers,
)
from cases.models import Category, Dispute, Extension, SupervisionOrder
from cases.selectors import get_case_for, visible_assignments
from core.errors import NotFound
from core.roles import Role, has_role
from departments.models import Department, Region

# One-click transfers at intake: emergency lines and the 12333 sub-center.
TRANSFER_CODES = ["hotline-110", "hotline-119", "hotline-120", "hotline-122", "sub-12333"]
INTAKE_INTENTS = ("save", "answer", "dispatch", "transfer", "merge")
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
YES_NO = [("yes", _("Yes")), ("no", _("No"))]
YES_NO_UNKNOWN = [("", _("Not asked")), *YES_NO]


def dispatch_targets():
    """Departments a case can be dispatched to: functional ones, district centers, streets."""
    return Department.objects.filter(is_active=True).exclude(
        kind__in=[Department.Kind.CENTER, Department.Kind.TRANSFER]
    )


def transfer_targets():
    return Department.objects.filter(code__in=TRANSFER_CODES)


class QuickSelect(forms.Select):
    """A <select> built in one pass: Django's one-template-per-option costs ~0.2 ms an option,
    and the list filters offer hundreds of departments, regions and categories."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in (value if isinstance(value, list | tuple) else [value])}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, mark_safe(" selected") if str(key) in chosen else "", label)
                for key, label in self.choices
            ),
        )
        extra = {"name": name, **({"multiple": True} if self.allow_multiple_selected else {})}
        attrs = flatatt(self.build_attrs(self.attrs, {**(attrs or {}), **extra}))
        return format_html("<select{}>{}</select>", attrs, options)


class QuickSelectMultiple(QuickSelect, forms.SelectMultiple):
    """QuickSelect for several values."""


def yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class IntakeForm(forms.Form):
    """A new case as the agent types it during the call, and what to do with it on saving."""

    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial="phone")
    request_type = forms.ChoiceField(label=_("Request type"), choices=RequestType.choices)
    citizen_phone = forms.CharField(label=_("Caller's phone"), max_length=20, required=False)
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
        dispatch_targets(), label=_("Dispatch to"), required=False, widget=QuickSelect
    )
    transfer_reason = forms.CharField(label=_("Transfer reason"), max_length=200, required=False)
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

    def clean_citizen_phone(self):
        phone = self.cleaned_data["citizen_phone"].replace(" ", "").replace("-", "")
        if phone and not phone.lstrip("+").isdigit():
            raise forms.ValidationError(_("A phone number has digits only."))
        return phone

    def clean(self):
        data = super().clean()
        verb, _sep, argument = (data.get("intent") or "save").partition(":")
        if verb not in INTAKE_INTENTS:
            raise forms.ValidationError(_("Unknown action: %(verb)s.") % {"verb": verb})
        data["verb"] = verb
        getattr(self, f"_clean_{verb}", lambda arg: None)(argument)
        return data

    def _clean_answer(self, argument: str) -> None:
        from knowledgebase.models import Article

        article = None
        if argument:
            article = Article.objects.filter(pk=argument if argument.isdigit() else None).first()
            if article is None:
                self.add_error("answer", _("That knowledge article no longer exists."))
        self.cleaned_data["article"] = article
        if not self.cleaned_data.get("answer") and article:
            self.cleaned_data["answer"] = article.answer
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


# --- case actions -------------------------------------------------------------------------


class CaseActionForm(forms.Form):
    """A form acting on one case for one viewer; subclasses limit their choices to that case."""

    def __init__(self, *args, case, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.user = user
        self.limit_choices()

    def limit_choices(self) -> None:
        """Narrow the querysets of object choices to this case and viewer."""

    def limit(self, name: str, queryset) -> None:
        """Set a choice's queryset; a single choice is preselected and hidden."""
        field = self.fields[name]
        field.queryset = queryset
        choices = list(queryset[:2])
        if len(choices) == 1:
            field.initial = choices[0].pk
            field.widget = forms.HiddenInput()
            field.widget.is_required = field.required


class AssignmentActionForm(CaseActionForm):
    """An action on one of the case's assignments: those ASSIGNMENT_TRANSITIONS allows it on."""

    action: Action
    assignment = forms.ModelChoiceField(None, label=_("Assignment"))

    def limit_choices(self) -> None:
        assignments = visible_assignments(self.user).filter(
            case=self.case, status__in=assignment_sources(self.action)
        )
        roles = [r for r in AssignmentRole if r.value in assignment_takers(self.action)]
        if roles:  # a department's action: only the roles the table lets take it
            assignments = assignments.filter(role__in=roles)
        self.limit("assignment", assignments)


class AnswerForm(CaseActionForm):
    answer = forms.CharField(label=_("Answer given to the citizen"), widget=forms.Textarea)


class TransferForm(CaseActionForm):
    to = forms.ModelChoiceField(transfer_targets(), label=_("Transfer to"))
    reason = forms.CharField(label=_("Reason"), max_length=500)


class ReasonForm(CaseActionForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea)


class MergeForm(CaseActionForm):
    parent = forms.CharField(label=_("Merge into case number"), max_length=13)

    def clean_parent(self):
        number = self.cleaned_data["parent"].strip()
        try:
            return get_case_for(self.user, number)
        except NotFound as error:
            raise forms.ValidationError(
                _("Case %(number)s was not found.") % {"number": number}
            ) from error


class DispatchForm(CaseActionForm):
    department = forms.ModelChoiceField(
        dispatch_targets(), label=_("Main department"), widget=QuickSelect
    )
    co_departments = forms.ModelMultipleChoiceField(
        dispatch_targets(), label=_("Co-handlers"), required=False, widget=QuickSelectMultiple
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class RedispatchForm(AssignmentActionForm):
    action = Action.REDISPATCH
    department = forms.ModelChoiceField(
        dispatch_targets(), label=_("Re-dispatch to"), widget=QuickSelect
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class SignForm(AssignmentActionForm):
    action = Action.SIGN


class ReturnForm(AssignmentActionForm):
    action = Action.RETURN
    reason = forms.CharField(label=_("Why it is not ours"), widget=forms.Textarea)
    suggested_department = forms.ModelChoiceField(
        dispatch_targets(), label=_("Whose it is"), required=False, widget=QuickSelect
    )


class ReviewReturnForm(AssignmentActionForm):
    action = Action.ACCEPT_RETURN  # accepting and rejecting start from the same status
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class DecideDisputeForm(CaseActionForm):
    dispute = forms.ModelChoiceField(None, label=_("Dispute"))
    department = forms.ModelChoiceField(
        dispatch_targets(), label=_("Responsible department"), widget=QuickSelect
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def limit_choices(self) -> None:
        self.limit("dispute", Dispute.objects.filter(case=self.case, status=DisputeStatus.OPEN))


class ExtensionRequestForm(AssignmentActionForm):
    action = Action.REQUEST_EXTENSION
    days = forms.IntegerField(label=_("Working days more"), min_value=1, max_value=10)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea)


class DecideExtensionForm(CaseActionForm):
    extension = forms.ModelChoiceField(None, label=_("Extension request"))
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def limit_choices(self) -> None:
        pending = Extension.objects.filter(assignment__case=self.case, status=Decision.PENDING)
        self.limit("extension", pending)


class ProgressForm(AssignmentActionForm):
    action = Action.ADD_PROGRESS
    note = forms.CharField(label=_("Progress note"), widget=forms.Textarea)


class ReplyForm(AssignmentActionForm):
    action = Action.REPLY
    result = forms.ChoiceField(label=_("Result"), choices=ReplyResult.choices)
    content = forms.CharField(label=_("Reply to the citizen"), widget=forms.Textarea)


class CallbackForm(CaseActionForm):
    """One callback attempt and what follows it: close the case, or (supervisors) reopen it."""

    reached = forms.ChoiceField(
        label=_("Citizen reached"), choices=YES_NO, widget=forms.RadioSelect
    )
    resolved = forms.ChoiceField(label=_("Resolved"), choices=YES_NO_UNKNOWN, required=False)
    satisfaction = forms.ChoiceField(
        label=_("Satisfaction"), choices=[("", "—"), *Satisfaction.choices], required=False
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    then = forms.ChoiceField(
        label=_("Then"),
        choices=[
            ("close", _("Close the case")),
            ("", _("Keep it open (call again later)")),
            ("reopen", _("Reopen: back to the department")),
        ],
        initial="close",
        required=False,
        widget=forms.RadioSelect,
    )

    def limit_choices(self) -> None:
        if not has_role(self.user, Role.SUPERVISOR):
            choices = [c for c in self.fields["then"].choices if c[0] != "reopen"]
            self.fields["then"].choices = choices

    def clean(self):
        data = super().clean()
        reached = yes_no(data.get("reached", ""))
        if reached is False and (data.get("resolved") or data.get("satisfaction")):
            self.add_error("reached", _("A citizen not reached gives no rating."))
        if reached and not data.get("satisfaction"):
            self.add_error("satisfaction", _("Ask the citizen how satisfied they are."))
        if data.get("then") == "close" and reached is False:
            self.add_error("then", _("Close a case only after reaching the citizen."))
        if data.get("then") == "reopen" and not data.get("note"):
            self.add_error("note", _("Say why the case is reopened."))
        return data


class CloseForm(CaseActionForm):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class UrgeForm(AssignmentActionForm):
    action = Action.URGE
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class SuperviseForm(CaseActionForm):
    level = forms.ChoiceField(label=_("Level"), choices=SupervisionLevel.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea)
    due_at = forms.DateTimeField(
        label=_("Answer due"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class AnswerSupervisionForm(CaseActionForm):
    order = forms.ModelChoiceField(None, label=_("Supervision order"))
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea)

    def limit_choices(self) -> None:
        departments = visible_assignments(self.user).filter(case=self.case)
        orders = SupervisionOrder.objects.filter(
            case=self.case,
            status=SupervisionStatus.OPEN,
            department__in=departments.values("department"),
        )
        self.limit("order", orders)
