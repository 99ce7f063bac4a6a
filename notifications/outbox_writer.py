"""The notifications' outbox writer: which messages an event asks for, written with it.

`enqueue_for_event` is registered with `core.outbox` (NotificationsConfig.ready) and runs inside
the transition's transaction, so a committed change always has its messages and a rolled-back
one has none. It only writes rows (the text filled from the supervisors' templates); whether a
citizen's SMS may go out (privacy, opt-out, mobile number, quiet hours, rate limit) is decided
at delivery, on the facts of that moment, and each decision lands on the timeline.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from cases.choices import AssignmentRole, ReplyResult, Status
from cases.events import EventType
from core.phones import is_mobile
from notifications import catalog, delivery
from notifications.models import Audience, Channel, MessageTemplate, Notification, TemplateKey
from notifications.policy import department_recipients

DEPARTMENT_EVENTS = {
    EventType.DISPATCHED: TemplateKey.DISPATCHED,
    EventType.REDISPATCHED: TemplateKey.DISPATCHED,
    EventType.URGED: TemplateKey.URGED,
    EventType.SUPERVISED: TemplateKey.SUPERVISED,
    EventType.REOPENED: TemplateKey.REOPENED,
}
# The events after which the department's reply reaches the citizen: the reply itself, once
# the case waits for its callback (a reply under the center's review does not: add the review's
# approval event, and the status check below keeps a reply under review from the citizen).
REPLY_REACHES_CITIZEN = {EventType.REPLIED, EventType.REPLY_APPROVED}
REPLY_SHOWN = 120  # characters of the department's reply an SMS carries


def site_url(path: str) -> str:
    return settings.HOTLINE_SITE_URL.rstrip("/") + path


def when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def enqueue_for_event(event) -> list[Notification]:
    """Write the messages `event` calls for (inside the caller's transaction)."""
    if event.type == EventType.REGISTERED:
        rows = _to_citizen(event, [TemplateKey.REGISTERED])
    elif event.type in REPLY_REACHES_CITIZEN and event.case.status == Status.REPLIED:
        rows = _to_citizen(event, [TemplateKey.REPLIED, TemplateKey.SURVEY])
    elif event.type in DEPARTMENT_EVENTS and event.assignment_id:
        rows = _to_department(event, DEPARTMENT_EVENTS[event.type])
    else:
        return []
    if any(row.status == Notification.Status.PENDING for row in rows):
        transaction.on_commit(delivery.kick_worker)
    return rows


def _templates(keys) -> dict[str, MessageTemplate]:
    found = {t.key: t for t in MessageTemplate.objects.filter(key__in=keys)}
    for key in keys:  # a template deleted by hand: the default text, never silence
        spec = catalog.SPECS[key]
        found.setdefault(key, MessageTemplate(key=key, subject=spec.subject, text=spec.text))
    return found


def _citizen_params(event, key: str) -> dict:
    case = event.case
    params = {"number": case.number, "lookup_url": site_url("/lookup/")}
    if key == TemplateKey.REPLIED:
        assignment = _the_reply(event)
        with translation.override("zh-hans"):  # the citizen reads Chinese, whoever replied
            params["result"] = str(ReplyResult(assignment.reply_result).label)
        reply = " ".join(assignment.reply_content.split())
        params["reply"] = reply if len(reply) <= REPLY_SHOWN else reply[: REPLY_SHOWN - 1] + "…"
    if key == TemplateKey.SURVEY:
        params["days"] = str(settings.HOTLINE_SMS_SURVEY_DAYS)
    return params


def _the_reply(event):
    """The main handler's replied assignment the event is about (or the case's latest one, for
    an event such as a review's approval that names no assignment); None for a co-handler's."""
    if event.assignment_id:
        assignment = event.assignment
        return assignment if assignment.role == AssignmentRole.MAIN else None
    return (
        event.case.assignments.filter(role=AssignmentRole.MAIN, replied_at__isnull=False)
        .order_by("-replied_at", "-id")
        .first()
    )


def _to_citizen(event, keys) -> list[Notification]:
    case = event.case
    if not case.citizen_phone:
        return []
    if event.type in REPLY_REACHES_CITIZEN and _the_reply(event) is None:
        return []
    templates = _templates(keys)
    first_try = delivery.citizen_sms_time(event.created_at)
    rows = []
    for key in keys:
        template = templates[key]
        params = _citizen_params(event, key)
        rows.append(
            Notification(
                case=case,
                event=event,
                template=key,
                channel=Channel.SMS,
                audience=Audience.CITIZEN,
                phone=case.citizen_phone,
                body=catalog.render(template.text, params),
                params=params,
                sms_template_id=template.sms_template_id,
                next_attempt_at=first_try,
                created_at=event.created_at,
            )
        )
    return Notification.objects.bulk_create(rows)


def _department_params(event, assignment) -> dict:
    case = event.case
    data = event.data or {}
    params = {
        "number": case.number,
        "title": case.title or case.content[:30],
        "case_url": site_url(reverse("cases:detail", args=[case.number])),
        "department": str(assignment.department.short_name or assignment.department.name),
        "sign_due": when(assignment.sign_due_at),
        "reply_due": when(assignment.reply_due_at),
        "note": data.get("note", ""),
        "reason": data.get("reason", ""),
    }
    if event.type == EventType.SUPERVISED:
        params["due"] = when(datetime.datetime.fromisoformat(data["due_at"]))
    allowed = catalog.SPECS[DEPARTMENT_EVENTS[event.type]].variables
    return {name: value for name, value in params.items() if name in allowed}


def _to_department(event, key: str) -> list[Notification]:
    assignment = event.assignment
    template = _templates([key])[key]
    params = _department_params(event, assignment)
    body = catalog.render(template.text, params)
    subject = catalog.render(template.subject, params)
    now = timezone.now()
    common = {
        "case": event.case,
        "event": event,
        "template": key,
        "audience": Audience.DEPARTMENT,
        "params": params,
        "body": body,
        "subject": subject,
        "created_at": event.created_at,
    }
    rows = []
    for user in department_recipients(assignment.department):
        rows.append(
            Notification(channel=Channel.IN_APP, user=user, status="sent", sent_at=now, **common)
        )
        if user.email:
            rows.append(Notification(channel=Channel.EMAIL, user=user, email=user.email, **common))
    liaison = assignment.department.phone
    if is_mobile(liaison):  # the department's liaison is reminded by SMS too
        rows.append(
            Notification(
                channel=Channel.SMS,
                phone=liaison,
                sms_template_id=template.sms_template_id,
                **common,
            )
        )
    return Notification.objects.bulk_create(rows)
