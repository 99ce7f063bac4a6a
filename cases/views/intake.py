"""Intake: the agent registers a case during the call, with help that appears as they type.

The form is saved in one request whatever the agent chose to do with the case (save, answer
from the knowledge base, dispatch, transfer, merge); registration and the chosen action run in
one transaction, so a refusal leaves nothing half-written and the form comes back filled in.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cases import services
from cases.forms import IntakeForm, transfer_targets
from cases.models import Category
from cases.routing.classifier import suggest_categories
from cases.selectors import visible_cases
from cases.views.detail import add_domain_error
from core.errors import ApplicationError
from departments.gazetteer import resolve_address
from departments.memberships import is_center_staff
from departments.models import Region

CALLER_HISTORY = 10
# An address resolved this surely fills the region by itself; below, the agent picks.
FILL_CONFIDENCE = 0.7


def center_only(view):
    """Intake is the center's work: agents and supervisors."""

    def wrapped(request, *args, **kwargs):
        if not is_center_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__doc__ = view.__doc__
    return login_required(wrapped)


@center_only
def intake(request):
    """The new-case form; POST registers it and runs the chosen action in one transaction."""
    form = IntakeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                case = register_and_act(form.cleaned_data, request.user)
        except ApplicationError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Case %(number)s saved.") % {"number": case.number})
            return redirect("cases:detail", number=case.number)
    status = 400 if form.is_bound else 200
    context = {"form": form, "transfer_targets": list(transfer_targets())}
    return render(request, "cases/intake.html", context, status=status)


def register_and_act(data: dict, user):
    """Register the case, then answer, dispatch, transfer or merge it as the agent chose."""
    fields = [
        "channel", "request_type", "content", "category", "title", "citizen_name",
        "citizen_phone", "anonymous", "confidential", "address", "region", "urgency",
    ]  # fmt: skip
    case = services.register_case(actor=user, **{name: data[name] for name in fields})
    verb = data["verb"]
    if verb == "answer":
        articles = [data["article"]] if data.get("article") else []
        services.answer_case(case, actor=user, answer=data["answer"], articles=articles)
    elif verb == "dispatch":
        services.dispatch_case(case, actor=user, department=data["department"])
    elif verb == "transfer":
        reason = data["transfer_reason"] or _("Transferred at intake")
        services.transfer_case(case, actor=user, to=data["transfer_to"], reason=reason)
    elif verb == "merge":
        services.merge_case(case, actor=user, parent=data["parent"])
    return case


@center_only
def caller_history(request):
    """The caller's earlier and open cases, by the phone number typed so far."""
    phone = request.GET.get("citizen_phone", "").strip()
    cases = []
    if len(phone) >= 7:
        cases = list(visible_cases(request.user).filter(citizen_phone=phone)[:CALLER_HISTORY])
    return render(request, "cases/_caller_history.html", {"cases": cases, "phone": phone})


def regions_in(text: str) -> tuple[list, Region | None]:
    """Regions named in an address (most specific first) and the one to fill in, if certain."""
    match = resolve_address(text)
    candidates = list(match.candidates or ([match.region] if match.region else []))
    certain = match.region if match.confidence >= FILL_CONFIDENCE and not match.ambiguous else None
    return candidates, certain


@center_only
def region_suggestions(request):
    """Regions matching the address; a confident match fills the region field."""
    text = request.GET.get("address", "").strip()
    regions, certain = regions_in(text) if len(text) >= 2 else ([], None)
    fill = certain if not request.GET.get("region") else None
    return render(request, "cases/_regions.html", {"regions": regions, "fill": fill})


@center_only
def category_suggestions(request):
    """Third-level categories whose name matches the search, then the classifier's guesses."""
    query = request.GET.get("category_search", "").strip()
    found = []
    if query:
        found = list(
            Category.objects.filter(is_active=True, name__icontains=query)
            .select_related("parent")
            .order_by("-level", "code")[:12]
        )
    guesses = classifier_guesses(request.GET.get("content", ""))
    context = {"categories": found, "guesses": guesses}
    return render(request, "cases/_categories.html", context)


def classifier_guesses(text: str) -> list:
    if len(text.strip()) < 4:
        return []
    return [category for category, _probability in suggest_categories(text, k=3)]
