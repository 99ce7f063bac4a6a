"""Intake: the agent registers a case during the call, with help that appears as they type.

The form is saved in one request whatever the agent chose to do with the case (save, answer
from the knowledge base, dispatch, transfer, merge): `services.register_and_act` runs both steps
in one transaction, so a refusal leaves nothing half-written and the form comes back filled in.
Beside the form, knowledge articles (knowledgebase.search), routing suggestions
(cases.routing) and likely duplicates (cases.selectors) appear as the agent types.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cases import services
from cases.routing.suggestions import suggest
from cases.selectors import likely_duplicates, transfer_targets
from cases.views.detail import add_domain_error
from cases.views.filter_panel import keep_department_options
from cases.views.intake import center_only
from core import policy
from core.errors import ApplicationError
from hotline.workbench.forms import IntakeForm
from knowledgebase.search import suggest_articles

MIN_TEXT = 4
CASE_FIELDS = [
    "channel", "request_type", "content", "category", "title", "citizen_name",
    "citizen_phone", "anonymous", "confidential", "address", "region", "urgency",
]  # fmt: skip


@center_only
def intake(request):
    """The new-case form; POST registers it and runs the chosen action in one transaction."""
    form = IntakeForm(request.POST or None, request.FILES or None, user=request.user)
    keep_department_options(form)
    if request.method == "POST" and form.is_valid():
        try:
            case = register_and_act(form.cleaned_data, request.user)
        except ApplicationError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Case %(number)s saved.") % {"number": case.number})
            return redirect("cases:detail", number=case.number)
    status = 400 if form.is_bound else 200
    context = {"form": form, "transfer_targets": list(transfer_targets())}
    return render(request, "cases/intake.html", context, status=status)


@transaction.atomic
def register_and_act(data: dict, user):
    """Register the case and answer, dispatch, transfer or merge it as the agent chose, with
    the file the citizen sent (if any) in the same transaction."""
    case = services.register_and_act(
        actor=user,
        fields={name: data[name] for name in CASE_FIELDS},
        verb=data["verb"],
        answer=data.get("answer", ""),
        articles=[data["article"]] if data.get("article") else [],
        department=data.get("department"),
        transfer_to=data.get("transfer_to"),
        transfer_reason=data.get("transfer_reason") or _("Transferred at intake"),
        parent=data.get("parent"),
    )
    if data.get("file"):
        services.add_attachment(case, actor=user, upload=data["file"])
    return case


def knowledge_hits(text: str, region, user) -> list:
    """Knowledge articles in force answering what the caller says, for the case's region, above
    the relevance floor (knowledgebase.search.suggest_articles)."""
    return suggest_articles(text, region=region, limit=5, user=user)


def routing_suggestions(fields: dict) -> list:
    """Where the routing rules would send a case like this (cases.routing)."""
    return suggest(fields, limit=3)


@login_required
def intake_assist(request):
    """The assist panel for the intake form as typed so far (an htmx fragment)."""
    if not policy.can(request.user, "cases.work_as_center"):
        raise PermissionDenied
    form = IntakeForm(request.GET, user=request.user)
    form.is_valid()  # only to read what parses; errors are the form's business on saving
    data = form.cleaned_data
    content = data.get("content") or request.GET.get("content", "")
    region, category = data.get("region"), data.get("category")
    context = {"articles": [], "duplicates": [], "routes": []}
    if len(content.strip()) >= MIN_TEXT:
        fields = {
            "content": content,
            "title": data.get("title", ""),
            "address": data.get("address", ""),
            "request_type": data.get("request_type", ""),
            "region": region,
            "category": category,
        }
        context["articles"] = knowledge_hits(content, region, request.user)
        context["routes"] = routing_suggestions(fields)
        context["duplicates"] = likely_duplicates(
            request.user, region=region, category=category, content=content
        )
    return render(request, "cases/_assist.html", context)
