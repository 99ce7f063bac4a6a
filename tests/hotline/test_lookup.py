"""The citizens' progress lookup: the right pair shows the request in plain words and the reply,
a wrong pair gets one answer that reveals nothing, guessing is throttled per address and per
case, and what the citizen adds reaches the department (timeline and webhook)."""

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cases import services
from cases.models import Attachment, CaseEvent
from departments.models import WebhookDelivery, WebhookEndpoint
from tests.apiutil import API, error_of, user_client
from tests.cases.workbench import main_assignment

LOOKUP = f"{API}public/lookup/"
PHONE = "13812345678"
REPLY = "The stall was removed on Monday; patrols continue every evening."
NOTE = "Internal: handler Zhang checked with the street office."


@pytest.fixture(autouse=True)
def clean_counters(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HOTLINE_LOOKUP_FAILURES_PER_ADDRESS = 10
    settings.HOTLINE_LOOKUP_FAILURES_PER_CASE = 5
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def open_case(users, departments):
    case = services.register_case(
        actor=users["agent"],
        channel="phone",
        request_type="complaint",
        content="Street vendors block the pavement every evening.",
        citizen_name="Wang Fang",
        citizen_phone=PHONE,
    )
    services.dispatch_case(case, actor=users["agent"], department=departments["cgj"])
    services.sign_assignment(main_assignment(case), actor=users["handler"])
    services.add_progress(main_assignment(case), actor=users["handler"], note=NOTE)
    case.refresh_from_db()
    return case


@pytest.fixture
def replied_case(open_case, users):
    services.reply_assignment(
        main_assignment(open_case), actor=users["handler"], result="resolved", content=REPLY
    )
    open_case.refresh_from_db()
    return open_case


def ask(client, number, last4, **extra):
    body = {"number": number, "phone_last4": last4}
    return client.post(LOOKUP, body, content_type="application/json", **extra)


def test_the_right_pair_shows_the_status_dates_and_reply(client, replied_case):
    response = ask(client, replied_case.number, PHONE[-4:])

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "Handled; the hotline will call you back"
    assert body["reply"] == REPLY
    assert body["replied_at"] and body["registered_at"]
    assert body["open"] is True  # until the callback, the citizen may still add a photo
    text = response.content.decode()
    for secret in (NOTE, "Zhang", "张承办", "李话务", "Wang Fang", PHONE, "handler"):
        assert secret not in text
    assert "no-store" in response["Cache-Control"]


def test_the_status_is_in_chinese_for_chinese_citizens(client, open_case):
    response = ask(client, open_case.number, PHONE[-4:], HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.json()["status"] == "承办单位正在办理"
    assert response.json()["reply"] == ""


def test_a_wrong_pair_and_an_unknown_number_get_the_same_answer(client, open_case):
    wrong_digits = ask(client, open_case.number, "0000")
    unknown = ask(client, "2020010199999", PHONE[-4:])

    assert wrong_digits.status_code == unknown.status_code == 404
    assert wrong_digits.json() == unknown.json()
    assert "No request matches" in error_of(unknown)["message"]


def test_an_anonymous_case_cannot_be_looked_up(client, users):
    case = services.register_case(
        actor=users["agent"],
        channel="phone",
        request_type="report",
        content="Someone dumps waste at night.",
        citizen_phone=PHONE,
        anonymous=True,
    )

    assert ask(client, case.number, PHONE[-4:]).status_code == 404


def test_malformed_input_names_the_field(client, db):
    response = ask(client, "12ab", "56789")

    assert response.status_code == 400
    assert "number" in error_of(response)["fields"]


def test_guessing_one_case_is_stopped_even_for_the_right_pair(client, open_case, settings):
    settings.NUM_PROXIES = 1
    guesses = [
        ask(client, open_case.number, f"{n:04d}", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
        for n in range(5)
    ]

    right = ask(client, open_case.number, PHONE[-4:], HTTP_X_FORWARDED_FOR="10.0.1.1")

    assert guesses == [404] * 5
    assert right.status_code == 429
    assert error_of(right)["code"] == "rate_limited"


def test_one_address_guessing_many_numbers_is_stopped(client, open_case):
    guesses = [ask(client, f"20200101{n:05d}", "1234").status_code for n in range(10)]

    blocked = ask(client, open_case.number, PHONE[-4:])

    assert guesses == [404] * 10
    assert blocked.status_code == 429


def test_unknown_and_existing_numbers_are_throttled_alike(client, open_case, settings):
    settings.NUM_PROXIES = 1
    for n in range(5):
        ask(client, open_case.number, "0000", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
        ask(client, "2020010199999", "0000", HTTP_X_FORWARDED_FOR=f"10.0.1.{n}")

    existing = ask(client, open_case.number, "0000", HTTP_X_FORWARDED_FOR="10.0.2.1")
    unknown = ask(client, "2020010199999", "0000", HTTP_X_FORWARDED_FOR="10.0.2.2")

    assert existing.status_code == unknown.status_code == 429
    assert existing.json() == unknown.json()


def test_the_page_remembers_the_pair_and_a_bare_number_shows_nothing(client, replied_case):
    case_url = reverse("lookup:case", args=[replied_case.number])

    bare = client.get(case_url)
    form = reverse("lookup:form")
    wrong = client.post(form, {"number": replied_case.number, "phone_last4": "1111"})
    right = client.post(
        reverse("lookup:form"), {"number": replied_case.number, "phone_last4": PHONE[-4:]}
    )
    page = client.get(case_url)

    assert bare.status_code == 302 and bare["Location"] == reverse("lookup:form")
    assert wrong.status_code == 404 and "No request matches" in wrong.content.decode()
    assert right.status_code == 302 and right["Location"] == case_url
    text = page.content.decode()
    assert REPLY in text and NOTE not in text and "Wang Fang" not in text


def photo() -> SimpleUploadedFile:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (28.0, 12.0, 1.0)}
    out = io.BytesIO()
    Image.new("RGB", (200, 100), "blue").save(out, format="JPEG", exif=exif.tobytes())
    return SimpleUploadedFile("pothole.jpg", out.getvalue(), content_type="image/jpeg")


def test_the_citizen_adds_a_photo_the_department_sees_with_a_webhook(
    client, open_case, users, departments
):
    # given the department listens on a webhook
    WebhookEndpoint.objects.create(
        department=departments["cgj"], url="http://127.0.0.1:9/hook", secret="s" * 32
    )
    client.post(reverse("lookup:form"), {"number": open_case.number, "phone_last4": PHONE[-4:]})

    # when the citizen adds a few words and a photo
    response = client.post(
        reverse("lookup:add", args=[open_case.number]),
        {"text": "It is back again tonight.", "file": photo()},
    )

    # then it is on the timeline for the department, with the photo, and a webhook is queued
    assert response.status_code == 302
    event = CaseEvent.objects.get(case=open_case, type="citizen_information_added")
    attachment = Attachment.objects.get(case=open_case)
    assert event.data == {"text": "It is back again tonight.", "attachment": attachment.pk}
    assert event.assignment_id == main_assignment(open_case).pk
    assert attachment.source == "citizen"
    assert WebhookDelivery.objects.filter(event_type="citizen_information_added").count() == 1
    handler = user_client(users["handler"])
    detail = handler.get(f"{API}cases/{open_case.number}/").json()
    assert [a["id"] for a in detail["attachments"]] == [attachment.pk]
    timeline = handler.get(f"{API}cases/{open_case.number}/events/").json()
    assert any(e["type"] == "citizen_information_added" for e in timeline)


def test_a_replied_request_still_takes_information_for_the_department(client, replied_case):
    response = client.post(
        f"{LOOKUP}add/",
        {"number": replied_case.number, "phone_last4": PHONE[-4:], "text": "It is back"},
    )

    assert response.status_code == 201
    event = CaseEvent.objects.get(type="citizen_information_added")
    assert event.assignment.department.code == "cgj"


def test_a_finished_request_takes_no_more_information(client, users):
    case = services.register_case(
        actor=users["agent"],
        channel="phone",
        request_type="consultation",
        content="How do I renew my social security card?",
        citizen_phone=PHONE,
    )
    services.answer_case(case, actor=users["agent"], answer="Bring your ID to any branch.")

    response = client.post(
        f"{LOOKUP}add/", {"number": case.number, "phone_last4": PHONE[-4:], "text": "Thanks"}
    )

    assert response.status_code == 409
    assert not CaseEvent.objects.filter(type="citizen_information_added").exists()


def test_the_api_adds_information_with_the_pair(client, open_case):
    response = client.post(
        f"{LOOKUP}add/", {"number": open_case.number, "phone_last4": PHONE[-4:], "text": "Still"}
    )
    wrong = client.post(
        f"{LOOKUP}add/", {"number": open_case.number, "phone_last4": "0000", "text": "Spam"}
    )

    assert response.status_code == 201 and response.json()["open"] is True
    assert wrong.status_code == 404
    assert CaseEvent.objects.filter(type="citizen_information_added").count() == 1
