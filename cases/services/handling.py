"""What the department does with a signed case: progress, extensions and the reply."""

import datetime

from django.db import transaction

from cases import events, sla
from cases.choices import (
    Action,
    AssignmentRole,
    DeadlineStage,
    DeadlineUnit,
    Decision,
    KnockOn,
    ReplyResult,
)
from cases.models import Assignment, Case, Extension
from cases.services.callback import tell_duplicates
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
    note = require_text(note, "note", "the progress note")
    case, assignment, _ = lock_assignment(assignment)
    ensure_department(actor, assignment, case, "add progress")
    _guard(assignment, case, Action.ADD_PROGRESS, "add progress")
    assignment.save(update_fields=["updated_at"])
    events.progress_added(assignment, actor=actor, note=note, at=at)
    return assignment


def _ensure_extension_allowed(assignment: Assignment, case: Case, days: int) -> None:
    limit = sla.policy_for(DeadlineStage.EXTENSION, request_type=case.request_type)
    if not isinstance(days, int) or not 1 <= days <= limit.limit:
        raise InvalidInput(f"an extension is 1 to {limit.limit} working days", field="days")
    open_or_granted = assignment.extensions.exclude(status=Decision.REJECTED)
    if open_or_granted.filter(status=Decision.PENDING).exists():
        raise TransitionNotAllowed(
            f"case {case.number}: an extension request is already waiting for a decision"
        )
    if open_or_granted.count() >= sla.MAX_EXTENSIONS:
        raise TransitionNotAllowed(
            f"case {case.number}: {sla.MAX_EXTENSIONS} extensions were already granted "
            "for this assignment; no more are allowed"
        )


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
    reason = require_text(reason, "reason", "the reason for the extension")
    case, assignment, _ = lock_assignment(assignment)
    ensure_department(actor, assignment, case, "request an extension")
    _guard(assignment, case, Action.REQUEST_EXTENSION, "request an extension")
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
    case, assignment, _ = lock_assignment(extension.assignment)
    ensure_supervisor(actor, case, "decide extensions")
    if assignment.role == AssignmentRole.MAIN:
        ensure_transition(case, Action.DECIDE_EXTENSION)
    else:
        ensure_co_open(case, "get an extension")
    extension = Extension.objects.select_for_update().get(pk=extension.pk)
    if extension.status != Decision.PENDING:
        raise TransitionNotAllowed(f"case {case.number}: this extension was already decided")
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
    """The department's result (答复): resolved, explained or unresolved, and the citizen's text."""
    at = moment(at)
    if result not in ReplyResult.values:
        raise InvalidInput(
            f"result {result!r} is not one of {', '.join(ReplyResult.values)}", field="result"
        )
    content = require_text(content, "content", "the reply to the citizen")
    case, assignment, assignments = lock_assignment(assignment)
    ensure_department(actor, assignment, case, "reply")
    target = _guard(assignment, case, Action.REPLY, "reply")
    reply = {"replied_at": at, "replied_by": actor, "reply_result": result}
    # the district center's assignment it came through is replied with it (a knock-on)
    parent = assignments.get(assignment.parent_id)
    for row, step in [(assignment, Action.REPLY), (parent, KnockOn.REPLY_THROUGH)]:
        if row is not None:
            status = ensure_assignment_move(row, case, step)
            update(row, status=status, reply_content=content, **reply)
    if target:
        drive_case(case, target, replied_at=at)
        tell_duplicates(case, assignment, at=at)  # issue 14 (B): merged cases hear the reply
    late = at > assignment.reply_due_at
    events.assignment_replied(assignment, actor=actor, result=result, late=late, at=at)
    return assignment
