"""Template helpers of the workbench: the viewer's roles, and what a department may see."""

from django import template
from django.utils.translation import gettext_lazy as _

from cases.choices import Channel, RequestType, Status, Urgency
from cases.sla import office_day
from core.roles import user_roles
from departments.memberships import is_center_staff

register = template.Library()


def mask_phone(phone: str) -> str:
    """138****5678: the first three and the last four digits, the rest hidden."""
    if len(phone) < 8:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"


@register.simple_tag
def roles_of(user) -> set[str]:
    """The viewer's roles (`{% roles_of user as roles %}`), superusers counted as center staff."""
    roles = set(user_roles(user))
    if user.is_authenticated and user.is_superuser:
        roles |= {"agent", "supervisor"}
    return roles


@register.simple_tag
def center_view(user) -> bool:
    """True when the viewer works for the center and may see the citizen's identity."""
    return is_center_staff(user)


@register.filter
def citizen_name_for(case, user) -> str:
    """The citizen's name as this viewer may see it."""
    if case.anonymous:
        return _("Anonymous")
    if case.confidential and not is_center_staff(user):
        return _("Confidential reporter")
    return case.citizen_name or "—"


@register.filter
def citizen_phone_for(case, user) -> str:
    """The phone number: whole for the center, masked for departments, hidden when confidential."""
    if not case.citizen_phone:
        return "—"
    if is_center_staff(user):
        return case.citizen_phone
    if case.confidential or case.anonymous:
        return _("Confidential")
    return mask_phone(case.citizen_phone)


@register.filter
def working_duration(value) -> str:
    """Working time as working days and hours ('2d 3h 15m', a day being one office day)."""
    if value is None:
        return ""
    day = office_day().total_seconds()
    seconds = int(value.total_seconds())
    sign = "-" if seconds < 0 else ""
    days, rest = divmod(abs(seconds), int(day))
    hours, rest = divmod(rest, 3600)
    parts = [f"{days}d"] if days else []
    parts += [f"{hours}h"] if hours or days else []
    parts.append(f"{rest // 60}m")
    return sign + " ".join(parts)


EVENT_LABELS = {
    "case_registered": _("Registered"),
    "case_answered": _("Answered directly"),
    "case_transferred": _("Transferred"),
    "case_invalidated": _("Marked invalid"),
    "case_merged": _("Merged"),
    "case_dispatched": _("Dispatched"),
    "assignment_redispatched": _("Re-dispatched"),
    "assignment_signed": _("Signed for"),
    "assignment_returned": _("Returned"),
    "return_accepted": _("Return accepted"),
    "return_rejected": _("Return rejected"),
    "dispute_opened": _("Jurisdiction dispute opened"),
    "dispute_decided": _("Jurisdiction dispute decided"),
    "extension_requested": _("Extension requested"),
    "extension_decided": _("Extension decided"),
    "progress_added": _("Progress"),
    "assignment_replied": _("Replied"),
    "callback_recorded": _("Callback"),
    "case_reopened": _("Reopened"),
    "case_parked": _("Parked as unresolvable"),
    "case_closed": _("Closed"),
    "assignment_urged": _("Urged"),
    "supervision_opened": _("Supervision order opened"),
    "supervision_answered": _("Supervision order answered"),
}


@register.filter
def event_label(event_type: str) -> str:
    """The timeline entry's name for people (the stored type when it is a new one)."""
    return EVENT_LABELS.get(event_type, event_type.replace("_", " "))


@register.filter
def person(user) -> str:
    """A person's name as written in Chinese (family name first), else the username."""
    if user is None:
        return _("the system")
    return f"{user.last_name}{user.first_name}".strip() or user.username


CHOICE_CLASSES = {
    "status": Status,
    "request_type": RequestType,
    "urgency": Urgency,
    "channel": Channel,
}


@register.filter
def label(value: str, kind: str) -> str:
    """A stored choice's label (`{{ case.status|label:"status" }}`): one translation lookup,
    where `get_status_display` translates the whole choice list on every row."""
    try:
        return CHOICE_CLASSES[kind](value).label
    except ValueError:
        return value
