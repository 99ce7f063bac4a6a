"""Template helpers of the workbench: the viewer's roles, and what a department may see."""

from django import template
from django.utils.translation import gettext_lazy as _

from cases.selectors import is_center_staff
from hotline.roles import user_roles

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
def duration(value) -> str:
    """A timedelta as '2d 3h 15m' (days of 24 hours), with a minus sign when negative."""
    if value is None:
        return ""
    seconds = int(value.total_seconds())
    sign = "-" if seconds < 0 else ""
    minutes = abs(seconds) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{days}d"] if days else []
    parts += [f"{hours}h"] if hours or days else []
    parts.append(f"{minutes}m")
    return sign + " ".join(parts)
