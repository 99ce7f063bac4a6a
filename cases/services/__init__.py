"""Every change of a case is one of these services (one transaction, one timeline event).

`from cases import services` then `services.dispatch_case(case, actor=..., department=...)`.
Each service locks the rows it changes (the case first, then its assignments by id), checks the
transition table in `cases.choices.TRANSITIONS`, the actor's role and scope, and raises a
`core.errors` exception naming the case, its state and what is allowed. Every service also
takes `at=`: the instant of the transition, `now` by default; only backfills (the demo data)
pass it, so that their timelines are real ones laid out in the past.
"""

from cases.services.attachments import add_attachment, add_citizen_information
from cases.services.callback import (
    close_case,
    complete_callback,
    conclude_case,
    park_case,
    record_callback,
    refer_to_decision,
    reopen_case,
)
from cases.services.consultation import decide_consultation, open_consultation, record_position
from cases.services.dispatch import (
    decide_dispute,
    dispatch_case,
    open_dispute,
    redispatch_assignment,
    return_assignment,
    review_return,
    sign_assignment,
)
from cases.services.handling import (
    add_progress,
    decide_extension,
    reply_assignment,
    request_extension,
)
from cases.services.intake import (
    answer_case,
    invalidate_case,
    merge_case,
    register_case,
    transfer_case,
)
from cases.services.permissions import allowed_actions
from cases.services.register import INTAKE_VERBS, register_and_act
from cases.services.reveal import reveal_citizen
from cases.services.review import approve_reply, send_back_reply  # issue 14: reply review
from cases.services.supervision import (
    answer_supervision,
    review_supervision,
    supervise_case,
    urge_assignment,
)
from cases.services.takeback import take_back_case  # issue 14: take back and reassign
from cases.services.transfers import acknowledge_transfer, answer_transfer, receive_transfer

__all__ = [
    "INTAKE_VERBS",
    "acknowledge_transfer",
    "add_attachment",
    "add_citizen_information",
    "add_progress",
    "allowed_actions",
    "answer_case",
    "answer_supervision",
    "answer_transfer",
    "approve_reply",
    "close_case",
    "complete_callback",
    "conclude_case",
    "decide_consultation",
    "decide_dispute",
    "decide_extension",
    "dispatch_case",
    "invalidate_case",
    "merge_case",
    "open_consultation",
    "open_dispute",
    "park_case",
    "receive_transfer",
    "record_callback",
    "record_position",
    "redispatch_assignment",
    "refer_to_decision",
    "register_and_act",
    "register_case",
    "reopen_case",
    "reply_assignment",
    "request_extension",
    "return_assignment",
    "reveal_citizen",
    "review_return",
    "review_supervision",
    "send_back_reply",
    "sign_assignment",
    "supervise_case",
    "take_back_case",
    "transfer_case",
    "urge_assignment",
]
