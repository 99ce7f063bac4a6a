"""Intake: register a case, and the ways it ends without a department."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import events
from cases.choices import (
    DEAD_END_STATUSES,
    Action,
    Channel,
    RequestType,
    TransferDirection,
    TransferStatus,
    Urgency,
)
from cases.models import Case, Transfer
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
            _("%(field)s %(value)r is not one of %(choices)s")
            % {"field": field, "value": value, "choices": ", ".join(choices.values)},
            field=field,
        )
    return value


@transaction.atomic
def register_case(*, actor, **fields) -> Case:
    """Register a citizen's demand from any channel (intake): `create_case`'s fields, by the
    center's agents and supervisors only; coordinates are WGS84."""
    if not policy.can(actor, "cases.work_as_center"):
        raise ActionForbidden(_("only the center's agents and supervisors can register cases"))
    return create_case(actor=actor, **fields)


def create_case(
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
    """The registration itself, once the caller's right to register was checked (the center's
    intake, or a partner line's inbound transfer)."""
    at = moment(at)
    case = Case.objects.create(
        number=next_case_number(timezone.localdate(at)),
        channel=_choice(channel, Channel, "channel"),
        request_type=_choice(request_type, RequestType, "request_type"),
        urgency=_choice(urgency, Urgency, "urgency"),
        content=require_text(content, "content", _("what the citizen asks for")),
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
    answer = require_text(answer, "answer", _("the answer told to the citizen"))
    articles = list(articles)
    case = _end(case, Action.ANSWER, actor=actor, what=_("answer cases"), answer=answer)
    case.answered_with.set(articles)
    events.case_answered(case, actor=actor, articles=articles, at=moment(at))
    return case


def answer_due(at: datetime.datetime) -> datetime.datetime:
    """When a partner's answer to a transfer sent at `at` is due (clock hours)."""
    return at + datetime.timedelta(hours=settings.HOTLINE_TRANSFER_ANSWER_HOURS)


def open_transfer(case: Case, *, actor, to, reason: str, at: datetime.datetime) -> Transfer:
    """The record of an outbound transfer, waiting for the partner line's answer."""
    return Transfer.objects.create(
        case=case,
        partner=to,
        direction=TransferDirection.OUTBOUND,
        status=TransferStatus.SENT,
        reason=reason,
        sent_at=at,
        sent_by=actor,
        due_at=answer_due(at),
    )


@transaction.atomic
def transfer_case(
    case: Case, *, actor, to: Department, reason: str, at: datetime.datetime | None = None
) -> Case:
    """Hand the case to an emergency line (110/119/120/122) or another hotline (12333); the
    transfer record waits for the partner's acknowledgement and answer (`services.transfers`)."""
    if to is None or to.kind not in TRANSFER_KINDS:
        raise InvalidInput(
            _("%(to)s is not an emergency line or another hotline; transfer only there")
            % {"to": to},
            field="to",
        )
    reason = require_text(reason, "reason", _("the reason for the transfer"))
    at = moment(at)
    case = _end(case, Action.TRANSFER, actor=actor, what=_("transfer cases"), transferred_to=to)
    transfer = open_transfer(case, actor=actor, to=to, reason=reason, at=at)
    events.case_transferred(case, actor=actor, to=to, reason=reason, transfer=transfer, at=at)
    return case


@transaction.atomic
def invalidate_case(case: Case, *, actor, reason: str, at: datetime.datetime | None = None) -> Case:
    """Mark a silent, prank or test contact invalid, with the reason."""
    reason = require_text(reason, "reason", _("the reason the case is invalid"))
    case = _end(case, Action.INVALIDATE, actor=actor, what=_("mark cases invalid"))
    events.case_invalidated(case, actor=actor, reason=reason, at=moment(at))
    return case


@transaction.atomic
def merge_case(case: Case, *, actor, parent: Case, at: datetime.datetime | None = None) -> Case:
    """Merge a duplicate into its parent; the child's citizen hears the parent's reply."""
    if parent is None or parent.pk == case.pk:
        raise InvalidInput(
            _("case %(number)s cannot be merged into itself") % {"number": case.number},
            field="parent",
        )
    first, second = sorted([case, parent], key=lambda c: c.pk)
    locked = {c.pk: lock_case(c) for c in (first, second)}  # both rows, in id order
    parent = locked[parent.pk]
    if parent.status in DEAD_END_STATUSES:
        raise InvalidInput(
            _("case %(number)s is %(status)s; merge into a case that is still being handled")
            % {"number": parent.number, "status": status_words(parent.status)},
            field="parent",
        )
    case = _end(locked[case.pk], Action.MERGE, actor=actor, what=_("merge cases"), parent=parent)
    events.case_merged(case, actor=actor, parent=parent, at=moment(at))
    return case
