"""GET /healthz against the real database, cache and brokers, and against dead ports."""

import datetime
import socket
import time
from datetime import timedelta

import pytest
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from cases import sla
from cases.models import WorkingDay
from departments import webhooks
from departments.models import WebhookDelivery
from notifications.models import Notification
from tests.apiutil import dispatched, register

REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"
RABBITMQ = "amqp://guest:guest@127.0.0.1:5672//"


def free_port() -> int:
    """A local port where nothing listens (bound once by us, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def reachable(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


needs_redis = pytest.mark.skipif(not reachable(6379), reason="needs Redis on 127.0.0.1:6379")
needs_rabbitmq = pytest.mark.skipif(not reachable(5672), reason="needs RabbitMQ on :5672")


@pytest.fixture
def fresh_calendar():
    """The deadline clock's in-memory calendar forgotten before and after the test."""
    sla.clear_cache()
    yield
    sla.clear_cache()


@pytest.fixture
def calendars_entered(db, fresh_calendar):
    """An official schedule for this year and next, so no calendar warning is due."""
    this_year = timezone.localdate().year
    for year in (this_year, this_year + 1):
        WorkingDay.objects.get_or_create(
            date=datetime.date(year, 1, 1), defaults={"is_workday": False, "name": "元旦"}
        )
    sla.clear_cache()


def get_health(client=None, **params):
    response = (client or Client()).get("/healthz", params)
    return response, response.json()


@needs_redis
@needs_rabbitmq
@override_settings(
    CELERY_BROKER_URL=RABBITMQ,
    CACHES={"default": {"BACKEND": REDIS_CACHE, "LOCATION": "redis://127.0.0.1:6379/4"}},
)
def test_all_up_answers_200(calendars_entered):
    response, body = get_health()
    assert response.status_code == 200
    assert body == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "cache": "ok", "broker": "ok"},
        "warnings": [],
    }
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]


def test_without_a_broker_the_broker_is_not_checked(calendars_entered, settings):
    settings.CELERY_BROKER_URL = ""
    response, body = get_health()
    assert response.status_code == 200
    assert body["checks"]["broker"] == "not configured"


@pytest.mark.parametrize("scheme", ["amqp://guest:guest@", "redis://"])
def test_an_unreachable_broker_answers_503_naming_it(calendars_entered, scheme):
    port = free_port()
    suffix = "//" if scheme.startswith("amqp") else "/0"
    started = time.monotonic()
    with override_settings(CELERY_BROKER_URL=f"{scheme}127.0.0.1:{port}{suffix}"):
        response, body = get_health()
    assert time.monotonic() - started < 5  # a probe must not hang on a dead broker
    assert response.status_code == 503
    assert body["status"] == "fail"
    assert body["checks"]["broker"].startswith("fail")
    assert {k: v for k, v in body["checks"].items() if k != "broker"} == {
        "database": "ok",
        "migrations": "ok",
        "cache": "ok",
    }
    assert str(port) not in response.content.decode()  # details go to the log only


def test_a_dead_cache_answers_503_naming_it(calendars_entered):
    dead = f"redis://127.0.0.1:{free_port()}/4"
    with override_settings(CACHES={"default": {"BACKEND": REDIS_CACHE, "LOCATION": dead}}):
        response, body = get_health()
    assert response.status_code == 503
    assert body["checks"]["cache"].startswith("fail")
    assert body["checks"]["database"] == "ok"


def test_a_missing_calendar_is_a_warning_not_a_failure(db, fresh_calendar):
    next_year = timezone.localdate().year + 1
    WorkingDay.objects.filter(date__year=next_year).delete()
    sla.clear_cache()
    response, body = get_health()
    assert response.status_code == 200 and body["status"] == "ok"
    assert f"no official calendar entered for {next_year} (hotline.W001)" in body["warnings"]


def test_an_outbox_backing_up_is_counted(users, cgj, calendars_entered):
    # given: two deliveries, one due for 20 minutes (the receiver never answered), one fresh
    webhooks.register_endpoint(cgj, actor=users["deptadmin"], url="http://127.0.0.1:9/hook")
    dispatched(users["agent"], cgj)
    dispatched(users["agent"], cgj)
    late, _fresh = WebhookDelivery.objects.order_by("id")
    WebhookDelivery.objects.filter(pk=late.pk).update(
        next_attempt_at=timezone.now() - timedelta(minutes=20)
    )
    # when / then
    response, body = get_health()
    assert response.status_code == 200
    assert body["warnings"] == ["1 webhook deliveries due for more than 15 minutes"]


def test_quick_mode_pings_the_database_once(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        response, body = get_health(quick=1)
    assert response.status_code == 200
    assert body == {"status": "ok", "checks": {"database": "ok"}, "warnings": []}


def test_quick_mode_ignores_a_dead_broker(db, settings):
    settings.CELERY_BROKER_URL = f"amqp://guest:guest@127.0.0.1:{free_port()}//"
    response, _body = get_health(quick=1)
    assert response.status_code == 200


def test_anonymous_without_session_cookie_or_csrf(calendars_entered, settings):
    settings.SESSION_SAVE_EVERY_REQUEST = True
    client = Client(enforce_csrf_checks=True)
    response, _body = get_health(client)
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert settings.CSRF_COOKIE_NAME not in response.cookies
    assert client.post("/healthz").status_code == 405  # read-only


def test_a_plain_http_probe_is_not_redirected(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/healthz", {"quick": 1})
    assert response.status_code == 200


def test_signed_in_users_get_the_same_answer(users, calendars_entered):
    client = Client()
    client.force_login(users["agent"])
    response, body = get_health(client)
    assert response.status_code == 200 and body["checks"]["database"] == "ok"


def test_an_unapplied_migration_answers_503_naming_it(calendars_entered):
    # given: the database lacks the last migration of the cases app (rolled back after the test)
    last = MigrationRecorder.Migration.objects.filter(app="cases").order_by("-name").first()
    MigrationRecorder.Migration.objects.filter(pk=last.pk).delete()
    # when / then
    response, body = get_health()
    assert response.status_code == 503
    assert body["checks"]["migrations"] == "fail: 1 migrations not applied"
    assert body["checks"]["database"] == "ok"


def test_quick_mode_takes_only_a_yes(db):
    _response, body = get_health(quick=0)
    assert set(body["checks"]) == {"database", "migrations", "cache", "broker"}


def test_messages_waiting_past_their_time_are_counted(users, calendars_entered):
    register(users["agent"])  # the registration SMS, waiting for a delivery pass
    assert get_health()[1]["warnings"] == []
    Notification.objects.update(next_attempt_at=timezone.now() - timedelta(minutes=20))
    assert get_health()[1]["warnings"] == ["1 SMS or e-mail messages due for more than 15 minutes"]
