"""Supervisors' pages for responsibility rules: list, edit (versioned), simulate, returns."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.routing.feedback import rule_trouble
from cases.routing.forms import DaysForm, PeriodForm, ReasonForm, RuleForm
from cases.routing.simulation import simulate
from core import policy
from core.errors import ApplicationError
from departments import rule_services
from departments.models import ResponsibilityRule

PAGE_SIZES = (25, 50, 100)
STATES = {
    "active": Q(is_active=True, is_draft=False),
    "draft": Q(is_active=True, is_draft=True),
    "inactive": Q(is_active=False),
}


def supervisor_required(view):
    """Signed in and a supervisor, else 403."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if not policy.can(request.user, "departments.change_rules"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__, wrapped.__doc__ = view.__name__, view.__doc__
    return wrapped


def _rules(params) -> tuple:
    rules = ResponsibilityRule.objects.select_related("category", "region", "department")
    state = params.get("state", "active")
    rules = rules.filter(STATES.get(state, STATES["active"]))
    query = (params.get("q") or "").strip()
    if query:
        rules = rules.filter(
            Q(name__icontains=query)
            | Q(category__name__icontains=query)
            | Q(department__name__icontains=query)
            | Q(source_document__icontains=query)
        )
    rules = rules.annotate(draft_count=Count("drafts", filter=Q(drafts__is_active=True)))
    return rules.order_by("priority", "id"), state, query


@supervisor_required
def rule_list(request):
    """The rules, filtered by state and words, a page at a time."""
    rules, state, query = _rules(request.GET)
    asked = request.GET.get("per_page", "")
    size = int(asked) if asked.isdigit() and int(asked) in PAGE_SIZES else PAGE_SIZES[0]
    page = Paginator(rules, size).get_page(request.GET.get("page"))
    context = {"page": page, "state": state, "query": query, "page_sizes": PAGE_SIZES, "size": size}
    return render(request, "departments/rules_list.html", context)


def _save(request, form: RuleForm, rule: ResponsibilityRule | None):
    draft = request.POST.get("intent") == "draft"
    fields, reason = form.rule_fields(), form.cleaned_data["reason"]
    if rule is None:
        return rule_services.create_rule(
            actor=request.user, fields=fields, reason=reason, draft=draft
        )
    return rule_services.change_rule(
        rule, actor=request.user, fields=fields, reason=reason, draft=draft
    )


def _edit(request, rule: ResponsibilityRule | None):
    form = RuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        try:
            saved = _save(request, form, rule)
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Rule saved: %(name)s") % {"name": saved.name})
            return redirect("routing:rule", pk=saved.pk)
    return render(request, "departments/rules_form.html", {"form": form, "rule": rule})


@supervisor_required
def rule_new(request):
    """A new rule: in force at once, or a draft to simulate first."""
    return _edit(request, None)


@supervisor_required
def rule_edit(request, pk: int):
    """Change a rule (or save the change as a draft)."""
    return _edit(request, get_object_or_404(ResponsibilityRule, pk=pk))


@supervisor_required
def rule_detail(request, pk: int):
    """One rule, its drafts and every revision with who and why."""
    rule = get_object_or_404(
        ResponsibilityRule.objects.select_related("category", "region", "department", "replaces"),
        pk=pk,
    )
    context = {
        "rule": rule,
        "revisions": rule.revisions.select_related("changed_by"),
        "drafts": rule.drafts.filter(is_active=True),
        "reason_form": ReasonForm(),
    }
    return render(request, "departments/rules_detail.html", context)


def _act(request, pk: int, service, done: str):
    rule = get_object_or_404(ResponsibilityRule, pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why."))
        return redirect("routing:rule", pk=pk)
    try:
        rule = service(rule, actor=request.user, reason=form.cleaned_data["reason"])
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("routing:rule", pk=pk)
    messages.success(request, done % {"name": rule.name})
    return redirect("routing:rule", pk=rule.pk)


@require_POST
@supervisor_required
def rule_publish(request, pk: int):
    """Put a draft in force."""
    return _act(request, pk, rule_services.publish_rule, _("Published: %(name)s"))


@require_POST
@supervisor_required
def rule_deactivate(request, pk: int):
    """Take a rule out of use."""
    return _act(request, pk, rule_services.deactivate_rule, _("Deactivated: %(name)s"))


@supervisor_required
def rule_simulation(request):
    """Replay the last N days of closed cases against the draft rules."""
    form = DaysForm(request.GET or {"days": 30})
    result = simulate(form.cleaned_data["days"]) if form.is_valid() else None
    return render(request, "departments/rules_simulate.html", {"form": form, "result": result})


@supervisor_required
def rule_returns(request):
    """The rules with the most accepted returns and disputes in a period."""
    today = timezone.localdate()
    initial = {"since": today - datetime.timedelta(days=30), "until": today}
    form = PeriodForm(request.GET or initial)
    rows = []
    if form.is_valid():
        since, until = form.bounds()
        rows = rule_trouble(since=since, until=until)
    return render(request, "departments/rules_returns.html", {"form": form, "rows": rows})
