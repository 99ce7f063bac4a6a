"""Template helpers of the workbench: the menu the policy allows, the caller as
`cases.privacy` shows them, working time, the timeline's words."""

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from cases import privacy
from cases.choices import Channel, RequestType, Satisfaction, Status, Urgency
from cases.sla import office_day
from core import policy

register = template.Library()


# The menu's entries and the policy question each one asks.
MENU = {
    "intake": "cases.work_as_center",
    "inbox": "cases.work_as_center",
    "cases": "cases.list_cases",
    "callbacks": "cases.work_as_center",
    "transfers": "cases.see_transfers",
    "reviews": "cases.supervise_work",  # issue 14: the reply review queue
    "decisions": "cases.supervise_work",  # issue 14 (B): the decision queue (研判)
    "dashboards": "hotline.view_dashboards",
    "rules": "departments.change_rules",
    "root_causes": "hotline.view_root_causes",
    "integrations": "departments.open_integrations",
    "access_log": "cases.read_access_log",
    "lockouts": "departments.manage_center",
    "knowledge": "knowledgebase.browse",
    "knowledge_drafts": "knowledgebase.draft",
    "knowledge_review": "knowledgebase.review_queue",
    "knowledge_stale": "knowledgebase.work_queues",
}


@register.simple_tag
def menu_for(user) -> dict[str, bool]:
    """Which menu entries the viewer may open (`{% menu_for user as menu %}`): the policy's
    answers, so the menu never offers a page that would refuse them."""
    return {entry: policy.can(user, action) for entry, action in MENU.items()}


@register.filter
def citizen_name_for(case, user) -> str:
    """The citizen's name as this viewer may see it (`cases.privacy`)."""
    return privacy.name_shown(case, user)


@register.filter
def citizen_phone_for(case, user) -> str:
    """The phone number as this viewer may see it (`cases.privacy`)."""
    return privacy.phone_shown(case, user)


@register.filter
def reveal_offered(case, user) -> bool:
    """The viewer may reveal more of this caller than is shown (`cases.privacy`)."""
    return privacy.reveal_offered(case, user)


@register.filter
def working_duration(value) -> str:
    """Working time as people say it: days and hours ('3天6小时'), or hours and minutes under a
    day (a day being one office day)."""
    if value is None:
        return ""
    day = office_day().total_seconds()
    seconds = int(value.total_seconds())
    sign = "-" if seconds < 0 else ""
    days, rest = divmod(abs(seconds), int(day))
    hours, rest = divmod(rest, 3600)
    values = {"days": days, "hours": hours, "minutes": rest // 60}
    if days:
        shown = _("%(days)d d %(hours)d h") if hours else _("%(days)d d")
    else:
        shown = _("%(hours)d h %(minutes)d min") if hours else _("%(minutes)d min")
    return sign + shown % values


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
    "transfer_acknowledged": _("Transfer acknowledged by the partner line"),
    "transfer_answered": _("Transfer answered by the partner line"),
    "attachment_added": _("File added"),
    "citizen_information_added": _("The citizen added information"),
    # issue 14 (helper A)
    "reply_approved": _("Reply approved by the review"),
    "reply_sent_back": _("Reply sent back by the review"),
    "case_taken_back": _("Taken back by the center"),
    # issue 14 (B)
    "parent_replied": _("The parent case was replied"),
    "case_referred": _("Sent to the supervisors' decision"),
    "case_concluded": _("Closed by the supervisor's decision"),
    "supervision_accepted": _("Supervision answer accepted"),
    "supervision_sent_back": _("Supervision answer sent back"),
    "consultation_opened": _("Joint consultation opened"),
    "consultation_position": _("Position recorded"),
    "consultation_decided": _("Joint consultation decided"),
    "notification_attempt": _("Notification"),
    "sms_survey_closed": _("SMS survey ended"),
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
    "satisfaction": Satisfaction,
}


@register.filter
def label(value: str, kind: str) -> str:
    """A stored choice's label (`{{ case.status|label:"status" }}`): one translation lookup,
    where `get_status_display` translates the whole choice list on every row."""
    try:
        return CHOICE_CLASSES[kind](value).label
    except ValueError:
        return value


# --- the case list's rows, built in one pass (issue 18)


def _minute(value) -> str:
    """`|date:"Y-m-d H:i"` of an aware time, in the current time zone ("" for none)."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


@register.simple_tag
def case_list_rows(cases) -> str:
    """The case list's table rows (`{% case_list_rows page.items %}`): the same cells as a
    per-row template, without ~30 template nodes a row (a third of a 100-row page's time).
    The rows show no citizen's identity; `tests/cases/test_views_lists.py` compares the
    cells with the template they replace."""
    detail = reverse("cases:detail", args=["0000000000000"]).replace("0000000000000", "{}")
    rows = []
    for case in cases:  # escaped as format_html would (plain strings: no SafeString copies)
        urgency = ""
        if case.urgency != "normal":
            shown = escape(label(case.urgency, "urgency"))
            urgency = f' <span class="badge {escape(case.urgency)}">{shown}</span>'
        department = case.main_department
        department = (department.short_name or department) if department else "—"
        number = escape(case.number)
        rows.append(
            f'<tr><td><a href="{escape(detail.format(case.number))}">{number}</a>{urgency}</td>'
            f'<td class="num">{_minute(case.created_at)}</td>'
            f"<td>{escape(label(case.request_type, 'request_type'))}</td>"
            f"<td>{escape(case.category or '—')}</td><td>{escape(case.region or '—')}</td>"
            f"<td>{escape(Truncator(case.title or case.content).chars(48))}</td>"
            f"<td>{escape(label(case.status, 'status'))}</td><td>{escape(department)}</td>"
            f'<td class="{"num overdue" if case.is_overdue else "num"}">'
            f"{_minute(case.reply_due_at) or '—'}</td></tr>"
        )
    return mark_safe("".join(rows))
