"""Intake: register a case, and the ways it ends without a department."""

import datetime

from django.db import transaction
from django.utils import timezone

from cases import events
from cases.choices import DEAD_END_STATUSES, Action, Channel, RequestType, Urgency
from cases.models import Case
from cases.numbers import next_case_number
from cases.services.guards import (
    ensure_center,
    ensure_transition,
    lock_case,
    moment,
    require_text,
    status_words,
)
from core import policy
from core.errors import ActionForbidden, InvalidInput
from departments.models import Department

TRANSFER_KINDS = (Department.Kind.TRANSFER, Department.Kind.SUB_CENTER)
# A parent case must still be alive: merging into a dead end would never be called back.


def _choice(value: str, choices, field: str) -> str:
    if value not in choices.values:
        raise InvalidInput(
            f"{field} {value!r} is not one of {', '.join(choices.values)}", field=field
        )
    return value


@transaction.atomic
def register_case(
    *,
    actor,
    channel: str,
    request_type: str,
    content: str,
    category=None,
    title: str = "",
    citizen_name: str = "",
    citizen_phone: str = "",
    anonymous: bool = False,
    confidential: bool = False,
    address: str = "",
    region=None,
    urgency: str = Urgency.NORMAL,
    latitude: float | None = None,
    longitude: float | None = None,
    at: datetime.datetime | None = None,
) -> Case:
    """Register a citizen's demand from any channel (intake); coordinates are WGS84."""
    if not policy.can(actor, "cases.work_as_center"):
        raise ActionForbidden("only the center's agents and supervisors can register cases")
    at = moment(at)
    case = Case.objects.create(
        number=next_case_number(timezone.localdate(at)),
        channel=_choice(channel, Channel, "channel"),
        request_type=_choice(request_type, RequestType, "request_type"),
        urgency=_choice(urgency, Urgency, "urgency"),
        content=require_text(content, "content", "what the citizen asks for"),
        category=category,
        title=title.strip()[:200],
        citizen_name="" if anonymous else citizen_name.strip(),
        citizen_phone=citizen_phone.strip(),
        anonymous=anonymous,
        confidential=confidential,
        address=address.strip(),
        region=region,
        latitude=latitude,
        longitude=longitude,
        created_by=actor,
        created_at=at,
    )
    events.case_registered(case, actor=actor, at=at)
    return case


def _end(case, action, *, actor, what, **fields) -> Case:
    """Lock the case, check the table and save its final status; the caller writes the event."""
    case = lock_case(case)
    ensure_center(actor, case, what)
    case.status = ensure_transition(case, action)
    for name, value in fields.items():
        setattr(case, name, value)
    case.save(update_fields=["status", *fields, "updated_at"])
    return case


@transaction.atomic
def answer_case(
    case: Case, *, actor, answer: str, articles=(), at: datetime.datetime | None = None
) -> Case:
    """The agent answers the citizen directly, citing knowledge articles (first-contact)."""
    answer = require_text(answer, "answer", "the answer told to the citizen")
    articles = list(articles)
    case = _end(case, Action.ANSWER, actor=actor, what="answer cases", answer=answer)
    case.answered_with.set(articles)
    events.case_answered(case, actor=actor, articles=articles, at=moment(at))
    return case


@transaction.atomic
def transfer_case(
    case: Case, *, actor, to: Department, reason: str, at: datetime.datetime | None = None
) -> Case:
    """Hand the case to an emergency line (110/119/120/122) or another hotline (12333)."""
    if to is None or to.kind not in TRANSFER_KINDS:
        raise InvalidInput(
            f"{to} is not an emergency line or another hotline; transfer only there", field="to"
        )
    reason = require_text(reason, "reason", "the reason for the transfer")
    case = _end(case, Action.TRANSFER, actor=actor, what="transfer cases", transferred_to=to)
    events.case_transferred(case, actor=actor, to=to, reason=reason, at=moment(at))
    return case


@transaction.atomic
def invalidate_case(case: Case, *, actor, reason: str, at: datetime.datetime | None = None) -> Case:
    """Mark a silent, prank or test contact invalid, with the reason."""
    reason = require_text(reason, "reason", "the reason the case is invalid")
    case = _end(case, Action.INVALIDATE, actor=actor, what="mark cases invalid")
    events.case_invalidated(case, actor=actor, reason=reason, at=moment(at))
    return case


@transaction.atomic
def merge_case(case: Case, *, actor, parent: Case, at: datetime.datetime | None = None) -> Case:
    """Merge a duplicate into its parent; the child's citizen hears the parent's reply."""
    if parent is None or parent.pk == case.pk:
        raise InvalidInput(f"case {case.number} cannot be merged into itself", field="parent")
    first, second = sorted([case, parent], key=lambda c: c.pk)
    locked = {c.pk: lock_case(c) for c in (first, second)}  # both rows, in id order
    parent = locked[parent.pk]
    if parent.status in DEAD_END_STATUSES:
        raise InvalidInput(
            f"case {parent.number} is {status_words(parent.status)}; "
            "merge into a case that is still being handled",
            field="parent",
        )
    case = _end(locked[case.pk], Action.MERGE, actor=actor, what="merge cases", parent=parent)
    events.case_merged(case, actor=actor, parent=parent, at=moment(at))
    return case
