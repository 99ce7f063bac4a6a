"""The bell, the notices list, opening a notice, and the supervisors' template pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import MessageTemplate, Notification
from tests.apiutil import dispatched, register

pytestmark = pytest.mark.django_db


def notices_for(user, cgj, agent, count: int):
    for _ in range(count):
        dispatched(agent, cgj)
    return Notification.objects.filter(user=user, channel="in_app")


def bell_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "notifications_notification" in q["sql"]]


@pytest.mark.parametrize("count", [1, 6])
def test_the_bell_counts_unread_notices_with_one_query(client, users, cgj, count):
    notices_for(users["handler"], cgj, users["agent"], count)
    client.force_login(users["handler"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    assert f'<span class="badge">{count}</span>' in response.content.decode()
    assert len(bell_queries(queries.captured_queries)) == 1


@pytest.mark.parametrize("count", [2, 12])
def test_the_notices_list_has_a_fixed_number_of_queries(
    client, users, cgj, count, django_assert_max_num_queries
):
    notices_for(users["handler"], cgj, users["agent"], count)
    client.force_login(users["handler"])
    with django_assert_max_num_queries(12):
        response = client.get("/notifications/")
    assert response.content.decode().count("/notifications/") >= count


def test_opening_a_notice_marks_it_read_and_shows_the_case(client, users, cgj):
    case, _assignment = dispatched(users["agent"], cgj)
    notice = Notification.objects.get(user=users["handler"], channel="in_app")
    client.force_login(users["handler"])
    response = client.get(f"/notifications/{notice.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.number}/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert '<span class="badge">' not in client.get("/").content.decode()


def test_someone_elses_notice_is_a_404_and_stays_unread(client, users, cgj):
    dispatched(users["agent"], cgj)
    notice = Notification.objects.get(user=users["handler"], channel="in_app")
    client.force_login(users["handler2"])
    assert client.get(f"/notifications/{notice.pk}/").status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_a_supervisor_rewords_a_template_and_the_next_message_uses_it(client, users):
    client.force_login(users["supervisor"])
    page = client.get("/notifications/templates/registered/")
    assert page.status_code == 200 and "{lookup_url}" in page.content.decode()
    response = client.post(
        "/notifications/templates/registered/",
        {"text": "已受理，编号{number}。", "subject": "", "sms_template_id": "SMS_123"},
    )
    assert response.status_code == 302
    register(users["agent"])
    row = Notification.objects.get(template="registered")
    assert row.body.startswith("已受理，编号") and row.sms_template_id == "SMS_123"


@pytest.mark.parametrize("text", ["您好{citizen_name}", "{number.__class__}", "{number!r}", "{"])
def test_a_template_with_another_variable_is_refused_and_nothing_saved(client, users, text):
    saved = MessageTemplate.objects.filter(key="registered").values_list("text", flat=True)
    before = list(saved)
    client.force_login(users["supervisor"])
    response = client.post("/notifications/templates/registered/", {"text": text})
    assert response.status_code == 400
    assert list(saved.all()) == before


def test_only_supervisors_edit_templates(client, users):
    client.force_login(users["agent"])
    assert client.get("/notifications/templates/").status_code == 403
    response = client.post("/notifications/templates/registered/", {"text": "x{number}"})
    assert response.status_code == 403
