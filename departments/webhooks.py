"""Webhooks: an outbox written with the change, delivered later with a signature and retries.

`enqueue_for_event` is this app's outbox writer (`core.outbox`, registered in
`DepartmentsConfig.ready()`): the case event constructors call it inside the transition's
transaction, so a committed change always has its outbox rows and a rolled-back one has none.
`deliver_due` posts the due rows (from the Celery task, or the `deliver_webhooks` command when
no broker is configured), signs each body with the endpoint's secret, and on failure retries
with an exponential backoff until `HOTLINE_WEBHOOK_MAX_ATTEMPTS`. The rows are the delivery log.

Receivers check `X-Hotline-Signature: sha256=<hex>`, the HMAC-SHA256 of
`"<X-Hotline-Timestamp>.<raw body>"` keyed with the endpoint's secret.
"""

import hashlib
import hmac
import json
import logging
import secrets
import urllib.error
import urllib.request
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import InvalidInput
from departments.models import Department, WebhookDelivery, WebhookEndpoint
from departments.tokens import ensure_can_manage

DELIVERY_TASK = "departments.deliver_webhooks"  # departments.tasks.deliver_webhooks
logger = logging.getLogger(__name__)

# The timeline events a department hears about (cases.events.EventType values).
WEBHOOK_EVENTS = frozenset(
    {
        "case_dispatched",
        "assignment_redispatched",
        "assignment_urged",
        "supervision_opened",
        "case_reopened",
        "return_accepted",
        "return_rejected",
        "extension_decided",
    }
)
# While one worker posts a row, others leave it alone for this long.
LEASE = timedelta(seconds=60)


def _setting(name: str, default):
    return getattr(settings, name, default)


def new_secret() -> str:
    """A signing secret for a new endpoint."""
    return secrets.token_hex(32)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header value for a body sent at `timestamp`."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def _valid_url(url: str) -> str:
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as error:
        raise InvalidInput(str(_("Enter the full URL of your receiver.")), field="url") from error
    return url


def register_endpoint(department: Department, *, actor, url: str) -> WebhookEndpoint:
    """Register (or replace) the department's endpoint: HTTPS (HTTP to localhost in dev/tests)."""
    ensure_can_manage(actor, department)
    url = _valid_url(url)
    local = url.startswith(("http://127.0.0.1", "http://localhost"))
    trial = _setting("DEBUG", False) or _setting("TESTING", False)
    if not (url.startswith("https://") or (local and trial)):
        raise InvalidInput(str(_("A webhook URL must start with https://.")), field="url")
    WebhookEndpoint.objects.filter(department=department, is_active=True).update(is_active=False)
    return WebhookEndpoint.objects.create(department=department, url=url, secret=new_secret())


# --- the outbox ------------------------------------------------------------------------------


def _departments_concerned(event) -> set[int]:
    if event.assignment_id and event.type != "case_dispatched":
        return {event.assignment.department_id}
    return set(
        # `active()`: the assignment table's open statuses (cases.models.AssignmentQuerySet)
        event.case.assignments.active().values_list("department_id", flat=True)
    )


def payload_for(event) -> dict:
    """What a department's system receives: the event, never the citizen's identity."""
    return {
        "event": event.type,
        "event_id": event.pk,
        "occurred_at": event.created_at.isoformat(),
        "case": {"number": event.case.number, "status": event.case.status},
        "assignment": event.assignment_id,
        "data": {k: v for k, v in (event.data or {}).items() if "citizen" not in k},
    }


def enqueue_for_event(event) -> list[WebhookDelivery]:
    """Write outbox rows for the endpoints the event concerns (inside the caller's transaction)."""
    if event.type not in WEBHOOK_EVENTS:
        return []
    endpoints = WebhookEndpoint.objects.filter(
        is_active=True, department_id__in=_departments_concerned(event)
    )
    payload = payload_for(event)
    rows = WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(endpoint=e, event_type=event.type, payload=payload) for e in endpoints]
    )
    if rows and _setting("CELERY_BROKER_URL", ""):
        transaction.on_commit(_kick_worker)
    return rows


def _kick_worker() -> None:
    """Ask for one delivery pass now, so the event goes out promptly (it starts no chain).

    By the task's name: departments.tasks imports this module, not the other way round."""
    try:
        current_app.send_task(DELIVERY_TASK, retry=False)  # a dead broker must not hold the request
    except Exception:  # the rows wait for beat's next deliver-webhooks run
        logger.warning("webhook worker not reachable; deliveries stay in the outbox")


# --- delivery --------------------------------------------------------------------------------


def backoff(attempts: int) -> timedelta:
    """The wait before the next try: base × 2^(attempts-1), at most an hour."""
    base = _setting("HOTLINE_WEBHOOK_BACKOFF_SECONDS", 30)
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 3600))


def _claim(delivery: WebhookDelivery) -> bool:
    """Take the row for this worker (portable: a conditional UPDATE, no row lock needed)."""
    taken = WebhookDelivery.objects.filter(
        pk=delivery.pk, status=WebhookDelivery.Status.PENDING, attempts=delivery.attempts
    ).update(next_attempt_at=timezone.now() + LEASE, attempts=delivery.attempts + 1)
    delivery.attempts += 1
    return taken == 1


def _post(delivery: WebhookDelivery) -> tuple[int | None, str]:
    body = json.dumps({"delivery_id": delivery.pk, **delivery.payload}).encode()
    timestamp = str(int(timezone.now().timestamp()))
    request = urllib.request.Request(
        delivery.endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "12345-hotline-webhooks/1",
            "X-Hotline-Event": delivery.event_type,
            "X-Hotline-Delivery": str(delivery.pk),
            "X-Hotline-Timestamp": timestamp,
            "X-Hotline-Signature": sign(delivery.endpoint.secret, timestamp, body),
        },
    )
    timeout = _setting("HOTLINE_WEBHOOK_TIMEOUT", 10)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code}"
    except (urllib.error.URLError, OSError) as error:
        return None, str(getattr(error, "reason", error))[:500]


def deliver(delivery: WebhookDelivery) -> bool:
    """Post one claimed row and record the outcome; True when the receiver took it."""
    code, error = _post(delivery)
    now = timezone.now()
    delivery.last_response_code, delivery.last_error = code, error
    if code is not None and 200 <= code < 300:
        delivery.status, delivery.delivered_at = WebhookDelivery.Status.DELIVERED, now
    elif delivery.attempts >= _setting("HOTLINE_WEBHOOK_MAX_ATTEMPTS", 8):
        delivery.status = WebhookDelivery.Status.FAILED
    else:
        delivery.next_attempt_at = now + backoff(delivery.attempts)
    delivery.save(
        update_fields=[
            "status",
            "delivered_at",
            "next_attempt_at",
            "last_response_code",
            "last_error",
        ]
    )
    return delivery.status == WebhookDelivery.Status.DELIVERED


def deliver_due(*, limit: int = 100) -> dict[str, int]:
    """Deliver the rows that are due now; returns how many were delivered and failed."""
    due = list(
        WebhookDelivery.objects.select_related("endpoint")
        .filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=timezone.now())
        .filter(endpoint__is_active=True)
        .order_by("next_attempt_at", "id")[:limit]
    )
    counts = {"delivered": 0, "retrying": 0}
    for delivery in due:
        if _claim(delivery):
            counts["delivered" if deliver(delivery) else "retrying"] += 1
    return counts


def seconds_until_next_due() -> float | None:
    """How long until the next pending row is due (None when the outbox is empty)."""
    next_at = (
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, endpoint__is_active=True
        )
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    if next_at is None:
        return None
    return max((next_at - timezone.now()).total_seconds(), 0)
