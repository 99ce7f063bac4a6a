"""After the reply: callbacks, the supervisors' decision queue (研判), reopening or parking, and
closing only on a callback or the recorded not-reached rule.

A replied case closes only when its citizen was reached and is not unsatisfied, or was not
reached after `HOTLINE_CALLBACK_ATTEMPTS` attempts on different days; the same holds for every
duplicate merged into it, which hears the parent's reply and closes with it. An unsatisfied or
unresolved verdict never closes a case: the agent reopens it or sends it to the decision queue,
where only a supervisor closes it, with a reason.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import events
from cases.choices import (
    Action,
    AssignmentRole,
    AssignmentStatus,
    CallbackChannel,
    Satisfaction,
    Status,
)
from cases.models import Callback, Case
from cases.services.dispatch import drive_case, new_assignment
from cases.services.guards import (
    ensure_center,
    ensure_supervisor,
    ensure_transition,
    lock_assignments,
    lock_case,
    moment,
    require_text,
    update,
)
from cases.services.handling import withdraw_pending_extensions
from cases.services.review import waiting_duplicates
from core.errors import InvalidInput, TransitionNotAllowed


def _ensure_rating(reached: bool, resolved, satisfaction: str, channel: str) -> None:
    if channel not in CallbackChannel.values:
        choices = ", ".join(CallbackChannel.values)
        raise InvalidInput(
            _("channel %(channel)r is not one of %(choices)s")
            % {"channel": channel, "choices": choices},
            field="channel",
        )
    if not reached and (resolved is not None or satisfaction):
        raise InvalidInput(
            _("a callback that did not reach the citizen has no rating"), field="satisfaction"
        )
    if reached and satisfaction not in Satisfaction.values:
        raise InvalidInput(
            _("say how satisfied the citizen is: one of %(choices)s")
            % {"choices": ", ".join(Satisfaction.values)},
            field="satisfaction",
        )


def is_unhappy(callback: Callback) -> bool:
    """The citizen was reached and is unsatisfied or says the problem is unresolved."""
    return callback.reached and (
        callback.satisfaction == Satisfaction.UNSATISFIED or callback.resolved is False
    )


@transaction.atomic
def record_callback(
    case: Case,
    *,
    actor,
    reached: bool,
    resolved: bool | None = None,
    satisfaction: str = "",
    note: str = "",
    channel: str = CallbackChannel.PHONE,
    at: datetime.datetime | None = None,
) -> Callback:
    """One attempt to reach the citizen (回访), by phone or the SMS survey: reached or not,
    resolved, satisfaction. `actor` None is an automatic channel (the SMS survey); its
    unsatisfied or unresolved answer sends a replied case to the decision queue at once."""
    at = moment(at)
    _ensure_rating(reached, resolved, satisfaction, channel)
    if actor is None and channel == CallbackChannel.PHONE:
        raise InvalidInput(_("a phone callback is recorded by an agent"), field="channel")
    case = lock_case(case)
    if actor is not None:
        ensure_center(actor, case, _("call citizens back"))
    ensure_transition(case, Action.CALLBACK)
    callback = Callback.objects.create(
        case=case,
        agent=actor,
        channel=channel,
        created_at=at,
        reached=reached,
        resolved=resolved,
        satisfaction=satisfaction,
        note=note,
    )
    if reached:
        update(case, resolved=resolved, satisfaction=satisfaction)
    events.callback_recorded(case, actor=actor, callback=callback, at=at)
    if actor is None and is_unhappy(callback) and case.status == Status.REPLIED:
        _refer(case, actor=None, note=note, at=at)
    return callback


# ---------------------------------------------------------------- the closing rule


def _callbacks_since_reply(case: Case) -> list[Callback]:
    rows = case.callbacks.order_by("created_at", "id")
    if case.replied_at:
        rows = rows.filter(created_at__gte=case.replied_at)
    return list(rows)


def closing_basis(case: Case) -> dict | None:
    """Why the case may close: the citizen reached and not unhappy, or not reached after the
    configured attempts on different days; None when neither is recorded yet (or unhappy)."""
    attempts = _callbacks_since_reply(case)
    reached = [c for c in attempts if c.reached]
    if reached:
        last = reached[-1]
        return None if is_unhappy(last) else {"basis": "callback", "attempts": len(attempts)}
    days = {timezone.localdate(c.created_at) for c in attempts}
    if len(days) >= settings.HOTLINE_CALLBACK_ATTEMPTS:
        return {"basis": "not_reached", "attempts": len(attempts)}
    return None


def _refusal(case: Case) -> str:
    attempts = _callbacks_since_reply(case)
    reached = [c for c in attempts if c.reached]
    if reached:
        return _(
            "case %(number)s: the citizen is unsatisfied or the problem unresolved; reopen the "
            "case or send it to the supervisors' decision"
        ) % {"number": case.number}
    return _(
        "case %(number)s closes only after a callback that reaches the citizen, or "
        "%(attempts)d attempts on different days (%(days)d so far)"
    ) % {
        "number": case.number,
        "attempts": settings.HOTLINE_CALLBACK_ATTEMPTS,
        "days": len({timezone.localdate(c.created_at) for c in attempts}),
    }


def _ensure_closable(case: Case, duplicates: list[Case]) -> list[tuple[Case, dict]]:
    """Each case's closing basis (the case's first), or a 409 naming the one that lacks it."""
    bases = []
    for row in [case, *duplicates]:
        basis = closing_basis(row)
        if basis is None:
            raise TransitionNotAllowed(_refusal(row), code="callback_required")
        bases.append((row, basis))
    return bases


def _close_duplicates(parent: Case, duplicates, bases: dict, *, actor, note: str, at) -> None:
    """The duplicates close with their parent: each a closing time and its own timeline line."""
    for duplicate in duplicates:
        update(duplicate, closed_at=at)
        basis = bases.get(duplicate.pk, {})
        events.case_closed(
            duplicate, actor=actor, note=note, basis=basis, with_parent=parent.number, at=at
        )


@transaction.atomic
def close_case(case: Case, *, actor, note: str = "", at: datetime.datetime | None = None) -> Case:
    """Close a replied case after its callback (or the not-reached rule), or an answered one."""
    at = moment(at)
    case = lock_case(case)
    ensure_center(actor, case, _("close cases"))
    target = ensure_transition(case, Action.CLOSE)
    duplicates, bases = [], {}
    if case.status == Status.REPLIED:
        duplicates = waiting_duplicates(case)
        bases = {row.pk: basis for row, basis in _ensure_closable(case, duplicates)}
    drive_case(case, target, closed_at=at)
    events.case_closed(case, actor=actor, note=note, basis=bases.get(case.pk, {}), at=at)
    _close_duplicates(case, duplicates, bases, actor=actor, note=note, at=at)
    return case


# ---------------------------------------------------------------- the decision queue (研判)


def _refer(case: Case, *, actor, note: str, at) -> Case:
    target = ensure_transition(case, Action.REFER_DECISION)
    drive_case(case, target)
    events.case_referred(case, actor=actor, note=note, at=at)
    return case


@transaction.atomic
def refer_to_decision(
    case: Case, *, actor, note: str = "", at: datetime.datetime | None = None
) -> Case:
    """Send an unsatisfied or unresolved case to the supervisors' decision queue (研判)."""
    at = moment(at)
    case = lock_case(case)
    ensure_center(actor, case, _("send cases to the supervisors' decision"))
    ensure_transition(case, Action.REFER_DECISION)
    return _refer(case, actor=actor, note=note, at=at)


@transaction.atomic
def conclude_case(case: Case, *, actor, reason: str, at: datetime.datetime | None = None) -> Case:
    """A supervisor closes a case from the decision queue, with the reason on record."""
    at = moment(at)
    reason = require_text(reason, "reason", _("the reason for closing"))
    case = lock_case(case)
    ensure_supervisor(actor, case, _("close cases from the decision queue"))
    target = ensure_transition(case, Action.CONCLUDE)
    duplicates = waiting_duplicates(case)
    drive_case(case, target, closed_at=at)
    events.case_concluded(case, actor=actor, reason=reason, at=at)
    basis = {"basis": "decision"}
    bases = {d.pk: basis for d in duplicates}
    _close_duplicates(case, duplicates, bases, actor=actor, note=reason, at=at)
    return case


@transaction.atomic
def park_case(case: Case, *, actor, reason: str, at: datetime.datetime | None = None) -> Case:
    """A supervisor parks a case from the decision queue as unresolvable (挂账), with a reason."""
    at = moment(at)
    reason = require_text(reason, "reason", _("the reason for parking"))
    case = lock_case(case)
    ensure_supervisor(actor, case, _("park cases"))
    if case.status != Status.DECISION:  # elsewhere a case parks past the reopen cap only
        raise TransitionNotAllowed(
            _("case %(number)s is %(status)s; only a case in the decision queue is parked by hand")
            % {"number": case.number, "status": case.get_status_display()}
        )
    target = ensure_transition(case, Action.PARK)
    drive_case(case, target, closed_at=at)
    events.case_parked(case, actor=actor, reason=reason, at=at)
    return case


# ---------------------------------------------------------------- reopening


def _last_department(case: Case, assignments):
    replied = [
        a
        for a in assignments.values()
        if a.role == AssignmentRole.MAIN and a.status == AssignmentStatus.REPLIED
    ]
    if not replied:
        raise TransitionNotAllowed(
            _("case %(number)s has no department reply to reopen") % {"number": case.number}
        )
    return replied[-1].department


def _reopen(case: Case, assignments, *, actor, reason: str, at) -> Case:
    if case.reopen_count >= settings.HOTLINE_MAX_REOPENS:
        target = ensure_transition(case, Action.PARK)
        drive_case(case, target, closed_at=at)
        events.case_parked(case, actor=actor, reason=reason, at=at)
        return case
    target = ensure_transition(case, Action.REOPEN)
    department = _last_department(case, assignments)
    main = new_assignment(
        case, department, role=AssignmentRole.MAIN, actor=actor, at=at, allow_return=False
    )
    # a request still pending on the case (a co-handler's) no longer applies: issue 14
    extensions = withdraw_pending_extensions(list(assignments.values()), at=at)
    drive_case(
        case, target, main, reopen_count=case.reopen_count + 1, closed_at=None, replied_at=None
    )
    events.case_reopened(
        case, actor=actor, assignment=main, reason=reason, extensions_withdrawn=extensions, at=at
    )
    return case


@transaction.atomic
def reopen_case(case: Case, *, actor, reason: str, at: datetime.datetime | None = None) -> Case:
    """Send an unresolved case back to its department (重办); past the cap, park it (挂账)."""
    at = moment(at)
    reason = require_text(reason, "reason", _("the reason for reopening"))
    case = lock_case(case)
    assignments = lock_assignments(case)
    ensure_supervisor(actor, case, _("reopen cases"))
    return _reopen(case, assignments, actor=actor, reason=reason, at=at)


def _reopen_on_the_citizens_word(case: Case, callback: Callback, *, actor, reason: str) -> None:
    """The agent reopens right after the citizen said unsatisfied or unresolved (the citizen's
    verdict, not the agent's: no supervisor needed); any other reopening is a supervisor's."""
    if not is_unhappy(callback):
        reopen_case(case, actor=actor, reason=reason)
        return
    reason = require_text(reason, "note", _("the reason for reopening"))
    case = lock_case(case)
    assignments = lock_assignments(case)
    _reopen(case, assignments, actor=actor, reason=reason, at=moment(None))


# What may follow a callback on the same form: nothing, closing, reopening, the decision queue.
CALLBACK_FOLLOW_UPS = ("", "close", "reopen", "decision")


@transaction.atomic  # not durable: an API call with an Idempotency-Key is the outer one
def complete_callback(
    case: Case,
    *,
    actor,
    reached: bool,
    resolved: bool | None = None,
    satisfaction: str = "",
    note: str = "",
    then: str = "",
    channel: str = CallbackChannel.PHONE,
) -> Callback:
    """Record a callback and, in the same transaction, close, reopen or send the case to the
    decision queue as the agent chose: a refused follow-up leaves no callback recorded either."""
    if then not in CALLBACK_FOLLOW_UPS:
        raise InvalidInput(
            _("after a callback: close, reopen, decision or nothing, not %(then)r")
            % {"then": then},
            field="then",
        )
    callback = record_callback(
        case,
        actor=actor,
        reached=reached,
        resolved=resolved,
        satisfaction=satisfaction,
        note=note,
        channel=channel,
    )
    if then == "close":
        close_case(case, actor=actor, note=note)
    elif then == "reopen":
        _reopen_on_the_citizens_word(case, callback, actor=actor, reason=note)
    elif then == "decision":
        refer_to_decision(case, actor=actor, note=note)
    return callback
