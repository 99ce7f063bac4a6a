"""What the department does with a signed case: progress, extensions and the reply."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from cases import events, sla
from cases.choices import (
    Action,
    AssignmentRole,
    DeadlineStage,
    DeadlineUnit,
    Decision,
    ReplyResult,
)
from cases.models import Assignment, Case, Extension
from cases.services.dispatch import drive_case, ensure_co_open
from cases.services.guards import (
    ensure_assignment_move,
    ensure_department,
    ensure_supervisor,
    ensure_transition,
    lock_assignment,
    moment,
    require_text,
    update,
)
from cases.services.review import pass_reply, review_applies
from core.errors import InvalidInput, TransitionNotAllowed


def _guard(assignment: Assignment, case: Case, action: Action, what: str):
    """The case's table row for the main department; co-handlers need an open case."""
    if assignment.role == AssignmentRole.MAIN:
        target = ensure_transition(case, action)
    else:
        ensure_co_open(case, what)
        target = None
    ensure_assignment_move(assignment, case, action)
    return target


@transaction.atomic
def add_progress(
    assignment: Assignment, *, actor, note: str, at: datetime.datetime | None = None
) -> Assignment:
    """The department notes what it has done so far (kept on the timeline)."""
    at = moment(at)
    note = require_text(note, "note", _("the progress note"))
    case, assignment, __ = lock_assignment(assignment)
    ensure_department(actor, assignment, case, _("add progress"))
    _guard(assignment, case, Action.ADD_PROGRESS, _("add progress"))
    assignment.save(update_fields=["updated_at"])
    events.progress_added(assignment, actor=actor, note=note, at=at)
    return assignment


def extension_policy(case: Case) -> sla.Policy:
    """The longest extension (`limit`) and how many per assignment (`max_count`)."""
    return sla.policy_for(DeadlineStage.EXTENSION, request_type=case.request_type)


def _ensure_extension_allowed(assignment: Assignment, case: Case, days: int) -> None:
    limit = extension_policy(case)
    if not isinstance(days, int) or not 1 <= days <= limit.limit:
        raise InvalidInput(
            _("an extension is 1 to %(days)s working days") % {"days": limit.limit},
            field="days",
        )
    if assignment.extensions.filter(status=Decision.PENDING).exists():
        raise TransitionNotAllowed(
            _("case %(number)s: an extension request is already waiting for a decision")
            % {"number": case.number}
        )
    if assignment.extensions.filter(status=Decision.APPROVED).count() >= limit.max_count:
        raise TransitionNotAllowed(
            _(
                "case %(number)s: %(count)s extensions were already granted for this "
                "assignment; no more are allowed"
            )
            % {"number": case.number, "count": limit.max_count}
        )


def withdraw_pending_extensions(assignments, *, at: datetime.datetime) -> list[int]:
    """End the pending extension requests of these assignments (the reply, a take-back or a
    reopen made them moot); the ids go into that action's timeline entry."""
    pending = Extension.objects.select_for_update().filter(
        assignment__in=[a.pk for a in assignments], status=Decision.PENDING
    )
    ids = list(pending.values_list("pk", flat=True))
    if ids:
        Extension.objects.filter(pk__in=ids).update(
            status=Decision.WITHDRAWN,
            decided_at=at,
            decision_note=_("Withdrawn automatically: the request no longer applies."),
        )
    return ids


@transaction.atomic
def request_extension(
    assignment: Assignment,
    *,
    actor,
    reason: str,
    days: int,
    at: datetime.datetime | None = None,
) -> Extension:
    """The department asks for a later reply deadline (延期), with a reason."""
    at = moment(at)
    reason = require_text(reason, "reason", _("the reason for the extension"))
    case, assignment, __ = lock_assignment(assignment)
    ensure_department(actor, assignment, case, _("request an extension"))
    _guard(assignment, case, Action.REQUEST_EXTENSION, _("request an extension"))
    _ensure_extension_allowed(assignment, case, days)
    extension = Extension.objects.create(
        assignment=assignment,
        reason=reason,
        days=days,
        requested_by=actor,
        requested_at=at,
        previous_due_at=assignment.reply_due_at,
    )
    events.extension_requested(assignment, actor=actor, extension=extension, at=at)
    return extension


@transaction.atomic
def decide_extension(
    extension: Extension,
    *,
    actor,
    approve: bool,
    note: str = "",
    at: datetime.datetime | None = None,
) -> Extension:
    """A supervisor approves (the reply deadline moves) or rejects an extension."""
    at = moment(at)
    case, assignment, __ = lock_assignment(extension.assignment)
    ensure_supervisor(actor, case, _("decide extensions"))
    if assignment.role == AssignmentRole.MAIN:
        ensure_transition(case, Action.DECIDE_EXTENSION)
    else:
        ensure_co_open(case, _("get an extension"))
    extension = Extension.objects.select_for_update().get(pk=extension.pk)
    if extension.status != Decision.PENDING:
        raise TransitionNotAllowed(
            _("case %(number)s: this extension was already decided") % {"number": case.number}
        )
    if approve:
        new_due = sla.add_working_time(
            assignment.reply_due_at, extension.days, DeadlineUnit.WORKING_DAYS
        )
        update(assignment, reply_due_at=new_due, extension_count=assignment.extension_count + 1)
        if assignment.role == AssignmentRole.MAIN:
            drive_case(case, case.status, reply_due_at=new_due)
    update(
        extension,
        status=Decision.APPROVED if approve else Decision.REJECTED,
        decided_by=actor,
        decided_at=at,
        decision_note=note,
        new_due_at=new_due if approve else None,
    )
    events.extension_decided(assignment, actor=actor, extension=extension, approve=approve, at=at)
    return extension


@transaction.atomic
def reply_assignment(
    assignment: Assignment,
    *,
    actor,
    result: str,
    content: str,
    at: datetime.datetime | None = None,
) -> Assignment:
    """The department's result (答复): resolved, explained or unresolved, and the citizen's text.

    The reply waits for the center's review where the review policy says so (a main reply
    only); otherwise it is approved at once and the case goes to the callback queue.
    """
    at = moment(at)
    if result not in ReplyResult.values:
        raise InvalidInput(
            _("result %(result)r is not one of %(choices)s")
            % {"result": result, "choices": ", ".join(ReplyResult.values)},
            field="result",
        )
    content = require_text(content, "content", _("the reply to the citizen"))
    case, assignment, assignments = lock_assignment(assignment)
    ensure_department(actor, assignment, case, _("reply"))
    target = _guard(assignment, case, Action.REPLY, _("reply"))
    status = ensure_assignment_move(assignment, case, Action.REPLY)
    update(
        assignment,
        status=status,
        reply_content=content,
        replied_at=at,
        replied_by=actor,
        reply_result=result,
    )
    withdrawn = withdraw_pending_extensions([assignment], at=at)
    if target:
        drive_case(case, target, replied_at=at)
    reviewed = assignment.role == AssignmentRole.MAIN and review_applies(case, assignment)
    if not reviewed:
        pass_reply(case, assignment, assignments)
    late = at > assignment.reply_due_at
    events.assignment_replied(
        assignment,
        actor=actor,
        result=result,
        late=late,
        review=reviewed,
        extensions_withdrawn=withdrawn,
        at=at,
    )
    return assignment
