"""The cases API: registration, lists, detail, timeline and the center's actions."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from cases import services
from cases.models import Case
from departments.models import IdempotencyRecord
from tests.apiutil import API, dispatched, error_of, register, token_client

NEW_CASE = {
    "channel": "phone",
    "request_type": "complaint",
    "content": "Construction noise after 22:00 at Wuyi Square",
    "citizen_name": "李四",
    "citizen_phone": "13912345678",
    "address": "五一广场",
    "region": "430102",
    "urgency": "urgent",
    "confidential": False,
    "anonymous": False,
}


# --- registration ----------------------------------------------------------------------------


def test_anonymous_is_refused_with_401(client):
    response = client.get(f"{API}cases/")
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Token"


def test_center_token_registers_a_case(center):
    api = token_client(center)
    response = api.post(f"{API}cases/", NEW_CASE, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "registered"
    case = Case.objects.get(number=body["number"])
    assert (case.channel, case.region.code, case.urgency) == ("phone", "430102", "urgent")
    assert body["citizen_phone"] == "13912345678"  # the center sees it whole


def test_registration_names_the_wrong_fields(center):
    api = token_client(center)
    bad = {**NEW_CASE, "channel": "pigeon", "region": "999999", "content": ""}
    response = api.post(f"{API}cases/", bad, format="json")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"channel", "region", "content"}
    assert not Case.objects.filter(content="").exists()


def test_a_department_may_not_register(cgj_api):
    response = cgj_api.post(f"{API}cases/", NEW_CASE, format="json")
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"


def test_an_open311_token_cannot_use_the_rest_api(center):
    api = token_client(center, scope="open311")
    assert api.get(f"{API}cases/").status_code == 403


def test_a_revoked_token_is_refused(center, users):
    from departments import tokens

    token, key = tokens.issue_token(center, actor=users["agent"], name="old")
    tokens.revoke_token(token, actor=users["agent"])
    response = APIClient().get(f"{API}cases/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401
    assert error_of(response)["code"] == "authentication_failed"


# --- scope and privacy -----------------------------------------------------------------------


def test_department_sees_its_case_with_a_masked_phone(users, cgj, cgj_api):
    case, _ = dispatched(users["agent"], cgj)
    response = cgj_api.get(f"{API}cases/{case.number}/")
    assert response.status_code == 200
    body = response.json()
    assert body["citizen_phone"] == "138****5678"
    assert body["citizen_name"] == "王小明"
    assert body["assignments"][0]["department"] == cgj.pk


def test_confidential_reporter_never_leaves_the_center(users, cgj, cgj_api, agent_api):
    case, _ = dispatched(users["agent"], cgj, confidential=True)
    for url in (f"{API}cases/{case.number}/", f"{API}cases/"):
        text = cgj_api.get(url).content.decode()
        assert "王小明" not in text and "5678" not in text
    # the center reads the reporter only through an explicit reveal, which is recorded
    assert agent_api.get(f"{API}cases/{case.number}/").json()["citizen_name"] == ""
    revealed = agent_api.get(f"{API}cases/{case.number}/", {"reveal": "citizen", "reason": "回访"})
    assert revealed.json()["citizen_name"] == "王小明"


def test_foreign_department_gets_404_and_an_empty_list(users, cgj, scjgj_api):
    case, _ = dispatched(users["agent"], cgj)
    response = scjgj_api.get(f"{API}cases/{case.number}/")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    assert scjgj_api.get(f"{API}cases/{case.number}/events/").status_code == 404
    numbers = [c["number"] for c in scjgj_api.get(f"{API}cases/").json()["results"]]
    assert case.number not in numbers


def test_foreign_department_cannot_act_on_the_case(users, cgj, scjgj_api):
    case, _ = dispatched(users["agent"], cgj)
    response = scjgj_api.post(f"{API}cases/{case.number}/close/", {}, format="json")
    assert response.status_code == 404
    response = scjgj_api.post(f"{API}cases/{case.number}/reopen/", {"reason": "x"}, format="json")
    assert response.status_code == 404


def test_missing_case_is_404_like_a_foreign_one(agent_api):
    response = agent_api.get(f"{API}cases/2000010100001/")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


# --- lists -----------------------------------------------------------------------------------


def test_list_filters_by_status_region_and_text(users, cgj, agent_api):
    register(users["agent"], region=None, content="Water cut in the whole block")
    case, _ = dispatched(users["agent"], cgj, content="Lamp broken")
    case.region_id = None
    rows = agent_api.get(f"{API}cases/", {"status": "dispatched"}).json()["results"]
    assert {r["status"] for r in rows} == {"dispatched"}
    rows = agent_api.get(f"{API}cases/", {"q": "Water cut"}).json()["results"]
    assert [r["content"] for r in rows] == ["Water cut in the whole block"]
    response = agent_api.get(f"{API}cases/", {"status": "nonsense"})
    assert response.status_code == 400
    assert "status" in error_of(response)["fields"]


def test_list_pages_with_a_cursor_and_caps_the_page_size(users, agent_api):
    for n in range(3):
        register(users["agent"], content=f"demand {n}")
    first = agent_api.get(f"{API}cases/", {"page_size": 2, "q": "demand"}).json()
    assert len(first["results"]) == 2 and first["next"]
    second = agent_api.get(first["next"]).json()
    assert len(second["results"]) == 1
    seen = {r["number"] for r in first["results"] + second["results"]}
    assert len(seen) == 3
    capped = agent_api.get(f"{API}cases/", {"page_size": 1000})
    assert capped.status_code == 200


def test_list_orders_by_due_date(users, cgj, agent_api):
    dispatched(users["agent"], cgj, content="a")
    register(users["agent"], content="b")
    rows = agent_api.get(f"{API}cases/", {"ordering": "due"}).json()["results"]
    dues = [r["reply_due_at"] for r in rows]
    assert dues[0] is not None and dues[-1] is None


@pytest.mark.parametrize("page_size", [1, 100])
def test_case_list_queries_do_not_grow_with_the_page(
    page_size, users, cgj, cgj_api, django_assert_max_num_queries
):
    for n in range(4):
        dispatched(users["agent"], cgj, content=f"row {n}")
    with django_assert_max_num_queries(6):
        response = cgj_api.get(f"{API}cases/", {"page_size": page_size})
    assert len(response.json()["results"]) == min(page_size, 4)


# --- timeline and actions --------------------------------------------------------------------


def test_timeline_lists_the_events_oldest_first(users, cgj, cgj_api):
    case, _ = dispatched(users["agent"], cgj)
    events = cgj_api.get(f"{API}cases/{case.number}/events/").json()
    assert [e["type"] for e in events] == ["case_registered", "case_dispatched"]


def test_dispatch_through_the_api(users, cgj, scjgj, agent_api):
    case = register(users["agent"])
    response = agent_api.post(
        f"{API}cases/{case.number}/dispatch/",
        {"department": cgj.pk, "co_departments": [scjgj.pk]},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "dispatched"
    assert {(a["department"], a["role"]) for a in body["assignments"]} == {
        (cgj.pk, "main"),
        (scjgj.pk, "co"),
    }


def test_dispatch_validation_names_the_field(users, agent_api):
    case = register(users["agent"])
    response = agent_api.post(
        f"{API}cases/{case.number}/dispatch/", {"department": 999999}, format="json"
    )
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["department"]


def test_a_refused_transition_is_409_with_the_domain_text(users, cgj, agent_api):
    case, _ = dispatched(users["agent"], cgj)
    response = agent_api.post(
        f"{API}cases/{case.number}/dispatch/", {"department": cgj.pk}, format="json"
    )
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "transition_not_allowed"
    assert case.number in error["message"]


def test_answer_and_invalidate_and_transfer(users, departments, agent_api):
    answered = register(users["agent"], request_type="consultation")
    response = agent_api.post(
        f"{API}cases/{answered.number}/answer/", {"answer": "Office hours 9-17"}, format="json"
    )
    assert response.json()["status"] == "answered"
    invalid = register(users["agent"])
    response = agent_api.post(
        f"{API}cases/{invalid.number}/invalidate/", {"reason": "silent call"}, format="json"
    )
    assert response.json()["status"] == "invalid"
    moved = register(users["agent"])
    response = agent_api.post(
        f"{API}cases/{moved.number}/transfer/",
        {"to": departments["hotline-110"].pk, "reason": "a fight in the street"},
        format="json",
    )
    assert response.json()["status"] == "transferred"


def test_merge_into_a_parent(users, agent_api):
    parent, child = register(users["agent"]), register(users["agent"])
    response = agent_api.post(
        f"{API}cases/{child.number}/merge/", {"parent": parent.number}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["parent"] == parent.number


def test_urge_and_supervise(users, cgj, supervisor_api):
    case, assignment = dispatched(users["agent"], cgj)
    response = supervisor_api.post(f"{API}cases/{case.number}/urge/", {}, format="json")
    assert response.status_code == 200, response.content
    due = (assignment.reply_due_at).isoformat()
    response = supervisor_api.post(
        f"{API}cases/{case.number}/supervise/",
        {"level": "important", "reason": "overdue twice", "due_at": due},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["department"] == cgj.pk


def test_urge_without_an_open_assignment_is_409(users, supervisor_api):
    case = register(users["agent"])
    response = supervisor_api.post(f"{API}cases/{case.number}/urge/", {}, format="json")
    assert response.status_code == 409


def test_callback_validation(users, agent_api):
    case = register(users["agent"])
    response = agent_api.post(
        f"{API}cases/{case.number}/callback/",
        {"reached": False, "satisfaction": "satisfied"},
        format="json",
    )
    assert response.status_code == 400
    assert "reached" in error_of(response)["fields"]


# --- idempotency and throttling --------------------------------------------------------------


def test_idempotency_key_replays_the_first_answer(center):
    api = token_client(center)
    headers = {"HTTP_IDEMPOTENCY_KEY": "call-42"}
    first = api.post(f"{API}cases/", NEW_CASE, format="json", **headers)
    again = api.post(f"{API}cases/", NEW_CASE, format="json", **headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["number"] == again.json()["number"]
    assert again["Idempotent-Replayed"] == "true"
    assert Case.objects.filter(content=NEW_CASE["content"]).count() == 1


def test_idempotency_key_with_another_body_is_refused(center):
    api = token_client(center)
    api.post(f"{API}cases/", NEW_CASE, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    other = {**NEW_CASE, "content": "something else"}
    response = api.post(f"{API}cases/", other, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert response.status_code == 422
    assert error_of(response)["code"] == "idempotency_key_reused"


def test_a_retried_sign_is_done_once(users, cgj, cgj_api):
    case, assignment = dispatched(users["agent"], cgj)
    url = f"{API}assignments/{assignment.pk}/sign/"
    first = cgj_api.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="sign-1")
    again = cgj_api.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="sign-1")
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert case.events.filter(type="assignment_signed").count() == 1


def test_throttling_answers_429_with_retry_after(center, settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "token": "2/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    api, other = token_client(center), token_client(center)
    assert [api.get(f"{API}categories/").status_code for _ in range(2)] == [200, 200]
    response = api.get(f"{API}categories/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert error_of(response)["code"] == "throttled"
    assert other.get(f"{API}categories/").status_code == 200  # per token


def test_services_refusal_does_not_change_anything(users, cgj, cgj_api):
    case, assignment = dispatched(users["agent"], cgj)
    services.sign_assignment(assignment, actor=users["handler"])
    response = cgj_api.post(f"{API}assignments/{assignment.pk}/sign/", {}, format="json")
    assert response.status_code == 409
    assert case.events.filter(type="assignment_signed").count() == 1


def test_a_key_still_in_progress_is_409_and_an_abandoned_one_is_taken_over(center):
    api = token_client(center)
    send = lambda: api.post(f"{API}cases/", NEW_CASE, format="json", HTTP_IDEMPOTENCY_KEY="k")  # noqa: E731
    assert send().status_code == 201
    # the first request is still running (no answer stored yet)
    IdempotencyRecord.objects.filter(key="k").update(status_code=None, response=None)
    response = send()
    assert response.status_code == 409 and response["Retry-After"] == "1"
    assert error_of(response)["code"] == "idempotency_key_in_progress"
    # the first request died a while ago without an answer: the key is taken over
    IdempotencyRecord.objects.filter(key="k").update(
        created_at=timezone.now() - timedelta(minutes=5)
    )
    assert send().status_code == 201
    assert IdempotencyRecord.objects.get(key="k").status_code == 201


def test_an_impossible_zone_offset_is_a_400_not_a_500(agent_api):
    # found by schemathesis on PostgreSQL, which refuses offsets beyond ±16 hours
    response = agent_api.get(f"{API}cases/", {"created_after": "2026-12-04T08:17:59+21:12"})
    assert response.status_code == 400
    assert "created_after" in error_of(response)["fields"]


def test_registering_with_dispatch_to_dispatches_in_the_same_step(center):
    api = token_client(center)
    response = api.post(f"{API}cases/", {**NEW_CASE, "dispatch_to": "cgj"}, format="json")
    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()["number"])
    assert case.status == "dispatched"
    assert case.assignments.get().department.code == "cgj"
    assert case.events.filter(type="case_dispatched").get().data["routing"]["source"]


def test_a_refused_dispatch_registers_nothing(center):
    api = token_client(center)
    before = Case.objects.count()
    response = api.post(f"{API}cases/", {**NEW_CASE, "dispatch_to": "hotline-110"}, format="json")
    assert response.status_code == 400
    assert Case.objects.count() == before


@pytest.mark.parametrize("page_size", ["0", "abc", "-3", "2.5"])
def test_a_page_size_that_is_not_a_positive_number_is_refused(page_size, agent_api):
    response = agent_api.get(f"{API}cases/", {"page_size": page_size})
    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"page_size"}


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("cases/", "overdue"),
        ("assignments/", "sign_overdue"),
        ("assignments/", "open"),
        ("categories/", "public"),
        ("departments/", "is_active"),
    ],
)
def test_a_yes_no_filter_refuses_a_word_that_is_neither(path, name, agent_api, cgj_api):
    """Django reads an unknown word as "either": `sign_overdue=ture` listed every assignment."""
    api = cgj_api if path == "assignments/" else agent_api
    response = api.get(f"{API}{path}", {name: "ture"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {name}
    assert (
        "ture" in error_of(response)["message"]
        and "请填写 true 或 false" in error_of(response)["message"]
    )
    for word in ("true", "false", "1", "0", "True", ""):
        assert api.get(f"{API}{path}", {name: word}).status_code == 200, word
