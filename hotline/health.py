"""GET /healthz: whether this process can serve, for load balancers, monitoring and deploys.

The full answer checks the database (one trivial query), that every migration of the running
code is applied, the default cache (a set and a get) and, when `CELERY_BROKER_URL` is set, the
broker (one connection with a short timeout). It is 200 when all are up and 503 naming the ones
that are down. `warnings` lists what needs a person but stops nothing: a missing official
holiday calendar (the same test as the system check hotline.W001) and an outbox backing up.
`?quick=1` answers from the process and one database ping only, cheap enough for a load
balancer polling every few seconds.

No login, no session, no CSRF token, never cached. A failure's details go to the log; the
public answer names only the kind of error, never a host or a password.
"""

import logging
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from kombu import Connection

from departments.models import WebhookDelivery
from hotline.checks import missing_official_calendars
from notifications.models import Notification

logger = logging.getLogger(__name__)

BROKER_TIMEOUT = 2  # seconds; a load balancer's own timeout is usually 5
OK, OFF, SKIPPED = "ok", "not configured", "skipped"


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return OK


def check_migrations() -> str:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return OK if not plan else f"fail: {len(plan)} migrations not applied"


def check_cache() -> str:
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    found = cache.get(key)
    cache.delete(key)
    return OK if found == value else "fail: the cache did not keep a value"


def check_broker() -> str:
    url = settings.CELERY_BROKER_URL
    if not url:
        return OFF
    with Connection(url, connect_timeout=BROKER_TIMEOUT) as broker:
        broker.ensure_connection(max_retries=1, interval_start=0, timeout=BROKER_TIMEOUT)
    return OK


def _run(name: str, check: Callable[[], str]) -> str:
    try:
        return check()
    except Exception as error:  # any failure of a dependency is an answer, not a crash
        logger.warning("healthz: %s is down: %r", name, error)
        return f"fail: {type(error).__name__}"


def outbox_backlog(*, older_than: timedelta) -> int:
    """Webhook deliveries that are pending and have been due for longer than `older_than`."""
    return WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING,
        next_attempt_at__lte=timezone.now() - older_than,
        endpoint__is_active=True,
    ).count()


def collect_warnings() -> list[str]:
    """What needs a person but does not stop the service."""
    warnings = [
        f"no official calendar entered for {year} (hotline.W001)"
        for year in missing_official_calendars()
    ]
    lag = timedelta(minutes=settings.HOTLINE_HEALTH_OUTBOX_LAG_MINUTES)
    backlog = outbox_backlog(older_than=lag)
    if backlog:
        minutes = int(lag.total_seconds() // 60)
        warnings.append(f"{backlog} webhook deliveries due for more than {minutes} minutes")
    messages = notification_backlog(older_than=lag)
    if messages:
        minutes = int(lag.total_seconds() // 60)
        warnings.append(f"{messages} SMS or e-mail messages due for more than {minutes} minutes")
    return warnings


def notification_backlog(*, older_than: timedelta) -> int:
    """SMS and e-mail messages waiting although they have been due for longer than `older_than`."""
    return Notification.objects.filter(
        status=Notification.Status.PENDING, next_attempt_at__lte=timezone.now() - older_than
    ).count()


def full_report() -> tuple[dict[str, str], list[str]]:
    checks = {"database": _run("database", check_database)}
    database_up = checks["database"] == OK
    checks["migrations"] = _run("migrations", check_migrations) if database_up else SKIPPED
    checks["cache"] = _run("cache", check_cache)
    checks["broker"] = _run("broker", check_broker)
    warnings = []
    if database_up:
        try:
            warnings = collect_warnings()
        except DatabaseError as error:
            logger.warning("healthz: warnings not collected: %r", error)
            warnings = [f"warnings not collected: {type(error).__name__}"]
    return checks, warnings


@csrf_exempt
@require_safe
@never_cache
def healthz(request):
    """The service's health as JSON: 200 when every part is up, 503 naming what is down."""
    if request.GET.get("quick") in ("1", "true", "yes"):
        checks, warnings = {"database": _run("database", check_database)}, []
    else:
        checks, warnings = full_report()
    up = all(value in (OK, OFF, SKIPPED) for value in checks.values())
    body = {"status": "ok" if up else "fail", "checks": checks, "warnings": warnings}
    return JsonResponse(body, status=200 if up else 503)


urlpatterns = [path("", healthz, name="healthz")]
