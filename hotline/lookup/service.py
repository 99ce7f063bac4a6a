"""Find a case by its number and the last four digits of the caller's phone, for the citizen.

One answer for every wrong pair: an unknown number and wrong digits get the same message and
status, so the lookup never tells whether a number exists. Wrong pairs are counted per client
address (`core.http.client_address`) and per case number (whether it exists or not) over a
rolling hour, in the default cache; past either limit every answer is "try again later", the
right pair included, so guessing stops paying. What the citizen reads (`CitizenView`) is the
status in plain words, the dates and the department's reply once given: never internal notes,
staff names or anyone else's data.
"""

import hmac
import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from cases import privacy
from cases.choices import (
    CALLBACK_STATUSES,
    CITIZEN_MAY_ADD_STATUSES,
    CITIZEN_STATUS_WORDS,
    FINISHED_STATUSES,
    OPEN_STATUSES,
    AssignmentRole,
)
from cases.models import Case
from core.errors import ApplicationError, InvalidInput

logger = logging.getLogger(__name__)

WINDOW = 3600  # seconds
NUMBER = re.compile(r"[0-9]{13}")
LAST4 = re.compile(r"[0-9]{4}")


class NoMatch(ApplicationError):
    """The same answer for an unknown number and for wrong digits."""

    code = "not_found"
    status_code = 404


class TooManyAttempts(ApplicationError):
    """Too many wrong pairs from this address, or for this number."""

    code = "rate_limited"
    status_code = 429


def no_match() -> NoMatch:
    return NoMatch(
        _(
            "No request matches this number and these digits. Check the number in the SMS "
            "you received and the last four digits of the phone you called from."
        )
    )


def too_many() -> TooManyAttempts:
    return TooManyAttempts(
        _("Too many attempts. Please try again in an hour, or call the 12345 hotline.")
    )


def clean_pair(number: str, phone_last4: str) -> tuple[str, str]:
    """The number and digits without spaces, or InvalidInput naming the field."""
    number = re.sub(r"\s", "", number or "")
    last4 = re.sub(r"\s", "", phone_last4 or "")
    if not NUMBER.fullmatch(number):
        raise InvalidInput(_("A request number is 13 digits."), field="number")
    if not LAST4.fullmatch(last4):
        raise InvalidInput(_("Enter the last four digits of your phone."), field="phone_last4")
    return number, last4


def find_case(number: str, phone_last4: str, *, client: str) -> Case:
    """The case the pair names, or NoMatch / TooManyAttempts (see the module's docstring)."""
    number, last4 = clean_pair(number, phone_last4)
    keys = (_key("addr", client), _key("case", number))
    limits = (
        settings.HOTLINE_LOOKUP_FAILURES_PER_ADDRESS,
        settings.HOTLINE_LOOKUP_FAILURES_PER_CASE,
    )
    if any(limit and _failures(key) >= limit for key, limit in zip(keys, limits, strict=True)):
        raise too_many()
    case = Case.objects.filter(number=number).first()
    if case is None or not _phone_matches(case, last4):
        for key in keys:
            _count(key)
        raise no_match()
    return case


def _phone_matches(case: Case, last4: str) -> bool:
    phone = re.sub(r"[^0-9]", "", case.citizen_phone or "")
    # An anonymous caller, or one without a phone, cannot be looked up (nothing to prove).
    if not privacy.may_be_looked_up(case) or len(phone) < 4:
        hmac.compare_digest("0000", last4)  # the same work as a real comparison
        return False
    return hmac.compare_digest(phone[-4:], last4)


def _key(kind: str, value: str) -> str:
    return f"lookup-failures:{kind}:{value}"


def _failures(key: str) -> int:
    try:
        return cache.get(key, 0)
    except Exception:  # a cache outage must not lock every citizen out
        logger.warning("could not read the lookup failure count: the cache is unreachable")
        return 0


def _count(key: str) -> None:
    try:
        if not cache.add(key, 1, timeout=WINDOW):
            cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=WINDOW)
    except Exception:
        logger.warning("could not count a lookup failure: the cache is unreachable")


@dataclass(frozen=True)
class CitizenView:
    """What the citizen reads about their own request."""

    number: str
    status: str
    registered_at: object
    reply_due_at: object
    replied_at: object
    closed_at: object
    reply: str
    open: bool


def citizen_view(case: Case) -> CitizenView:
    """The request in the citizen's words: no notes, no staff, no other citizen."""
    return CitizenView(
        number=case.number,
        status=str(CITIZEN_STATUS_WORDS.get(case.status, case.get_status_display())),
        registered_at=case.created_at,
        reply_due_at=case.reply_due_at if case.status in OPEN_STATUSES else None,
        replied_at=case.replied_at,
        closed_at=case.closed_at,
        reply=reply_text(case),
        open=case.status in CITIZEN_MAY_ADD_STATUSES,
    )


def reply_text(case: Case) -> str:
    """The answer told to the citizen: the center's direct answer, or the main department's
    reply once the case is past it (a reopened case shows nothing until the new reply)."""
    if case.answer:
        return case.answer
    if case.status not in (*CALLBACK_STATUSES, *FINISHED_STATUSES):
        return ""
    latest = (
        case.assignments.filter(role=AssignmentRole.MAIN)
        .exclude(reply_content="")
        .order_by("-replied_at")
        .values_list("reply_content", flat=True)
        .first()
    )
    return latest or ""
