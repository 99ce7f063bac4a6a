"""The citizens' progress lookup pages (public, phone-sized).

POST /lookup/ with the number and the last four digits; a right pair is remembered in the
session (a few numbers at most) and the citizen is sent to /lookup/<number>/, which shows the
request and, while it is open, a form to add a few words or a photo. Without the session's
word, /lookup/<number>/ goes back to the form: a number alone shows nothing.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cases import services
from cases.forms import AttachmentField
from cases.models import Case
from cases.privacy import no_store
from core.errors import ApplicationError
from core.http import client_address
from hotline.lookup.service import citizen_view, find_case

SESSION_KEY = "lookup_verified"
REMEMBERED = 5  # numbers one session may keep open at once


class LookupForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("Request number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone_last4 = forms.CharField(
        label=gettext_lazy("Last four digits of your phone"),
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class AddForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Anything to add"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    file = AttachmentField(required=False, label=gettext_lazy("Photo or file"))


def _render(request, template: str, context: dict, status: int = 200):
    return no_store(render(request, template, context, status=status))


def lookup(request):
    """The form; a right pair opens the request, a wrong one gets the one answer for all."""
    form = LookupForm(request.POST or None)
    if request.method != "POST":
        return _render(request, "lookup/form.html", {"form": form})
    if not form.is_valid():
        return _render(request, "lookup/form.html", {"form": form}, status=400)
    try:
        case = find_case(
            form.cleaned_data["number"],
            form.cleaned_data["phone_last4"],
            client=client_address(request),
        )
    except ApplicationError as refusal:
        context = {"form": form, "error": refusal.message}
        return _render(request, "lookup/form.html", context, status=refusal.status_code)
    remembered = [n for n in request.session.get(SESSION_KEY, []) if n != case.number]
    request.session[SESSION_KEY] = [case.number, *remembered][:REMEMBERED]
    return redirect("lookup:case", number=case.number)


def _verified_case(request, number: str) -> Case | None:
    if number not in request.session.get(SESSION_KEY, []):
        return None
    return Case.objects.filter(number=number).first()


def lookup_case(request, number: str):
    """The request as its citizen reads it (after a right pair in this session)."""
    case = _verified_case(request, number)
    if case is None:
        return redirect("lookup:form")
    return _show(request, case, AddForm())


def _show(request, case, add_form, status=200):
    context = {"view": citizen_view(case), "add_form": add_form}
    return _render(request, "lookup/case.html", context, status=status)


@require_POST
def lookup_add(request, number: str):
    """The citizen adds a few words or a photo to an open request (a timeline event)."""
    case = _verified_case(request, number)
    if case is None:
        return redirect("lookup:form")
    form = AddForm(request.POST, request.FILES)
    if not form.is_valid():
        return _show(request, case, form, status=400)
    try:
        services.add_citizen_information(
            case, text=form.cleaned_data["text"], upload=form.cleaned_data["file"]
        )
    except ApplicationError as refusal:
        field = refusal.field if refusal.field in form.fields else None
        form.add_error(field, refusal.message)
        return _show(request, case, form, status=refusal.status_code)
    messages.success(request, _("Thank you. The department handling your request will see it."))
    return redirect("lookup:case", number=case.number)
