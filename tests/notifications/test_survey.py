"""The SMS survey (一事一评): a signed inbound answer becomes a callback; others are refused."""

import datetime
import json

import pytest
from django.utils import timezone

from cases import services
from cases.events import EventType
from cases.models import Callback, CaseEvent
from notifications import delivery, sms, survey
from notifications.models import InboundSms, OptOut, SmsSurvey
from tests.apiutil import dispatched

pytestmark = pytest.mark.django_db
INBOUND = "/notifications/sms/inbound/"


@pytest.fixture
def surveyed(users, cgj, gateway):
    """A replied case whose survey SMS went out."""
    case, assignment = dispatched(users["agent"], cgj)
    services.sign_assignment(assignment, actor=users["handler"])
    services.reply_assignment(
        assignment, actor=users["handler"], result="resolved", content="路灯已修复。"
    )
    delivery.deliver_due()
    assert SmsSurvey.objects.get(case=case).status == "open"
    case.refresh_from_db()
    return case


def post_inbound(client, payload: dict, *, secret="inbound-secret", timestamp=None, signed=True):
    body = json.dumps(payload, ensure_ascii=False).encode()
    timestamp = timestamp or str(int(timezone.now().timestamp()))
    headers = {}
    if signed:
        signature = sms.sign(secret, timestamp.encode() + b"\n" + body)
        headers = {"HTTP_X_SMS_TIMESTAMP": timestamp, "HTTP_X_SMS_SIGNATURE": signature}
    return client.post(INBOUND, body, content_type="application/json", **headers)


def answer(content: str, message_id: str = "in-1") -> dict:
    return {"message_id": message_id, "phone": "13812345678", "content": content}


def test_an_inbound_2_is_a_basically_satisfied_callback_reached_by_sms(client, surveyed):
    response = post_inbound(client, answer("2"))
    assert response.status_code == 200 and response.json()["outcome"] == "recorded"
    callback = Callback.objects.get(case=surveyed)
    assert (callback.reached, callback.satisfaction) == (True, "basically_satisfied")
    assert callback.agent.username == survey.SURVEY_USERNAME
    assert "短信回访" in callback.note
    surveyed.refresh_from_db()
    assert surveyed.status == "closed" and surveyed.satisfaction == "basically_satisfied"
    assert SmsSurvey.objects.get().status == "answered"
    assert CaseEvent.objects.filter(case=surveyed, type=EventType.CALLBACK).count() == 1


def test_an_unsatisfied_answer_follows_the_phone_callbacks_rules(client, surveyed):
    post_inbound(client, answer("３"))  # a full-width digit is a 3 too
    callback = Callback.objects.get(case=surveyed)
    assert callback.satisfaction == "unsatisfied"
    surveyed.refresh_from_db()
    assert surveyed.status != "closed"  # never closed on an unsatisfied answer


def test_the_same_inbound_twice_is_recorded_once(client, surveyed):
    post_inbound(client, answer("1"))
    assert post_inbound(client, answer("1")).json()["outcome"] == "duplicate"
    assert Callback.objects.filter(case=surveyed).count() == 1


@pytest.mark.parametrize(
    "how",
    [
        {"signed": False},
        {"secret": "forged"},
        {"timestamp": str(int(timezone.now().timestamp()) - 3600)},  # replayed an hour later
    ],
)
def test_a_forged_unsigned_or_replayed_inbound_is_refused_and_nothing_recorded(
    client, surveyed, how
):
    assert post_inbound(client, answer("1"), **how).status_code == 403
    assert not InboundSms.objects.exists()
    assert not Callback.objects.exists()
    assert SmsSurvey.objects.get().status == "open"


def test_without_a_configured_secret_every_inbound_is_refused(client, surveyed, settings):
    settings.SMS_CALLBACK_SECRET = ""
    assert post_inbound(client, answer("1"), secret="").status_code == 403
    assert not Callback.objects.exists()


def test_a_signed_inbound_without_its_fields_is_a_400(client, surveyed):
    assert post_inbound(client, {"phone": "13812345678"}).status_code == 400
    assert not InboundSms.objects.exists()


def test_another_answer_is_kept_and_the_case_waits_for_a_phone_callback(client, surveyed):
    assert post_inbound(client, answer("路灯还是不亮")).json()["outcome"] == "unclear"
    assert not Callback.objects.exists()
    kept = SmsSurvey.objects.get()
    assert (kept.status, kept.reply) == ("unclear", "路灯还是不亮")
    event = CaseEvent.objects.get(case=surveyed, type=EventType.SURVEY_CLOSED)
    assert event.data == {"outcome": "unclear", "reply": "路灯还是不亮"}
    surveyed.refresh_from_db()
    assert surveyed.status == "replied"  # in the phone callback queue


def test_no_answer_in_time_sends_the_case_to_the_phone_callback_queue(surveyed, settings):
    due = SmsSurvey.objects.get().due_at
    assert survey.expire_surveys(now=due - datetime.timedelta(minutes=1)) == 0
    assert survey.expire_surveys(now=due + datetime.timedelta(minutes=1)) == 1
    assert SmsSurvey.objects.get().status == "expired"
    assert CaseEvent.objects.filter(
        case=surveyed, type=EventType.SURVEY_CLOSED, data__outcome="expired"
    ).exists()
    surveyed.refresh_from_db()
    assert surveyed.status == "replied"


def test_an_answer_after_a_phone_callback_is_kept_as_late(client, surveyed, users):
    services.complete_callback(
        surveyed, actor=users["agent"], reached=True, resolved=True, satisfaction="satisfied",
        then="close",
    )  # fmt: skip
    assert post_inbound(client, answer("1")).json()["outcome"] == "late"
    assert Callback.objects.filter(case=surveyed).count() == 1
    assert SmsSurvey.objects.get().status == "late"


def test_td_opts_the_number_out(client, surveyed):
    assert post_inbound(client, answer("TD")).json()["outcome"] == "opted_out"
    assert OptOut.objects.filter(phone="13812345678", source="sms").exists()
