"""Forms of the workbench: intake, and one small form per case action.

Forms only validate and pick objects inside the viewer's scope; the views hand the cleaned data
to `cases.services`. Every choice of an assignment, extension, dispute or supervision order is
limited to the case at hand and to what the viewer may see.
"""

from django import forms
from django.core.validators import MaxValueValidator
from django.forms.utils import flatatt
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cases import sla
from cases.attachments import inspect_upload
from cases.choices import (
    Action,
    AssignmentRole,
    DeadlineStage,
    Decision,
    DisputeStatus,
    ReplyResult,
    Satisfaction,
    Status,
    SupervisionLevel,
    SupervisionStatus,
    assignment_sources,
    assignment_takers,
)
from cases.models import Dispute, Extension, SupervisionOrder
from cases.selectors import dispatch_targets, get_case_for, transfer_targets, visible_assignments
from core import pinyin
from core.errors import InvalidInput, NotFound

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
YES_NO_UNKNOWN = [("", _("Not asked")), *YES_NO]


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


# The escaped options of pickers over reference data that is itself cached per process (the
# list filters' regions, categories and departments: `cases.views.filter_panel.filter_choices`), by
# the caller's `cache_key` (which names the choices' build) and the language.
_option_parts: dict = {}
OPTION_PARTS_KEPT = 64  # every picker of the list filters and case pages, in two languages


class Picker(QuickSelect):
    """A searchable, keyboard-operable picker (Tom Select, `static/js/pickers.js`): each option
    carries its pinyin (`data-py`: `cgj chengguanju` for 城管局) so that the initials find it;
    `sort` orders the options by their spelling, as a Chinese index does.

    With `cache_key` (it must change whenever the choices do), the options' HTML is built once
    per process and language, and each page only marks the chosen ones: the pinyin, the sort
    and the escaping of ~900 options took most of the case list's filter panel."""

    def __init__(self, *args, sort: bool = False, cache_key=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.sort = sort
        self.cache_key = cache_key

    def search_text(self, key, label) -> str:
        """What typing may match besides the label: its pinyin initials and spelling."""
        return pinyin.search_key(str(label)) if key != "" else ""

    def options(self) -> list[tuple[str, list]]:
        """(group label, [(value, label)]) in display order; one unnamed group by default."""
        rows = [(key, label) for key, label in self.choices]
        if self.sort:
            rows.sort(key=lambda row: (row[0] != "", pinyin.sort_key(str(row[1]))))
        return [("", rows)]

    def option_parts(self) -> list[tuple[str | None, str, str]]:
        """Each option as (its value, the HTML before ` selected`, the HTML after), escaped
        as `format_html` would, in plain strings (adding SafeStrings costs a copy each);
        optgroups as (None, tag, "")."""
        key = (self.cache_key, get_language()) if self.cache_key is not None else None
        parts = _option_parts.get(key) if key is not None else None
        if parts is not None:
            return parts
        parts = []
        for group, rows in self.options():
            if group:
                parts.append((None, f'<optgroup label="{escape(group)}">', ""))
            for key_, label in rows:
                py = self.search_text(key_, label)
                before = f'<option value="{escape(key_)}" data-py="{escape(py)}"'
                parts.append((str(key_), before, f">{escape(label)}</option>"))
            if group:
                parts.append((None, "</optgroup>", ""))
        if key is not None:
            if len(_option_parts) >= OPTION_PARTS_KEPT:
                _option_parts.clear()
            _option_parts[key] = parts
        return parts

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in (value if isinstance(value, list | tuple) else [value])}
        options = "".join(
            f"{before} selected{after}" if key is not None and key in chosen else before + after
            for key, before, after in self.option_parts()
        )
        extra = {"name": name, **({"multiple": True} if self.allow_multiple_selected else {})}
        attrs = {**self.attrs, **(attrs or {}), **extra, "data-picker": "true"}
        return format_html("<select{}>{}</select>", flatatt(self.build_attrs(attrs)),
                           mark_safe(options))  # fmt: skip


class PickerMultiple(Picker, forms.SelectMultiple):
    """Picker for several values (co-handlers)."""


# The order departments are offered in: who is dispatched to most, first.
KIND_ORDER = ["functional", "sub_center", "district_center", "street_office"]


class DepartmentPicker(Picker):
    """Departments grouped by kind (functional departments first), each group by pinyin; the
    short name people say (城管局 → `cgj`) and the code find a department too."""

    def search_text(self, key, label) -> str:
        department = getattr(key, "instance", None)
        if department is None:
            return super().search_text(key, label)
        return department_search_text(str(label), department.short_name, department.code)

    def options(self) -> list[tuple[str, list]]:
        grouped: dict[str, list] = {}
        labels: dict[str, str] = {}
        blank = []
        for key, label in self.choices:
            department = getattr(key, "instance", None)
            if department is None:
                blank.append((key, label))
                continue
            grouped.setdefault(department.kind, []).append((key, label))
            labels[department.kind] = department.get_kind_display()
        order = sorted(grouped, key=lambda k: KIND_ORDER.index(k) if k in KIND_ORDER else 99)
        groups = [("", blank)] if blank else []
        for kind in order:
            rows = sorted(grouped[kind], key=lambda row: pinyin.sort_key(str(row[1])))
            groups.append((labels[kind], rows))
        return groups


def department_search_text(name: str, short_name: str, code: str) -> str:
    """What finds a department in a picker: the short name people say (城管局 → `cgj`), its
    code and its full name's pinyin."""
    return " ".join(filter(None, [pinyin.search_key(short_name) if short_name else "", code,
                                  pinyin.search_key(name)]))  # fmt: skip


class DepartmentPickerMultiple(DepartmentPicker, forms.SelectMultiple):
    """DepartmentPicker for several departments (co-handlers)."""


def yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class AttachmentField(forms.FileField):
    """A photo or document, judged on its content (`cases.attachments`) when the form is cleaned."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Photo or file"))
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", "image/*,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx")

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            try:
                inspect_upload(upload)
            except InvalidInput as refusal:
                raise forms.ValidationError(refusal.message) from None
        return upload


class AttachmentForm(forms.Form):
    """One file added to a case from its page."""

    file = AttachmentField()


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


def suggested_department(case):
    """The department named by the latest return of the case ("whose it is"), if any."""
    returned = (
        case.assignments.filter(return_suggested_department__isnull=False)
        .select_related("return_suggested_department")
        .order_by("-returned_at", "-id")
        .first()
    )
    return returned.return_suggested_department if returned else None


class DispatchForm(CaseActionForm):
    department = forms.ModelChoiceField(
        dispatch_targets(), label=_("Main department"), widget=DepartmentPicker
    )
    co_departments = forms.ModelMultipleChoiceField(
        dispatch_targets(),
        label=_("Co-handlers"),
        required=False,
        widget=DepartmentPickerMultiple,
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def limit_choices(self) -> None:
        # after an accepted return, the department the returning one named is preselected
        suggested = suggested_department(self.case)
        if suggested is not None:
            self.fields["department"].initial = suggested.pk
            self.fields["department"].help_text = _(
                "Preselected: %(department)s, named by the department that returned the case."
            ) % {"department": suggested.name}


class TakeBackForm(CaseActionForm):
    """A supervisor takes the case back (收回) and, optionally, reassigns it at once (改派)."""

    reason = forms.CharField(label=_("Why the case is taken back"), widget=forms.Textarea)
    department = forms.ModelChoiceField(
        dispatch_targets(),
        label=_("Reassign to (leave empty to dispatch later)"),
        required=False,
        widget=DepartmentPicker,
    )
    co_departments = forms.ModelMultipleChoiceField(
        dispatch_targets(), label=_("Co-handlers"), required=False, widget=DepartmentPickerMultiple
    )
    note = forms.CharField(label=_("Note for the new department"), max_length=500, required=False)

    def clean(self):
        data = super().clean()
        if data.get("co_departments") and not data.get("department"):
            self.add_error("department", _("Name the main department for the co-handlers."))
        return data


class ApproveReplyForm(CaseActionForm):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class SendBackReplyForm(CaseActionForm):
    reason = forms.CharField(label=_("What the reply lacks"), widget=forms.Textarea)


class RedispatchForm(AssignmentActionForm):
    action = Action.REDISPATCH
    department = forms.ModelChoiceField(
        dispatch_targets(), label=_("Re-dispatch to"), widget=DepartmentPicker
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class SignForm(AssignmentActionForm):
    action = Action.SIGN


class ReturnForm(AssignmentActionForm):
    action = Action.RETURN
    reason = forms.CharField(label=_("Why it is not ours"), widget=forms.Textarea)
    suggested_department = forms.ModelChoiceField(
        dispatch_targets(), label=_("Whose it is"), required=False, widget=DepartmentPicker
    )


class ReviewReturnForm(AssignmentActionForm):
    action = Action.ACCEPT_RETURN  # accepting and rejecting start from the same status
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def limit_choices(self) -> None:
        super().limit_choices()
        returning = (
            self.fields["assignment"]
            .queryset.filter(return_suggested_department__isnull=False)
            .select_related("return_suggested_department")
            .first()
        )
        if returning is not None:  # the department it names, by name (issue 14)
            self.fields["note"].help_text = _(
                "The returning department says the case belongs to %(department)s; accepting "
                "the return preselects it for the new dispatch."
            ) % {"department": returning.return_suggested_department.name}


class DecideDisputeForm(CaseActionForm):
    dispute = forms.ModelChoiceField(None, label=_("Dispute"))
    department = forms.ModelChoiceField(
        dispatch_targets(), label=_("Responsible department"), widget=DepartmentPicker
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def limit_choices(self) -> None:
        self.limit("dispute", Dispute.objects.filter(case=self.case, status=DisputeStatus.OPEN))


class ExtensionRequestForm(AssignmentActionForm):
    action = Action.REQUEST_EXTENSION
    days = forms.IntegerField(label=_("Working days more"), min_value=1)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea)

    def limit_choices(self) -> None:
        super().limit_choices()
        # the longest extension is the deadline policy's (the service checks it too)
        longest = sla.policy_for(DeadlineStage.EXTENSION, request_type=self.case.request_type)
        self.fields["days"].max_value = longest.limit
        self.fields["days"].validators.append(MaxValueValidator(longest.limit))
        self.fields["days"].widget.attrs["max"] = longest.limit


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
    file = AttachmentField(required=False)


class ReplyForm(AssignmentActionForm):
    action = Action.REPLY
    result = forms.ChoiceField(label=_("Result"), choices=ReplyResult.choices)
    content = forms.CharField(label=_("Reply to the citizen"), widget=forms.Textarea)
    file = AttachmentField(required=False)


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
            ("decision", _("Send to the supervisors' decision")),
        ],
        initial="close",
        required=False,
        widget=forms.RadioSelect,
    )

    def limit_choices(self) -> None:
        if self.case.status == Status.MERGED:
            # a duplicate closes with its parent: its callback is recorded, nothing follows
            self.fields["then"].choices = [c for c in self.fields["then"].choices if not c[0]]
            self.fields["then"].initial = ""

    def clean(self):
        data = self._clean_rating()
        unhappy = data.get("satisfaction") == Satisfaction.UNSATISFIED or (
            yes_no(data.get("resolved", "")) is False
        )
        if unhappy and data.get("then") == "close":
            self.add_error(
                "then",
                _(
                    "An unsatisfied or unresolved case is not closed here: reopen it or send "
                    "it to the supervisors' decision."
                ),
            )
        return data

    def _clean_rating(self):
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
    instruction = forms.CharField(
        label=_("Leader's instruction (required for a leader's order)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
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


# --- issue 14 (B): the decision queue, supervision review, joint consultation ----------------


class NoteForm(CaseActionForm):
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )


class ReviewSupervisionForm(CaseActionForm):
    order = forms.ModelChoiceField(None, label=_("Supervision order"))
    note = forms.CharField(
        label=_("Note (why it is sent back)"), widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )  # fmt: skip

    def limit_choices(self) -> None:
        answered = SupervisionOrder.objects.filter(
            case=self.case, status=SupervisionStatus.ANSWERED
        ).select_related("department")
        self.limit("order", answered)


class OpenConsultationForm(CaseActionForm):
    topic = forms.CharField(label=_("What is to be decided"), widget=forms.Textarea)
    departments = forms.ModelMultipleChoiceField(
        dispatch_targets(), label=_("Departments invited"), widget=DepartmentPickerMultiple
    )


class PositionForm(CaseActionForm):
    position = forms.CharField(label=_("Our department's position"), widget=forms.Textarea)


class DecideConsultationForm(CaseActionForm):
    department = forms.ModelChoiceField(
        dispatch_targets(), label=_("Main department"), widget=DepartmentPicker
    )
    co_departments = forms.ModelMultipleChoiceField(
        dispatch_targets(), label=_("Co-handlers"), required=False, widget=DepartmentPickerMultiple
    )
    decision = forms.CharField(label=_("Decision"), widget=forms.Textarea)
