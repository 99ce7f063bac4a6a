"""Structured logs: one line per request, per case event and per refusal, each naming its request.

The tests read what the configured console handler writes (its stream swapped for a buffer), so
they exercise the real filter and formatter of settings.LOGGING.
"""

import io
import json
import logging

import pytest
from django.urls import reverse

from cases import services
from core.logging import JsonFormatter
from tests.apiutil import API, dispatched, register, token_client

CITIZEN = ("王小明", "13812345678")  # what tests.apiutil.register puts on every case


@pytest.fixture
def console():
    """The configured console handler, writing into a buffer; `.lines()` what it wrote."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    handler.lines = lambda: buffer.getvalue().splitlines()
    yield handler
    handler.setStream(previous)


def lines_of(console, logger: str) -> list[str]:
    return [line for line in console.lines() if f" {logger} [" in line]


def test_a_request_logs_one_line_with_its_id_user_and_department(client, users, console):
    client.force_login(users["agent"])

    response = client.get(reverse("cases:list"), {"phone": CITIZEN[1]})

    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    [line] = lines_of(console, "hotline.request")
    assert f"[{request_id} agent center] GET /cases/ 200 " in line
    assert line.endswith(" ms")
    assert CITIZEN[1] not in "\n".join(console.lines())  # the query string is never logged


def test_the_proxys_request_id_is_kept_when_sane(client, console):
    offered = "7f3c2a9e-5d4b-4e1a-9c8d-123456789abc"

    kept = client.get(reverse("login"), HTTP_X_REQUEST_ID=offered)
    replaced = client.get(reverse("login"), HTTP_X_REQUEST_ID="x\nforged line")

    assert kept["X-Request-ID"] == offered
    assert replaced["X-Request-ID"] != "x\nforged line" and len(replaced["X-Request-ID"]) == 32
    first, second = lines_of(console, "hotline.request")
    assert f"[{offered} - -] GET /login/ 200" in first  # anonymous: no user, no department
    assert replaced["X-Request-ID"] in second


def test_json_lines_parse_and_name_the_token_department(users, cgj, console):
    text_formatter = console.formatter
    console.setFormatter(JsonFormatter())
    try:
        # (a department's token may not filter by phone: that is a 400 now, docs/policy.md)
        response = token_client(cgj).get(f"{API}cases/", {"status": "dispatched"})
    finally:
        console.setFormatter(text_formatter)
    [entry] = [json.loads(line) for line in console.lines() if '"hotline.request"' in line]
    assert entry["request_id"] == response["X-Request-ID"]
    assert (entry["user"], entry["department"]) == ("api-cgj", "cgj")
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/api/v1/cases/", 200)
    assert entry["level"] == "INFO" and entry["time"].endswith("+00:00")
    assert isinstance(entry["duration_ms"], float)


def test_a_refused_transition_logs_its_code_and_each_event_once(
    users, cgj, console, django_capture_on_commit_callbacks
):
    case, assignment = dispatched(users["agent"], cgj)
    api = token_client(cgj)
    url = f"{API}assignments/{assignment.pk}/sign/"

    with django_capture_on_commit_callbacks(execute=True):
        signed = api.post(url, {}, format="json")
        refused = api.post(url, {}, format="json")

    assert (signed.status_code, refused.status_code) == (200, 409)
    # One line per committed action. (Here the commit comes after the request; in a server it
    # comes inside it, so the line carries the request's id, user and department.)
    [event] = lines_of(console, "cases.events")
    assert event.endswith(f"] assignment_signed {case.number}")
    [refusal] = lines_of(console, "hotline.refusals")
    assert f"[{refused['X-Request-ID']} api-cgj cgj] refused: transition_not_allowed" in refusal
    [conflict] = lines_of(console, "django.request")  # Django's own line, after the middleware
    assert f"[{refused['X-Request-ID']} api-cgj cgj] Conflict: {url}" in conflict
    written = "\n".join(console.lines())
    assert not any(secret in written for secret in CITIZEN)


def test_a_refusal_on_a_page_is_logged(client, users, console, django_capture_on_commit_callbacks):
    # given: a case already merged into another cannot take a duplicate any more
    agent = users["agent"]
    parent, merged = register(agent), register(agent)
    services.merge_case(merged, actor=agent, parent=parent)
    client.force_login(agent)
    intake = {
        "channel": "phone",
        "request_type": "complaint",
        "content": "A barbecue stall smokes out the whole building every night.",
        "urgency": "normal",
        "intent": f"merge:{merged.number}",
    }
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cases:new"), intake)
    # then
    assert response.status_code == 400
    [refusal] = lines_of(console, "hotline.refusals")
    assert f"[{response['X-Request-ID']} agent center] refused: invalid" in refusal
    assert lines_of(console, "cases.events") == []  # the registration was rolled back


def test_lines_outside_a_request_carry_dashes(console):
    logging.getLogger("hotline.test").warning("no request here")

    [line] = lines_of(console, "hotline.test")
    assert line.endswith("WARNING hotline.test [- - -] no request here")


def test_a_passing_health_check_is_not_logged_but_a_failing_one_is(db, client, console, settings):
    client.get("/healthz?quick=1")
    assert lines_of(console, "hotline.request") == []

    settings.CELERY_BROKER_URL = "amqp://guest:guest@127.0.0.1:9/"  # nothing listens on port 9
    assert client.get("/healthz").status_code == 503
    [line] = lines_of(console, "hotline.request")
    assert "GET /healthz 503 " in line
