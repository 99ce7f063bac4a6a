"""Reveal a protected caller's identity: allowed to the center, always recorded (PIPL)."""

from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Case, PersonalDataAccess
from cases.privacy import Identity, identity
from cases.services.guards import ensure_case_visible, require_text
from core import policy

REASON_MAX = 200


@transaction.atomic
def reveal_citizen(
    case: Case, *, actor, reason: str, channel: str = PersonalDataAccess.Channel.PAGE
) -> Identity:
    """The caller's whole identity for a center user, with a `PersonalDataAccess` row."""
    ensure_case_visible(actor, case)  # another department's case: 404 as ever
    reason = require_text(reason, "reason", _("the reason for revealing the caller"))[:REASON_MAX]
    policy.ensure(
        actor,
        "cases.reveal_citizen",
        case,
        message=_("case %(number)s: only the center can reveal a caller's identity")
        % {"number": case.number},
    )
    PersonalDataAccess.objects.create(case=case, user=actor, reason=reason, channel=channel)
    return identity(case, center=True, revealed=True)
