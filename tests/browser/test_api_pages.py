"""A department admin sets up their system's access in a real browser: token, webhook, log."""

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from cases import services
from departments import webhooks
from departments.models import Department, WebhookEndpoint
from tests.departments.test_webhooks import Receiver

pytestmark = pytest.mark.browser


def api_get(live_server, path: str, key: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{live_server.url}/api/v1/{path}", headers={"Authorization": f"Token {key}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_admin_issues_a_token_the_system_uses_then_revokes_it(
    login_as, users, live_server, screenshot
):
    page = login_as("deptadmin")
    page.get_by_role("link", name="API & webhooks").click()
    page.fill("#id_name", "City management ERP")
    page.get_by_role("button", name="Create token").click()
    key = page.locator("#new-key").inner_text().strip()
    screenshot(page, "api-tokens")
    assert api_get(live_server, "me/", key)[1]["department"]["code"] == "cgj"

    page.get_by_role("button", name="Rotate").click()
    new_key = page.locator("#new-key").inner_text().strip()
    assert new_key != key
    assert api_get(live_server, "me/", key)[0] == 401
    assert api_get(live_server, "me/", new_key)[0] == 200

    page.get_by_role("button", name="Revoke").click()
    expect(page.locator("tbody")).to_contain_text("Revoked")
    assert api_get(live_server, "me/", new_key)[0] == 401


def test_admin_registers_a_webhook_and_reads_the_delivery_log(login_as, users, screenshot):
    page = login_as("deptadmin")
    page.goto(page.url.rstrip("/") + "/departments/webhooks/")
    page.fill("#id_url", "ftp://erp.example/hook")
    page.get_by_role("button", name="Register receiver").click()
    expect(page.locator("#id_url")).to_have_value("ftp://erp.example/hook")  # kept, with the error
    expect(page.locator("main form").last).to_contain_text("Enter the full URL")
    with Receiver() as receiver:
        page.fill("#id_url", receiver.url)
        page.get_by_role("button", name="Register receiver").click()
        secret = page.locator("#new-secret").inner_text().strip()
        endpoint = WebhookEndpoint.objects.get(is_active=True)
        assert endpoint.secret == secret and endpoint.url == receiver.url
        cgj = Department.objects.get(code="cgj")
        case = services.register_case(
            actor=users["agent"], channel="phone", request_type="help", content="Tree fell"
        )
        services.dispatch_case(case, actor=users["agent"], department=cgj)
        webhooks.deliver_due()
        assert len(receiver.received) == 1
    page.get_by_role("link", name="Webhook", exact=True).click()
    expect(page.locator("#new-secret")).to_have_count(0)  # the secret was shown once
    log = page.locator("#deliveries")
    expect(log).to_contain_text("case_dispatched")
    expect(log).to_contain_text(case.number)
    expect(log).to_contain_text("Delivered")
    screenshot(page, "api-webhooks")
