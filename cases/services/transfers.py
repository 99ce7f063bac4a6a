"""Two-way transfers: the partner line acknowledges and answers; partners send cases in.

Outbound (`transfer_case` opens the record): the partner line addressed (110/119/120/122,
12333 …) acknowledges it (received) and answers it (handled, with its result text) through the
API with its own token; the answer puts the case on the callback queue (replied), exactly like
a department's reply: the center still owes the citizen a callback on what was done.

Inbound (`receive_transfer`): a partner line hands the hotline a matter that is not its own (a
non-police matter from 110, a 12333 question needing a city department); it becomes a case with
channel `transfer` and the sender's reference, handled like any other; its answer goes back to
the sender (readable on the transfer; a webhook when the partner registered one).
"""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from cases import events
from cases.choices import Action, Channel, TransferDirection, TransferStatus
from cases.models import Case, Transfer
from cases.services.guards import ensure_transition, lock_case, moment, require_text, update
from cases.services.intake import create_case
from cases.services.permissions import TRANSFER_STEP_FROM
from core import policy
from core.errors import ActionForbidden, InvalidInput, NotFound, TransitionNotAllowed
from departments.policy import partner_lines

REFERENCE_MAX = 64


def _lock(transfer: Transfer, *, actor, what: str) -> tuple[Case, Transfer]:
    """Lock the case, then the transfer; 404 for another line's transfer, 403 for the center."""
    if not policy.can(actor, "cases.view_transfer", transfer):
        raise NotFound(_("transfer %(id)s not found") % {"id": transfer.pk})
    case = lock_case(Case(pk=transfer.case_id))
    if not policy.can(actor, "cases.handle_transfer", transfer):
        raise ActionForbidden(
            _("case %(number)s: only the partner line %(partner)s can %(what)s")
            % {"number": case.number, "partner": transfer.partner, "what": what}
        )
    return case, transfer


def _locked_row(transfer: Transfer, case: Case, *, allowed: tuple[str, ...]) -> Transfer:
    row = Transfer.objects.select_for_update().filter(pk=transfer.pk).first()
    if row is None or row.direction != TransferDirection.OUTBOUND or row.status not in allowed:
        status = row.get_status_display() if row else _("not sent")
        raise TransitionNotAllowed(
            _("case %(number)s: the transfer to %(partner)s is %(status)s")
            % {"number": case.number, "partner": transfer.partner, "status": status}
        )
    row.case = case
    return row


@transaction.atomic
def acknowledge_transfer(
    transfer: Transfer, *, actor, reference: str = "", at: datetime.datetime | None = None
) -> Transfer:
    """The partner line says it received the transfer (with its own reference, if any)."""
    at = moment(at)
    case, transfer = _lock(transfer, actor=actor, what=_("acknowledge this transfer"))
    ensure_transition(case, Action.ACKNOWLEDGE_TRANSFER)
    transfer = _locked_row(transfer, case, allowed=TRANSFER_STEP_FROM[Action.ACKNOWLEDGE_TRANSFER])
    reference = (reference or "").strip()[:REFERENCE_MAX] or transfer.reference
    update(transfer, status=TransferStatus.RECEIVED, received_at=at, reference=reference)
    events.transfer_acknowledged(case, actor=actor, transfer=transfer, at=at)
    return transfer


@transaction.atomic
def answer_transfer(
    transfer: Transfer, *, actor, answer: str, at: datetime.datetime | None = None
) -> Transfer:
    """The partner line says what it did; the case goes on to the callback queue."""
    at = moment(at)
    answer = require_text(answer, "answer", _("what the partner line did"))
    case, transfer = _lock(transfer, actor=actor, what=_("answer this transfer"))
    target = ensure_transition(case, Action.ANSWER_TRANSFER)
    transfer = _locked_row(transfer, case, allowed=TRANSFER_STEP_FROM[Action.ANSWER_TRANSFER])
    update(
        transfer,
        status=TransferStatus.HANDLED,
        received_at=transfer.received_at or at,
        answered_at=at,
        answered_by=actor,
        answer=answer,
    )
    update(case, status=target, replied_at=at)
    events.transfer_answered(case, actor=actor, transfer=transfer, at=at)
    return transfer


def _sender(actor):
    if not policy.can(actor, "cases.send_transfer"):
        raise ActionForbidden(_("only a partner line's system can send the hotline a transfer"))
    return partner_lines(actor)[0]


@transaction.atomic
def receive_transfer(
    *, actor, reference: str, fields: dict, at: datetime.datetime | None = None
) -> Transfer:
    """A partner line hands the hotline a matter: a new case with channel `transfer`."""
    at = moment(at)
    partner = _sender(actor)
    reference = require_text(reference, "reference", _("the sender's reference"))
    if len(reference) > REFERENCE_MAX:
        raise InvalidInput(
            _("the reference has at most %(max)s characters") % {"max": REFERENCE_MAX},
            field="reference",
        )
    earlier = Transfer.objects.filter(
        partner=partner, direction=TransferDirection.INBOUND, reference=reference
    ).select_related("case")
    if earlier.exists():
        raise InvalidInput(
            _("reference %(reference)s was already received as case %(number)s")
            % {"reference": reference, "number": earlier.first().case.number},
            field="reference",
        )
    case = create_case(actor=actor, channel=Channel.TRANSFER, at=at, **fields)
    return Transfer.objects.create(
        case=case,
        partner=partner,
        direction=TransferDirection.INBOUND,
        status=TransferStatus.RECEIVED,
        reference=reference,
        sent_at=at,
        sent_by=actor,
        received_at=at,
    )
