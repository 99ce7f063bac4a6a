"""The small helpers behind the workbench pages: phone masking, working time, keyset cursors."""

import datetime

import pytest
from django.utils import timezone, translation

from cases import services
from cases.privacy import mask_phone
from cases.templatetags.workbench import working_duration
from cases.views.paging import decode_cursor, encode_cursor, page_size


@pytest.mark.parametrize(
    "phone,masked",
    [("13812345678", "138****5678"), ("073188886666", "073*****6666"), ("12345", "*****")],
)
def test_mask_phone_keeps_only_the_ends(phone, masked):
    assert mask_phone(phone) == masked


def test_working_duration_counts_office_days_of_seven_hours():
    assert working_duration(datetime.timedelta(hours=31)) == "4 d 3 h"
    assert working_duration(-datetime.timedelta(minutes=95)) == "-1 h 35 min"
    with translation.override("zh-hans"):
        assert working_duration(datetime.timedelta(hours=27, minutes=59)) == "3天6小时"
        assert working_duration(datetime.timedelta(hours=28)) == "4天"
        assert working_duration(datetime.timedelta(minutes=5)) == "5分钟"


def test_a_cursor_round_trips_and_garbage_is_ignored():
    at = timezone.now()

    assert decode_cursor(encode_cursor(at, 42)) == (at, 42)
    assert decode_cursor("not-a-cursor") is None
    assert decode_cursor("") is None


@pytest.mark.parametrize("value,size", [("10", 10), ("100", 100), ("1000", 25), ("x", 25)])
def test_page_size_is_one_we_offer(value, size):
    assert page_size(value) == size


@pytest.mark.django_db
def test_the_timeline_shows_why_a_case_was_routed_not_a_raw_record(client, users, departments):
    case = services.register_case(
        actor=users["agent"], channel="phone", request_type="complaint", content="路灯不亮"
    )
    services.dispatch_case(case, actor=users["agent"], department=departments["cgj"])
    client.force_login(users["agent"])
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "Chosen by hand, without a suggestion." in page
    assert "Dispatched to 城管局 as the main handler." in page  # the name, not the code
    assert "{&#x27;source&#x27;" not in page and "{'source'" not in page
