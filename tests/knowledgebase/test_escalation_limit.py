"""/ask/ escalations are limited per client address: a script cannot flood the call-back queue."""

import pytest
from django.urls import reverse

from cases.models import Case
from tests.apiutil import API, error_of

ASK = f"{API}kb/ask/"


@pytest.fixture(autouse=True)
def three_an_hour(settings):
    settings.HOTLINE_ASK_ESCALATIONS_PER_HOUR = 3


def escalate_by_api(client, number: int, **extra):
    body = {
        "question": f"问题 {number}",
        "escalate": {"name": "赵", "phone": f"1370000{number:04d}"},
    }
    return client.post(ASK, body, content_type="application/json", **extra)


def test_past_the_limit_an_address_is_refused_and_no_case_is_opened(client, db):
    statuses = [escalate_by_api(client, n).status_code for n in range(3)]

    refused = escalate_by_api(client, 3)

    assert statuses == [201, 201, 201]
    assert refused.status_code == 429
    assert error_of(refused)["code"] == "rate_limited"
    assert "Too many call-back requests" in error_of(refused)["message"]
    assert not Case.objects.filter(citizen_phone="13700000003").exists()


def test_the_page_shares_the_count_and_says_why(client, db):
    for number in range(3):
        escalate_by_api(client, number)
    client.post(reverse("ask:page"), {"question": "社保卡补办"})

    page = client.post(reverse("ask:escalate"), {"name": "李", "phone": "13900001111"})

    assert page.status_code == 429
    assert "Too many call-back requests" in page.content.decode()
    assert not Case.objects.filter(citizen_phone="13900001111").exists()


def test_another_address_is_not_held_back(client, db, settings):
    settings.NUM_PROXIES = 1
    for number in range(3):
        escalate_by_api(client, number, HTTP_X_FORWARDED_FOR="198.51.100.7")

    other = escalate_by_api(client, 3, HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert other.status_code == 201


def test_refused_input_does_not_use_up_the_allowance(client, db):
    bad = {"question": "问题", "escalate": {"name": "赵", "phone": "1234567"}}
    for _attempt in range(5):
        assert client.post(ASK, bad, content_type="application/json").status_code == 400

    assert escalate_by_api(client, 1).status_code == 201
