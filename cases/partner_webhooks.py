"""The partner lines hear about their transfers: an outbox writer (`core.outbox`).

The departments' webhooks find who an event concerns through the assignments; a partner line
holds none. This writer, registered by `CasesConfig.ready`, adds the partner's rows in the same
transaction: a transfer addressed to it (`case_transferred`), and the answer to a case it sent
(the direct answer, the main department's reply, the closing). The partner then reads the
transfer (`GET /api/v1/transfers/{id}/`) for the text.
"""

from cases.choices import AssignmentRole, Channel, TransferDirection
from cases.events import EventType
from cases.models import Transfer
from departments import webhooks

# The events that answer an inbound transfer's sender.
ANSWER_EVENTS = frozenset(
    {EventType.ANSWERED, EventType.REPLIED, EventType.REPLY_APPROVED, EventType.CLOSED}
)
PARTNER_EVENTS = ANSWER_EVENTS | {EventType.TRANSFERRED}


def partners_concerned(event) -> set[int]:
    """The partner lines (department ids) the event concerns."""
    if event.type == EventType.TRANSFERRED:
        return set(
            Transfer.objects.filter(pk=event.data.get("transfer")).values_list(
                "partner_id", flat=True
            )
        )
    if event.case.channel != Channel.TRANSFER:
        return set()
    if event.type == EventType.REPLIED and event.data.get("role") != AssignmentRole.MAIN:
        return set()  # a co-handler's part is not the answer
    inbound = Transfer.objects.filter(case_id=event.case_id, direction=TransferDirection.INBOUND)
    return set(inbound.values_list("partner_id", flat=True))


def enqueue_for_partners(event):
    """Outbox rows for the partner lines the event concerns (inside the transition)."""
    if event.type not in PARTNER_EVENTS:
        return []
    partners = partners_concerned(event)
    return webhooks.enqueue_for_departments(event, partners) if partners else []
