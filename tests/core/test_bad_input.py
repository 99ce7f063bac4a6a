"""Bad input is a 400 (or 413) at the edge, never a server error: NUL characters, numbers past
64 bits, JSON nested too deeply, oversized API bodies, impossible Open311 dates."""

import json

import pytest

from cases.models import Case
from tests.apiutil import API, error_of, token_client

NEW_CASE = {
    "channel": "phone",
    "request_type": "complaint",
    "content": "Construction noise after 22:00 at Wuyi Square",
    "citizen_name": "李四",
    "citizen_phone": "13912345678",
    "region": "430102",
}
NUL_MESSAGE = "The input contains a NUL character."


@pytest.fixture
def api(departments):
    return token_client(departments["center"])


@pytest.fixture
def agent(client, users):
    client.force_login(users["agent"])
    return client


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("cases/", {"region": "4301\x0002"}),
        ("cases/", {"q": "路灯\x00"}),
        ("cases/", {"category\x00": "1"}),
        ("assignments/", {"department": "99999999999999999999"}),
        ("assignments/99999999999999999999/", {}),
        ("categories/", {"parent": "-99999999999999999999"}),
    ],
)
def test_the_api_refuses_nul_and_huge_numbers_in_the_one_shape(api, path, params):
    response = api.get(f"{API}{path}", params)
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid"


def test_a_nul_in_the_path_is_refused(api, agent):
    assert api.get(f"{API}cases/%00/").status_code == 400
    assert agent.get("/kb/%00/").status_code == 400


def test_a_nul_in_a_json_body_is_refused_and_nothing_written(api):
    for content in ("noise\u0000", "noise\x00"):
        body = json.dumps({**NEW_CASE, "content": content})
        response = api.post(f"{API}cases/", body, content_type="application/json")
        assert response.status_code == 400
        assert error_of(response)["message"] == NUL_MESSAGE
    raw = json.dumps(NEW_CASE, ensure_ascii=False).replace('"李四"', '"李\\u0000四"')
    assert api.post(f"{API}cases/", raw, content_type="application/json").status_code == 400
    assert not Case.objects.exists()


def test_an_escaped_backslash_before_u0000_is_text(api):
    body = json.dumps({**NEW_CASE, "content": "a path C:\\u0000dir"})  # backslash, then u0000
    assert api.post(f"{API}cases/", body, content_type="application/json").status_code == 201


@pytest.mark.parametrize("depth", [33, 100_000])
def test_deep_json_is_refused(api, depth):
    body = "[" * depth + "]" * depth
    response = api.post(f"{API}cases/", body, content_type="application/json")
    assert response.status_code == 400
    assert "nested" in error_of(response)["message"]


def test_an_oversized_api_body_is_a_413_in_the_one_shape(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({**NEW_CASE, "content": "x" * 2000})
    response = api.post(f"{API}cases/", body, content_type="application/json")
    assert response.status_code == 413
    assert error_of(response)["code"] == "too_large"


def test_pages_refuse_a_nul_in_a_form_with_the_400_page(agent):
    response = agent.post("/cases/new/", {"content": "路灯\x00不亮", "region": "4301\x00"})
    assert response.status_code == 400
    assert NUL_MESSAGE in response.content.decode()
    assert "<main>" in response.content.decode()  # the site's page, not a bare error
    assert not Case.objects.exists()


def test_pages_refuse_a_nul_in_the_query_string(agent):
    response = agent.get("/kb/", {"q": "社保\x00卡"})
    assert response.status_code == 400 and NUL_MESSAGE in response.content.decode()


def test_the_400_page_is_translated(agent, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    response = agent.get("/kb/", {"q": "社保\x00卡"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert "输入中含有 NUL 字符" in response.content.decode()


@pytest.mark.parametrize(
    "value",
    ["2026-11-27T25:00:00+08:00", "2026-11-27T09:00:00+99:00", "2026-11-27T09:00:00+15:00"],
)
def test_open311_refuses_impossible_dates(client, db, value):
    for name in ("start_date", "end_date"):
        response = client.get("/open311/v2/requests.json", {name: value})
        assert response.status_code == 400
        assert name in response.json()[0]["description"]


def test_open311_takes_a_real_zone(client, db):
    response = client.get("/open311/v2/requests.json", {"start_date": "2026-11-27T09:00:00+14:00"})
    assert response.status_code == 200


def test_a_number_of_ten_thousand_digits_is_refused_too(api):
    response = api.get(f"{API}assignments/", {"department": "9" * 10_000})
    assert response.status_code == 400


def test_the_largest_64_bit_number_passes_the_edge(api):
    response = api.get(f"{API}assignments/{2**63 - 1}/")
    assert response.status_code == 404


def test_a_multipart_body_without_a_boundary_is_a_400_in_the_one_shape(api):
    response = api.generic("POST", f"{API}cases/", b"--x\r\n", content_type="multipart/form-data")
    assert response.status_code == 400
    assert error_of(response)["code"]
