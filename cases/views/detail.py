"""The case page: summary, timeline, assignments with working time left, and allowed actions."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cases import privacy, services
from cases import timeline as tell
from cases.forms import AttachmentForm
from cases.models import Extension
from cases.privacy import no_store
from cases.selectors import (
    get_case_for,
    leader_instructions,
    visible_attachments,
    visible_consultations,
    visible_events,
    visible_supervisions,
    visible_transfers,
)
from cases.sla import working_time_between
from cases.views.actions import ACTIONS
from cases.views.filter_panel import keep_department_options
from core import policy
from core.errors import ApplicationError, NotFound, log_refusal


def case_for(user, number: str):
    """The case when the viewer may see it, else 404 (missing and not-yours look the same)."""
    try:
        return get_case_for(user, number)
    except NotFound as error:
        raise Http404(str(error)) from error


def time_left(due, now):
    """Working time until `due`; negative working time past it."""
    if due >= now:
        return working_time_between(now, due)
    return -working_time_between(due, now)


def assignment_rows(case, now) -> list[dict]:
    rows = []
    for assignment in case.assignments.select_related("department").order_by("dispatched_at"):
        open_ = assignment.is_active
        rows.append(
            {
                "assignment": assignment,
                "open": open_,
                "left": time_left(assignment.reply_due_at, now) if open_ else None,
                "overdue": open_ and assignment.reply_due_at < now,
                # missed: still unsigned past the deadline, or signed after it (red either way)
                "sign_overdue": assignment.is_sign_overdue,
            }
        )
    return rows


def timeline(case, center: bool, user) -> list:
    """The events the viewer may see, each told as a sentence (`cases.timeline`)."""
    events = list(visible_events(user, case))
    datas = [
        privacy.event_data_for(e.data if isinstance(e.data, dict) else {}, center=center)
        for e in events
    ]
    names = tell.names_for(datas)
    for event, data in zip(events, datas, strict=True):
        event.sentence = tell.sentence(event.type, data, names)
        # issue 14: a line of its own for the extension requests the action withdrew
        event.extensions_withdrawn = len((event.data or {}).get("extensions_withdrawn") or [])
    return events


def action_forms(case, user, bound=None) -> list:
    """The allowed actions with their forms; `bound` replaces one with the posted form."""
    names = [name for name in services.allowed_actions(case, user) if name in ACTIONS]
    if bound is not None and bound[0] not in names:
        names.append(bound[0])  # a refused action stays on the page with its reason
    rows = []
    for name in names:
        if bound is not None and bound[0] == name:
            rows.append((ACTIONS[name], bound[1]))
        else:
            rows.append(
                (ACTIONS[name], ACTIONS[name].form(case=case, user=user, auto_id=f"{name}_%s"))
            )
        keep_department_options(rows[-1][1])
    return rows


def render_case(
    request, case, *, bound=None, status=200, revealed=None, reveal_form=None, attach_form=None
):
    now = timezone.now()
    user = request.user
    center = privacy.sees_identity(user)
    context = {
        "case": case,
        "center": center,
        "revealed": revealed,
        "may_reveal": privacy.reveal_offered(case, user),
        "reveal_form": reveal_form or RevealForm(),
        "assignments": assignment_rows(case, now),
        "events": timeline(case, center, user),
        "callbacks": (
            list(case.callbacks.select_related("agent"))
            if policy.can(user, "cases.see_callbacks", case)
            else []
        ),
        "extensions": list(
            Extension.objects.filter(assignment__case=case).select_related("assignment__department")
        ),
        "supervisions": list(visible_supervisions(user).filter(case=case)),
        "transfers": list(visible_transfers(user).filter(case=case)),
        "instructions": list(leader_instructions(user, case)),
        "consultations": list(visible_consultations(user).filter(case=case)),
        "merged": list(case.merged_cases.only("number", "status")),
        # the knowledge articles a direct answer cites, as far as the viewer may open them
        "cited_articles": (
            list(policy.scope(user, case.answered_with.only("pk", "title").order_by("pk")))
            if case.answer
            else []
        ),
        "attachments": list(visible_attachments(user, case).select_related("uploaded_by")),
        "may_attach": policy.can(user, "cases.add_attachment", case),
        "attach_form": attach_form or AttachmentForm(),
        "actions": action_forms(case, request.user, bound),
        "open_action": bound[0] if bound else "",
        "next": safe_next(request),
    }
    return no_store(render(request, "cases/detail.html", context, status=status))


@login_required
def case_detail(request, number: str):
    """One case as the viewer may see it."""
    return render_case(request, case_for(request.user, number))


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why do you need the caller's identity?"), max_length=200, strip=True
    )


@login_required
@require_POST
def reveal_citizen(request, number: str):
    """Show a protected caller's whole number to a center user, recording who, when and why."""
    case = case_for(request.user, number)
    form = RevealForm(request.POST)
    if not form.is_valid():
        return render_case(request, case, reveal_form=form, status=400)
    try:
        revealed = services.reveal_citizen(
            case, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except ApplicationError as error:
        add_domain_error(form, error)
        return render_case(request, case, reveal_form=form, status=error.status_code)
    return render_case(request, case, revealed=revealed)


@login_required
def action_form(request, number: str, name: str):
    """One allowed action's blank form, as a fragment (the callback queue loads it on demand)."""
    case = case_for(request.user, number)
    if name not in ACTIONS or name not in services.allowed_actions(case, request.user):
        raise Http404(f"no action {name} on case {number} for this user")
    action = ACTIONS[name]
    form = action.form(case=case, user=request.user, auto_id=f"{number}_{name}_%s")
    keep_department_options(form)
    context = {"case": case, "action": action, "form": form, "next": safe_next(request)}
    return render(request, "cases/_action_form.html", context)


@login_required
@require_POST
def case_action(request, number: str, name: str):
    """Run one action on a case through its service; a refusal re-shows the form with the reason."""
    case = case_for(request.user, number)
    action = ACTIONS.get(name)
    if action is None:
        raise Http404(f"no action {name}")
    form = action.form(
        request.POST, request.FILES, case=case, user=request.user, auto_id=f"{name}_%s"
    )
    status = 400
    if name not in services.allowed_actions(case, request.user):
        form.add_error(None, _("This action is not available on this case now."))
        status = 409
    elif form.is_valid():
        try:
            action.run(case, request.user, form.cleaned_data)  # one service, one transaction
        except ApplicationError as error:
            add_domain_error(form, error)
            status = error.status_code
        else:
            messages.success(request, action.done)
            return redirect(next_url(request, case))
    return render_case(request, case_for(request.user, number), bound=(name, form), status=status)


def add_domain_error(form, error: ApplicationError) -> None:
    """Show a service's refusal on the form: on its field when the form has one."""
    log_refusal(error)
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def safe_next(request) -> str:
    """The `next` address given with the request, when it points inside this site."""
    target = request.POST.get("next") or request.GET.get("next", "")
    return target if url_has_allowed_host_and_scheme(target, {request.get_host()}) else ""


def next_url(request, case) -> str:
    return safe_next(request) or reverse("cases:detail", args=[case.number])
