"""What each viewer sees of a citizen, and what a payload may carry: decided here, once.

- The center (agents, supervisors of the center or a sub-center) sees an ordinary caller's
  name and whole phone number: agents call citizens back all day.
- A confidential caller's name and phone, and an anonymous caller's phone, are hidden from the
  center too (the phone masked), until a center user reveals them explicitly with a reason
  (`reveal_citizen`); every reveal is a row of `PersonalDataAccess`, read by the auditor.
- A department sees the name and a masked phone (138****5678) of an ordinary case, and nothing
  of a confidential or anonymous caller. It can never reveal, nor search by phone number.
- Payloads that leave the hotline (webhooks, Open311, timeline data shown to departments)
  carry no identity key at all (`without_identity`).

Templates (`cases.templatetags.workbench`), serializers, exports, the work order, the timeline,
webhooks and Open311 call these functions; none of them masks by itself.
"""

from dataclasses import dataclass

from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _

from cases.choices import AttachmentSource
from cases.models import Case
from core import policy

# Keys of event data and payloads that hold a citizen's identity (prefix match).
IDENTITY_KEYS = ("citizen", "phone", "name", "caller")


def mask_phone(phone: str) -> str:
    """138****5678: the first three and the last four digits, the rest hidden."""
    if len(phone) < 8:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"


def sees_identity(user) -> bool:
    """The viewer belongs to the center, the only place a citizen's identity is shown."""
    return policy.can(user, "cases.see_identity")


def is_protected(case: Case) -> bool:
    """A caller who asked not to be known (confidential) or gave no name (anonymous)."""
    return case.confidential or case.anonymous


@dataclass(frozen=True)
class Identity:
    """The caller as one viewer may see them; `hidden` says whether a reveal would add more."""

    name: str
    phone: str
    hidden: bool


def identity(case: Case, *, center: bool, revealed: bool = False) -> Identity:
    """The caller's name and phone for a center (`center=True`) or department viewer.

    `revealed` only counts for the center, after `reveal_citizen` recorded the access.
    """
    return identity_of(
        case.citizen_name,
        case.citizen_phone,
        confidential=case.confidential,
        anonymous=case.anonymous,
        center=center,
        revealed=revealed,
    )


def identity_of(
    name: str,
    phone: str | None,
    *,
    confidential: bool,
    anonymous: bool,
    center: bool,
    revealed: bool = False,
) -> Identity:
    """`identity` from a case's columns (the list API reads rows, not cases)."""
    phone = phone or ""
    protected = confidential or anonymous
    if center:
        whole = revealed or not protected
        name = name if whole and not anonymous else ""
        return Identity(name=name, phone=phone if whole else mask_phone(phone), hidden=not whole)
    if protected:
        return Identity(name="", phone="", hidden=True)
    return Identity(name=name, phone=mask_phone(phone), hidden=True)


def identity_for(case: Case, user, *, revealed: bool = False) -> Identity:
    return identity(case, center=sees_identity(user), revealed=revealed)


def name_shown(case: Case, user, *, revealed: bool = False) -> str:
    """The name as a page shows it: "Anonymous", "Confidential reporter", the name or "—"."""
    if case.anonymous:
        return str(_("Anonymous"))
    shown = identity_for(case, user, revealed=revealed)
    if case.confidential and not shown.name:
        return str(_("Confidential reporter"))
    return shown.name or "—"


def phone_shown(case: Case, user, *, revealed: bool = False) -> str:
    """The phone as a page shows it: whole, masked, "Confidential" or "—"."""
    if not case.citizen_phone:
        return "—"
    shown = identity_for(case, user, revealed=revealed)
    return shown.phone or str(_("Confidential"))


def without_identity(data: dict | None) -> dict:
    """The data without any key naming the citizen (payloads, a department's timeline)."""
    return {k: v for k, v in (data or {}).items() if not k.startswith(IDENTITY_KEYS)}


def event_data_for(data: dict | None, *, center: bool) -> dict:
    """Event data as a viewer may read it: whole for the center, without identity otherwise."""
    return dict(data or {}) if center else without_identity(data)


def publicly_readable(queryset):
    """The cases the public may read (Open311): never a confidential caller's."""
    return queryset.filter(confidential=False)


def may_search_by_phone(user) -> bool:
    """Only the center searches by phone number (a department could unmask a caller)."""
    return policy.can(user, "cases.filter_by_phone")


def no_store(response):
    """Mark a response that shows a citizen's identity: no browser or proxy keeps a copy."""
    patch_cache_control(response, no_store=True, private=True, max_age=0)
    return response


def may_reveal(user) -> bool:
    """Center staff may reveal a protected caller's identity (recorded); departments never."""
    return policy.can(user, "cases.reveal_citizen")


def reveal_offered(case: Case, user) -> bool:
    """A reveal would show this viewer more of the caller (and they may reveal)."""
    return bool(case.citizen_phone) and identity_for(case, user).hidden and may_reveal(user)


def file_named_on_timeline(case: Case, source: str) -> bool:
    """A file's name may stand in the timeline, except a confidential reporter's own file
    (the citizen's or one the center added for them), whose name may say who they are."""
    return not (case.confidential and source != AttachmentSource.DEPARTMENT)


def may_be_looked_up(case: Case) -> bool:
    """The citizen's progress lookup proves who asks by the phone's last digits: an anonymous
    caller left no number to prove, so their case is never shown."""
    return not case.anonymous


def may_message_citizen(case: Case) -> bool:
    """Whether the hotline may text the caller about the case (notifications, the SMS survey).

    An anonymous caller gave no identity and a confidential reporter asked not to be known: a
    message on their phone could expose them, so they get none (the center calls them as they
    asked). Opt-outs and the number's kind are the notifications' own rules."""
    return not is_protected(case)
