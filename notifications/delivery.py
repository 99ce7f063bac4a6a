"""Delivering the outbox: SMS through the gateway, e-mail through Django's mail backend.

`deliver_due` takes the rows that are due (from the Celery task, or the
`deliver_notifications` command without a broker; beat runs it every
HOTLINE_NOTIFY_DELIVERY_INTERVAL seconds), claims each one with a conditional UPDATE (two
workers never send one row), and records every try on the row and on the case's timeline
(`notification_attempt`, the center's). A failure waits base × 2^(attempts-1) seconds (at most
an hour) and is tried again until HOTLINE_NOTIFY_MAX_ATTEMPTS, then the row is failed.

Before a citizen's SMS leaves, the rules of that moment decide: the privacy filter
(`cases.privacy.may_message_citizen`: anonymous and confidential callers get nothing), the
citizen's opt-out, a mobile number (`core.phones.is_mobile`), the daily limit per number, and
the quiet hours (no SMS to citizens at night: the row waits for the morning, no try counted).
"""

import datetime
import logging
import smtplib
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from cases import events, privacy
from cases.choices import DeadlineUnit
from cases.sla import add_working_time
from core.phones import is_mobile
from notifications import sms
from notifications.models import (
    Audience,
    Channel,
    Notification,
    OptOut,
    SmsSurvey,
    TemplateKey,
)

DELIVERY_TASK = "notifications.deliver_notifications"  # notifications.tasks
LEASE = timedelta(seconds=60)  # while one worker sends a row, the others leave it alone
logger = logging.getLogger(__name__)
Status = Notification.Status


class Skip(Exception):
    """The message must not go out; `reason` is the timeline's wording."""


# --- quiet hours --------------------------------------------------------------------------------


def quiet_hours() -> tuple[datetime.time, datetime.time] | None:
    """HOTLINE_SMS_QUIET_HOURS ("21:00-08:00", local time) as (start, end); None: no quiet."""
    span = (settings.HOTLINE_SMS_QUIET_HOURS or "").strip()
    if not span:
        return None
    start, end = (datetime.time.fromisoformat(part.strip()) for part in span.split("-"))
    return start, end


def _quiet(local: datetime.datetime, start, end) -> bool:
    now = local.time()
    return (now >= start or now < end) if start > end else start <= now < end


def citizen_sms_time(moment: datetime.datetime) -> datetime.datetime:
    """`moment`, or the end of the quiet hours it falls in (the next morning)."""
    hours = quiet_hours()
    local = timezone.localtime(moment)
    if hours is None or not _quiet(local, *hours):
        return moment
    start, end = hours
    day = local.date()
    if start > end and local.time() >= start:
        day += timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, end), local.tzinfo)


# --- the worker ---------------------------------------------------------------------------------


def kick_worker() -> None:
    """Ask for a delivery pass now when a broker runs (otherwise cron's command comes by)."""
    if not settings.CELERY_BROKER_URL:
        return
    try:
        current_app.send_task(DELIVERY_TASK, retry=False)
    except Exception:  # the rows wait for beat's next pass
        logger.warning("notification worker not reachable; messages stay in the outbox")


def backoff(attempts: int) -> timedelta:
    base = settings.HOTLINE_NOTIFY_BACKOFF_SECONDS
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 3600))


def _claim(row: Notification, now) -> bool:
    taken = Notification.objects.filter(
        pk=row.pk, status=Status.PENDING, attempts=row.attempts, next_attempt_at__lte=now
    ).update(next_attempt_at=now + LEASE, attempts=row.attempts + 1)
    row.attempts += 1
    return taken == 1


def deliver_due(*, limit: int = 100, now: datetime.datetime | None = None) -> dict[str, int]:
    """Send the messages due at `now`; how many were sent, are retrying, failed or skipped."""
    now = now or timezone.now()
    due = list(
        Notification.objects.select_related("case")
        .filter(status=Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")[:limit]
    )
    counts = {"sent": 0, "retrying": 0, "failed": 0, "skipped": 0, "waiting": 0}
    for row in due:
        if _claim(row, now):
            counts[deliver(row, now)] += 1
    return counts


def deliver(row: Notification, now: datetime.datetime) -> str:
    """Try one claimed row and record the outcome: sent, retrying, failed, skipped, waiting."""
    try:
        if row.channel == Channel.SMS and row.audience == Audience.CITIZEN:
            _check_citizen_rules(row, now)
            later = citizen_sms_time(now)
            if later != now:  # quiet hours: wait for the morning, no try counted
                Notification.objects.filter(pk=row.pk).update(
                    next_attempt_at=later, attempts=row.attempts - 1
                )
                return "waiting"
        outcome = _send(row)
    except Skip as skip:
        return _record(row, now, Status.SKIPPED, reason=str(skip))
    if outcome.ok:
        row.provider_id = outcome.provider_id
        return _record(row, now, Status.SENT)
    if row.attempts >= settings.HOTLINE_NOTIFY_MAX_ATTEMPTS:
        return _record(row, now, Status.FAILED, reason=outcome.error)
    row.next_attempt_at = now + backoff(row.attempts)
    return _record(row, now, Status.PENDING, reason=outcome.error)


def _check_citizen_rules(row: Notification, now) -> None:
    if not privacy.may_message_citizen(row.case):
        raise Skip("the caller is anonymous or confidential")
    if OptOut.objects.filter(phone=row.phone).exists():
        raise Skip("the citizen opted out")
    if not is_mobile(row.phone):
        raise Skip("not a mobile number")
    sent_today = Notification.objects.filter(
        channel=Channel.SMS,
        phone=row.phone,
        status=Status.SENT,
        sent_at__gte=now - timedelta(days=1),
    ).count()
    if sent_today >= settings.HOTLINE_SMS_PER_NUMBER_PER_DAY:
        raise Skip("daily limit for this number reached")


def _send(row: Notification) -> sms.Outcome:
    if row.channel == Channel.SMS:
        if not sms.configured():
            raise Skip("no SMS gateway configured")
        return sms.send(
            phone=row.phone,
            template_id=row.sms_template_id,
            params=row.params,
            text=row.body,
            out_id=row.pk,
        )
    return _send_email(row)


def _send_email(row: Notification) -> sms.Outcome:
    try:
        connection = get_connection(timeout=settings.HOTLINE_NOTIFY_EMAIL_TIMEOUT)
        EmailMessage(
            row.subject or row.body[:60], row.body, to=[row.email], connection=connection
        ).send()
    except (smtplib.SMTPException, OSError) as error:
        logger.info("e-mail %s failed: %r", row.pk, error)
        return sms.Outcome(
            False,
            error="timeout"
            if isinstance(error, TimeoutError)
            else "mail server refused or unreachable",
        )
    return sms.Outcome(True)


@transaction.atomic
def _record(row: Notification, now, status: str, *, reason: str = "") -> str:
    """Save the try on the row and on the timeline (and open the survey a sent question asks)."""
    row.status, row.last_error = status, reason[:200]
    if status == Status.SENT:
        row.sent_at = now
    if status != Status.PENDING:
        row.next_attempt_at = now
    row.save(update_fields=["status", "last_error", "sent_at", "next_attempt_at", "provider_id"])
    events.notification_attempt(
        row.case,
        channel=row.channel,
        template=row.template,
        audience=row.audience,
        attempt=row.attempts,
        result="retrying" if status == Status.PENDING else status,
        reason=reason,
        at=now,
    )
    if status == Status.SENT and row.template == TemplateKey.SURVEY:
        SmsSurvey.objects.create(
            case=row.case,
            notification=row,
            phone=row.phone,
            sent_at=now,
            due_at=add_working_time(
                now, settings.HOTLINE_SMS_SURVEY_DAYS, DeadlineUnit.WORKING_DAYS
            ),
        )
    return {Status.SENT: "sent", Status.FAILED: "failed", Status.SKIPPED: "skipped"}.get(
        status, "retrying"
    )


def seconds_until_next_due() -> float | None:
    """How long until the next waiting message is due (None when the outbox is empty)."""
    next_at = (
        Notification.objects.filter(status=Status.PENDING)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    return None if next_at is None else max((next_at - timezone.now()).total_seconds(), 0)
