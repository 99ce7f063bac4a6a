"""A supervisor reads the dashboards in a real browser and follows a number to its cases."""

import re

import pytest
from playwright.sync_api import expect

from cases import services
from departments.models import Department
from hotline.dashboards.stats import refresh_recent_stats

pytestmark = pytest.mark.browser


def test_supervisor_follows_a_number_to_the_cases_behind_it(login_as, users, screenshot):
    case = services.register_case(actor=users["agent"], channel="wechat", request_type="complaint",
                                  content="小区门口路灯不亮已经一周")  # fmt: skip
    services.dispatch_case(
        case, actor=users["agent"], department=Department.objects.get(code="cgj")
    )
    refresh_recent_stats()
    page = login_as("supervisor")

    page.get_by_role("link", name="Dashboards").click()
    expect(page.locator("#chart-today_hour svg").first).to_be_visible()
    screenshot(page, "dashboard-today")
    wechat = page.locator("#table-today_channel tr", has_text="WeChat").get_by_role("link")
    expect(wechat).to_have_text("1")
    wechat.click()

    expect(page).to_have_url(re.compile(r"/cases/\?.*channel=wechat"))
    expect(page.locator("main")).to_contain_text(case.number)


def test_a_bad_period_is_explained_and_kept(login_as):
    page = login_as("supervisor")
    page.goto(page.url.rstrip("/") + "/dashboards/assessment/")

    page.fill("input[name=date_from]", "2026-03-10")
    page.fill("input[name=date_to]", "2026-03-01")
    page.get_by_role("button", name="Show").click()

    expect(page.locator(".errors").first).to_contain_text("starts after it ends")
    expect(page.locator("input[name=date_from]")).to_have_value("2026-03-10")
