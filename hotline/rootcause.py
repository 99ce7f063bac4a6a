"""Root-cause tasks (每月一题): a hotspot handed to a department, answered, closed.

Supervisors create and close them; the department (and the departments above it) sees its own
tasks and answers them; other departments never see them (404, as for a case).
"""

import datetime

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core import policy
from core.errors import ActionForbidden, InvalidInput, NotFound, TransitionNotAllowed
from departments.models import Department
from hotline.models import RootCauseTask

Status = RootCauseTask.Status


def can_assign(user) -> bool:
    """Supervisors of the center hand hotspots to departments (`hotline.policy`)."""
    return policy.can(user, "hotline.assign_root_cause")


def visible_tasks(user) -> QuerySet[RootCauseTask]:
    """The tasks the user may see: all for the center, their subtree's for a department."""
    queryset = RootCauseTask.objects.select_related("department").annotate(n_cases=Count("cases"))
    return policy.scope(user, queryset)


def get_task_for(user, pk: int) -> RootCauseTask:
    """One task, or NotFound when it is missing or not the user's to see."""
    task = visible_tasks(user).filter(pk=pk).first()
    if task is None:
        raise NotFound(_("root-cause task %(pk)s not found") % {"pk": pk})
    return task


@transaction.atomic
def create_root_cause_task(
    *, actor, department: Department, title: str, finding: str, due_date: datetime.date, cases
) -> RootCauseTask:
    """A supervisor hands a hotspot, with the cases behind it, to a department."""
    if not can_assign(actor):
        raise ActionForbidden(_("Only supervisors hand hotspots to departments."))
    if due_date < timezone.localdate():
        raise InvalidInput(_("The due date is in the past."), field="due_date")
    task = RootCauseTask.objects.create(title=title, finding=finding, department=department,
                                        due_date=due_date, created_by=actor)  # fmt: skip
    task.cases.set(cases)
    return task


@transaction.atomic
def answer_root_cause_task(task: RootCauseTask, *, actor, answer: str) -> RootCauseTask:
    """The department says what it found and did; the task waits for the supervisor."""
    task = RootCauseTask.objects.select_for_update().get(pk=task.pk)
    get_task_for(actor, task.pk)  # scope: 404 for another department
    if not policy.can(actor, "hotline.answer_root_cause", task):
        raise ActionForbidden(_("The department answers its own task."))
    if task.status == Status.CLOSED:
        raise TransitionNotAllowed(_("This task is closed."))
    if not answer.strip():
        raise InvalidInput(_("Say what was found and done."), field="answer")
    task.answer, task.status = answer.strip(), Status.ANSWERED
    task.answered_by, task.answered_at = actor, timezone.now()
    task.save(update_fields=["answer", "status", "answered_by", "answered_at"])
    return task


@transaction.atomic
def close_root_cause_task(task: RootCauseTask, *, actor, reopen: bool = False) -> RootCauseTask:
    """The supervisor accepts the answer (closed) or sends the task back (open again)."""
    task = RootCauseTask.objects.select_for_update().get(pk=task.pk)
    if not can_assign(actor):
        raise ActionForbidden(_("Only supervisors close root-cause tasks."))
    if task.status != Status.ANSWERED:
        raise TransitionNotAllowed(_("Only an answered task can be closed or sent back."))
    task.status = Status.OPEN if reopen else Status.CLOSED
    task.save(update_fields=["status"])
    return task
