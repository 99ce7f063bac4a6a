"""POST /api/v1/routing/suggest/: refusals, validation and the ranked suggestions with reasons."""

import pytest
from rest_framework.test import APIClient

from tests.apiutil import error_of, user_client
from tests.routing_world import (
    LIGHTS,
    POZIJIE,
    make_rule,
)

pytestmark = pytest.mark.usefixtures("fresh_caches")
URL = "/api/v1/routing/suggest/"


def test_anonymous_callers_are_refused(db):
    response = APIClient().post(URL, {"content": "路灯不亮"}, format="json")
    assert response.status_code in (401, 403)
    assert error_of(response)["code"] in ("not_authenticated", "authentication_failed")


def test_departments_may_not_ask(cgj_api):
    response = cgj_api.post(URL, {"content": "路灯不亮"}, format="json")
    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "content"),
        ({"content": "路灯", "category": "999999"}, "category"),
        ({"content": "路灯", "region": "000000"}, "region"),
        ({"content": "路灯", "request_type": "gossip"}, "request_type"),
        ({"content": "路灯", "limit": 0}, "limit"),
    ],
)
def test_bad_input_names_the_field(agent_api, body, field):
    response = agent_api.post(URL, body, format="json")
    assert response.status_code == 400
    assert field in error_of(response)["fields"]


def test_suggestions_come_ranked_with_reasons(users):
    make_rule("Street lighting → street office", category_code=LIGHTS, territorial="street")
    make_rule("Facilities → 城管局", category_code=LIGHTS, to="cgj", priority=200)
    response = user_client(users["agent"]).post(
        URL,
        {"title": "路灯坏了", "content": "太平街的路灯一周没亮", "category": LIGHTS,
         "address": "天心区坡子街太平街"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["address"]["region"]["code"] == POZIJIE
    assert body["address"]["candidate_count"] == 1
    first, second = body["suggestions"]
    assert first["department"]["code"] == f"s-{POZIJIE}"
    assert first["rule"]["name"] == "Street lighting → street office"
    assert first["source"] == "rule" and first["score"] > second["score"]
    assert "territorial: 坡子街街道办事处" in first["reason"]
    assert "territorial: 坡子街街道办事处" in first["reasons"]
    assert first["reason"] == "; ".join(first["reasons"])
    assert second["department"]["code"] == "cgj"
    assert body["categories"] == []  # no model trained in this test


def test_an_ambiguous_address_lists_the_candidates(users):
    response = user_client(users["supervisor"]).post(
        URL, {"content": "噪音", "address": "天心区新华社区"}, format="json"
    )
    address = response.json()["address"]
    assert address["region"]["name"] == "天心区"
    assert address["candidate_count"] > 1
    assert {c["name"] for c in address["candidates"]} == {"新华社区"}
