"""Pages of root-cause tasks: hand a hotspot to a department, list, answer, close."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.filtersets import CaseFilterSet
from cases.models import Case
from core import policy
from core.errors import ApplicationError, NotFound
from departments.models import Department
from hotline import rootcause
from hotline.dashboards import hotspots
from hotline.dashboards.tables import case_list_url
from hotline.models import RootCauseTask

DEFAULT_DAYS = 30
CASES_SHOWN = 200


class NewTaskForm(forms.Form):
    """Which department, by when, and what to call it."""

    department = forms.ModelChoiceField(
        Department.objects.exclude(kind=Department.Kind.TRANSFER).order_by("path"),
        label=gettext_lazy("department"),
    )
    due_date = forms.DateField(label=gettext_lazy("due date"),
                               widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    title = forms.CharField(label=gettext_lazy("title"), max_length=200)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=gettext_lazy("What was found and done"),
                             widget=forms.Textarea(attrs={"rows": 6}))  # fmt: skip


def _finding(request) -> hotspots.Rising:
    dimension, code = request.GET.get("dimension", ""), request.GET.get("code", "")
    for r in hotspots.rising():
        if r.dimension == dimension and r.obj.code == code:
            return r
    raise Http404("this hotspot is not rising now")


def _cases_of(finding: hotspots.Rising):
    return CaseFilterSet(hotspots.case_params(finding), queryset=Case.objects.all()).qs


@login_required
def new_task(request):
    """A supervisor hands the cases behind a hotspot to a department."""
    if not rootcause.can_assign(request.user):
        raise PermissionDenied(_("Only supervisors hand hotspots to departments."))
    finding = _finding(request)
    cases = _cases_of(finding)
    initial = {"due_date": timezone.localdate() + datetime.timedelta(days=DEFAULT_DAYS),
               "title": f"{finding.obj.name}：{hotspots.describe(finding)}"}  # fmt: skip
    form = NewTaskForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            task = rootcause.create_root_cause_task(
                actor=request.user, finding=hotspots.statistics(finding), cases=cases,
                **form.cleaned_data,
            )  # fmt: skip
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The task was handed to %(department)s.")
                             % {"department": task.department})  # fmt: skip
            return redirect("dashboards:rootcause_detail", pk=task.pk)
    context = {"form": form, "finding": finding, "count": cases.count(),
               "cases_url": case_list_url(hotspots.case_params(finding)),
               "sentence": hotspots.describe(finding),
               "stats": hotspots.statistics(finding)}  # fmt: skip
    return render(request, "dashboards/rootcause_new.html", context)


@login_required
def task_list(request):
    """Open tasks first (answered ones waiting for the supervisor), then the closed ones."""
    if not policy.can(request.user, "hotline.view_root_causes"):
        raise PermissionDenied
    state = request.GET.get("status", "open")
    states = {"open": [RootCauseTask.Status.OPEN, RootCauseTask.Status.ANSWERED],
              "closed": [RootCauseTask.Status.CLOSED]}  # fmt: skip
    tasks = rootcause.visible_tasks(request.user).filter(
        status__in=states.get(state, states["open"])
    )
    context = {
        "tasks": tasks[:200],
        "state": state,
        "can_assign": rootcause.can_assign(request.user),
    }
    return render(request, "dashboards/rootcause_list.html", context)


def _task(user, pk: int) -> RootCauseTask:
    try:
        return rootcause.get_task_for(user, pk)
    except NotFound as error:
        raise Http404(str(error)) from error


@login_required
def task_detail(request, pk: int):
    """One task: the finding, its cases; the department answers, the supervisor closes."""
    task = _task(request.user, pk)
    form = AnswerForm(request.POST or None, initial={"answer": task.answer})
    if request.method == "POST":
        try:
            with transaction.atomic():
                _act(request, task, form)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            if not form.errors:
                return redirect("dashboards:rootcause_detail", pk=task.pk)
    may_answer = policy.can(request.user, "hotline.answer_root_cause", task)
    cases = task.cases.order_by("-created_at")[:CASES_SHOWN]
    context = {"task": task, "form": form, "cases": cases,
               "may_answer": may_answer and task.status != RootCauseTask.Status.CLOSED,
               "may_close": rootcause.can_assign(request.user)
               and task.status == RootCauseTask.Status.ANSWERED}  # fmt: skip
    return render(request, "dashboards/rootcause_detail.html", context,
                  status=400 if form.errors else 200)  # fmt: skip


def _act(request, task, form) -> None:
    action = request.POST.get("action")
    if action in ("close", "reopen"):
        rootcause.close_root_cause_task(task, actor=request.user, reopen=action == "reopen")
        messages.success(request, _("The task was closed.") if action == "close" else
                         _("The task was sent back to the department."))  # fmt: skip
    elif form.is_valid():
        rootcause.answer_root_cause_task(
            task, actor=request.user, answer=form.cleaned_data["answer"]
        )
        messages.success(request, _("Your answer was saved."))
