"""Workers delivering at the same instant, and a platform posting one reply twice at once
(PostgreSQL: separate connections, released together by a barrier)."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from cases import services
from cases.models import Callback
from departments.models import Department
from notifications import delivery, survey
from notifications.models import Notification, SmsSurvey
from tests.apiutil import dispatched, register

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def together(call, times: int) -> list:
    barrier = threading.Barrier(times)
    results = [None] * times

    def run(index):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_three_workers_send_each_row_once(transactional_city, gateway):
    agent = get_user_model().objects.get(username="agent")
    for _ in range(6):
        register(agent)
    together(delivery.deliver_due, 3)
    out_ids = [payload["out_id"] for _h, payload, _b in gateway.requests]
    assert sorted(out_ids) == sorted(
        str(pk) for pk in Notification.objects.values_list("pk", flat=True)
    )
    assert Notification.objects.filter(status="sent", attempts=1).count() == 6


def test_one_reply_posted_twice_at_once_is_one_callback(transactional_city, gateway):
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=["agent", "handler"])
    }
    case, assignment = dispatched(users["agent"], Department.objects.get(code="cgj"))
    services.sign_assignment(assignment, actor=users["handler"])
    services.reply_assignment(
        assignment, actor=users["handler"], result="resolved", content="已修复"
    )
    delivery.deliver_due()
    outcomes = together(
        lambda: survey.receive(message_id="in-9", phone="13812345678", content="1"), 2
    )
    assert sorted(outcomes) == ["duplicate", "recorded"]
    assert Callback.objects.filter(case=case).count() == 1
    assert SmsSurvey.objects.get().status == "answered"
