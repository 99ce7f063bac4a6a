"""Webhooks: an outbox written with the change, delivered later with a signature and retries.

`enqueue_for_event` is this app's outbox writer (`core.outbox`, registered in
`DepartmentsConfig.ready()`): the case event constructors call it inside the transition's
transaction, so a committed change always has its outbox rows and a rolled-back one has none.
`deliver_due` posts the due rows (from the Celery task, or the `deliver_webhooks` command when
no broker is configured), signs each body with the endpoint's secret, and on failure retries
with an exponential backoff until `HOTLINE_WEBHOOK_MAX_ATTEMPTS`. The rows are the delivery log.

Receivers check `X-Hotline-Signature: sha256=<hex>`, the HMAC-SHA256 of
`"<X-Hotline-Timestamp>.<raw body>"` keyed with the endpoint's secret.

Outgoing requests never reach the center's own network: a target is `https` to a name whose
every address is global (`ipaddress.is_global`), checked when it is registered and again at each
delivery, and the connection goes to the very address that was checked (no second lookup).
Addresses or names listed in `HOTLINE_WEBHOOK_ALLOWED_HOSTS` (tests and local development use
127.0.0.1) are exempt, and only they may be plain `http`. Redirects are never followed, and the
delivery log says what went wrong in general words ("timeout", "HTTP 500"), not the socket's.
"""

import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import secrets
import socket
import ssl
from datetime import timedelta
from urllib.parse import urlsplit

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core import privacy
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
        "citizen_information_added",  # the citizen added words or a photo on the lookup page
        # issue 14: take back (to each withdrawn department) and the reply review's decision
        "case_taken_back",
        "reply_approved",
        "reply_sent_back",
        # issue 14 (B): supervision review, joint consultation (会商)
        "supervision_accepted",
        "supervision_sent_back",
        "consultation_opened",
        "consultation_decided",
    }
)
# Events addressed to departments that may hold no assignment yet: `data["department_ids"]`.
INVITING_EVENTS = frozenset({"consultation_opened"})
# Events that concern every department holding the case (main and co-handlers alike).
WHOLE_CASE_EVENTS = frozenset({"case_dispatched", "consultation_decided"})
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


class TargetRefused(Exception):
    """The target is not one we may post to; `reason` is the delivery log's wording."""

    def __init__(self, reason):
        super().__init__(str(reason))
        self.reason = reason


REFUSED_ADDRESS = _("address not allowed (internal network)")


def _allowed_entries() -> tuple[set[str], list]:
    """HOTLINE_WEBHOOK_ALLOWED_HOSTS as (host names, networks)."""
    names, networks = set(), []
    for entry in _setting("HOTLINE_WEBHOOK_ALLOWED_HOSTS", []) or []:
        try:
            networks.append(ipaddress.ip_network(str(entry).strip(), strict=False))
        except ValueError:
            names.add(str(entry).strip().lower())
    return names, networks


def _listed(host: str, address: str | None = None) -> bool:
    """Whether the setting lists the host name or the address."""
    names, networks = _allowed_entries()
    if host.lower() in names:
        return True
    candidate = address or host
    try:
        ip = ipaddress.ip_address(candidate)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _permitted(host: str, address: str) -> bool:
    ip = ipaddress.ip_address(address)
    mapped = getattr(ip, "ipv4_mapped", None)
    return _listed(host, address) or (ip.is_global and (mapped is None or mapped.is_global))


def resolve_target(host: str, port: int) -> str:
    """The one address to connect to: every address of `host` must be permitted."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise TargetRefused(_("address not found")) from error
    addresses = [info[4][0] for info in infos]
    if not addresses or not all(_permitted(host, a) for a in addresses):
        raise TargetRefused(REFUSED_ADDRESS)
    return addresses[0]


def check_target(url: str, *, resolve: bool) -> tuple[str, int, str | None]:
    """(host, port, address) of a permitted target; refuses plain HTTP outside the setting."""
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        literal = str(ipaddress.ip_address(host))
    except ValueError as error:
        if "port" in str(error):
            raise TargetRefused(_("address not found")) from error
        literal = None
    local_name = host.lower() == "localhost" or host.lower().endswith(".localhost")
    if (literal and not _permitted(host, literal)) or (local_name and not _listed(host)):
        raise TargetRefused(REFUSED_ADDRESS)
    if parts.scheme != "https" and not _listed(host):
        raise TargetRefused(_("A webhook URL must start with https://."))
    return host, port, literal or (resolve_target(host, port) if resolve else None)


def _refuse_internal_at_registration(url: str) -> None:
    """An address (or a name already resolving) inside the network is refused now; a name
    that does not resolve yet may be registered, and is checked again at every delivery."""
    try:
        host, port, address = check_target(url, resolve=False)
        if address is None and _resolves(host, port):
            resolve_target(host, port)
    except TargetRefused as refused:
        message = _("A webhook must go to a public address over https://.")
        if refused.reason == REFUSED_ADDRESS:
            raise InvalidInput(str(message), field="url") from refused
        raise InvalidInput(str(refused.reason), field="url") from refused


def _resolves(host: str, port: int) -> bool:
    try:
        return bool(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
    except (socket.gaierror, UnicodeError):
        return False


@transaction.atomic
def register_endpoint(department: Department, *, actor, url: str) -> WebhookEndpoint:
    """Register (or replace) the department's endpoint; its waiting deliveries move to it."""
    ensure_can_manage(actor, department)
    url = _valid_url(url)
    _refuse_internal_at_registration(url)
    old = list(
        WebhookEndpoint.objects.select_for_update()
        .filter(department=department, is_active=True)
        .values_list("pk", flat=True)
    )
    endpoint = WebhookEndpoint.objects.create(department=department, url=url, secret=new_secret())
    WebhookEndpoint.objects.filter(pk__in=old).update(is_active=False)
    WebhookDelivery.objects.filter(
        endpoint_id__in=old, status=WebhookDelivery.Status.PENDING
    ).update(endpoint=endpoint)
    return endpoint


# --- the outbox ------------------------------------------------------------------------------


def _departments_concerned(event) -> set[int]:
    withdrawn = event.data.get("withdrawn") if isinstance(event.data, dict) else None
    if withdrawn:  # a take-back: the departments it was taken from hold nothing active now
        return set(Department.objects.filter(code__in=withdrawn).values_list("id", flat=True))
    if event.type in INVITING_EVENTS:
        return set(event.data.get("department_ids", []))
    if event.assignment_id and event.type not in WHOLE_CASE_EVENTS:
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
        "data": privacy.payload_data(event.data),  # the filter cases.privacy registers
    }


def enqueue_for_event(event) -> list[WebhookDelivery]:
    """Write outbox rows for the endpoints the event concerns (inside the caller's transaction)."""
    if event.type not in WEBHOOK_EVENTS:
        return []
    return enqueue_for_departments(event, _departments_concerned(event))


def enqueue_for_departments(event, department_ids) -> list[WebhookDelivery]:
    """Outbox rows for the event to these departments' endpoints (the cases' own writers name
    the partner lines a transfer concerns, which the assignments cannot tell)."""
    endpoints = WebhookEndpoint.objects.filter(is_active=True, department_id__in=department_ids)
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


class _PinnedConnectionMixin:
    """Connects to the address that was checked; the Host header and TLS name stay the host's."""

    def __init__(self, *args, pinned_address: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.pinned_address = pinned_address
        # http.client sets `_create_connection` on the instance: replace it there.
        self._create_connection = self._connect_to_pinned_address

    def _connect_to_pinned_address(self, address, timeout, source_address=None):
        return socket.create_connection((self.pinned_address, address[1]), timeout, source_address)


class PinnedHTTPConnection(_PinnedConnectionMixin, http.client.HTTPConnection):
    pass


class PinnedHTTPSConnection(_PinnedConnectionMixin, http.client.HTTPSConnection):
    pass


def _open(url: str, timeout: float) -> tuple[http.client.HTTPConnection, str]:
    """A connection to the checked address of `url` and the request target (path and query)."""
    host, port, address = check_target(url, resolve=True)
    parts = urlsplit(url)
    if parts.scheme == "https":
        connection = PinnedHTTPSConnection(
            host, port, timeout=timeout, context=ssl.create_default_context(),
            pinned_address=address,
        )  # fmt: skip
    else:
        connection = PinnedHTTPConnection(host, port, timeout=timeout, pinned_address=address)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return connection, target


# What the delivery log says, in general words: the low-level text may tell ports apart.
FAILURE_REASONS = (
    (ssl.SSLError, _("TLS error")),
    (ConnectionRefusedError, _("connection refused")),
    (TimeoutError, _("timeout")),
    (http.client.HTTPException, _("invalid HTTP answer")),
)


def _reason(error: Exception) -> str:
    if isinstance(error, TargetRefused):
        return str(error.reason)
    for kind, reason in FAILURE_REASONS:
        if isinstance(error, kind):
            return str(reason)
    return str(_("connection failed"))


def _post(delivery: WebhookDelivery) -> tuple[int | None, str]:
    """POST the row to its endpoint: (HTTP status or None, a general reason when it failed)."""
    if not delivery.endpoint.secret:
        return None, str(_("no signing secret: register the endpoint again"))
    body = json.dumps({"delivery_id": delivery.pk, **delivery.payload}).encode()
    timestamp = str(int(timezone.now().timestamp()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "12345-hotline-webhooks/1",
        "X-Hotline-Event": delivery.event_type,
        "X-Hotline-Delivery": str(delivery.pk),
        "X-Hotline-Timestamp": timestamp,
        "X-Hotline-Signature": sign(delivery.endpoint.secret, timestamp, body),
    }
    connection = None
    try:
        connection, target = _open(delivery.endpoint.url, _setting("HOTLINE_WEBHOOK_TIMEOUT", 10))
        connection.request("POST", target, body=body, headers=headers)
        code = connection.getresponse().status  # a redirect is an answer, never followed
    except (TargetRefused, OSError, http.client.HTTPException) as error:
        logger.info("webhook delivery %s failed: %r", delivery.pk, error)
        return None, _reason(error)
    finally:
        if connection is not None:
            connection.close()
    return code, "" if 200 <= code < 300 else f"HTTP {code}"


def deliver(delivery: WebhookDelivery) -> bool:
    """Post one claimed row and record the outcome; True when the receiver took it."""
    with translation.override(_setting("LANGUAGE_CODE", "zh-hans")):
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
