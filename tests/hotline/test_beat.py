"""Celery beat schedules every periodic job from one place; no task reschedules itself."""

import socket
import uuid

import pytest
import redis

from departments import webhooks
from departments.models import WebhookDelivery
from departments.tasks import deliver_webhooks
from hotline.celery import app
from tests.apiutil import dispatched

REDIS = "redis://127.0.0.1:6379/4"


def redis_up() -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", 6379)) == 0


def test_every_periodic_job_is_scheduled_and_names_a_real_task(db):
    app.loader.import_default_modules()  # as a worker starts (it runs the system checks)
    schedule = app.conf.beat_schedule
    assert {entry["task"] for entry in schedule.values()} == {
        "hotline.sweep_deadlines",
        "hotline.refresh_stats",
        "departments.deliver_webhooks",
        "hotline.monthly_report",
        "notifications.deliver_notifications",
    }
    assert all(entry["task"] in app.tasks for entry in schedule.values())
    assert schedule["deliver-webhooks"]["schedule"] <= 60  # a lost kick waits at most a minute
    assert schedule["deliver-notifications"]["schedule"] <= 60
    assert schedule["sweep-deadlines"]["schedule"] == 300


@pytest.fixture
def broker_queue(settings):
    """The Celery app publishing to a queue of its own on the local Redis (db 4), no worker."""
    if not redis_up():
        pytest.skip("needs Redis on 127.0.0.1:6379")
    queue = f"hotline-beat-test-{uuid.uuid4().hex[:8]}"
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager", "task_default_queue")}
    settings.CELERY_BROKER_URL = REDIS
    app.conf.update(broker_url=REDIS, task_always_eager=False, task_default_queue=queue)
    forget_broker_connections()
    client = redis.Redis.from_url(REDIS)
    yield lambda: client.llen(queue)
    client.delete(queue)
    app.conf.update(saved)
    forget_broker_connections()


def forget_broker_connections():
    """Drop the app's pooled connections, so the next test's broker_url is the one used."""
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None


def test_a_delivery_run_leaves_a_pending_retry_to_beat(users, cgj, broker_queue, settings):
    # given: a delivery that failed once and waits for its backoff
    settings.HOTLINE_WEBHOOK_BACKOFF_SECONDS = 30
    webhooks.register_endpoint(cgj, actor=users["deptadmin"], url="http://127.0.0.1:9/hook")
    dispatched(users["agent"], cgj)  # in a test transaction: the on-commit kick never fires
    # when: the worker runs the task (port 9 refuses: the row goes back to waiting)
    assert deliver_webhooks.run() == {"delivered": 0, "retrying": 1}
    assert WebhookDelivery.objects.get().status == "pending"
    # then: nothing was published for later; beat's next deliver-webhooks run will take it
    assert broker_queue() == 0


def test_the_kick_after_commit_publishes_one_message(
    users, cgj, broker_queue, django_capture_on_commit_callbacks
):
    webhooks.register_endpoint(cgj, actor=users["deptadmin"], url="http://127.0.0.1:9/hook")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        dispatched(users["agent"], cgj)
    assert len(callbacks) >= 1
    # one delivery pass asked for, promptly, by each outbox: the webhooks and the notifications
    assert broker_queue() == 2
