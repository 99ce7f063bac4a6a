"""Every dashboard chart is drawn by the vendored ECharts, and no request leaves the server."""

import pytest
from playwright.sync_api import expect

from cases import services
from departments.models import Department
from hotline.dashboards.stats import refresh_recent_stats

pytestmark = pytest.mark.browser

CHART_PAGES = {"/dashboards/": ["today_hour", "backlog"],
               "/dashboards/trends/": ["trend_daily", "trend_district"]}  # fmt: skip


def test_every_chart_is_drawn_from_our_own_server(login_as, live_server, users, screenshot):
    case = services.register_case(actor=users["agent"], channel="phone", request_type="complaint",
                                  content="小区门口路灯不亮已经一周")  # fmt: skip
    services.dispatch_case(
        case, actor=users["agent"], department=Department.objects.get(code="cgj")
    )
    refresh_recent_stats()
    page = login_as("supervisor")
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    for path, keys in CHART_PAGES.items():
        page.goto(f"{live_server.url}{path}")
        containers = page.locator("div.chart[data-chart]")
        expect(containers).to_have_count(len(keys))
        for key in keys:
            drawn = page.locator(f"#chart-{key}").locator("svg, canvas")
            expect(drawn.first).to_be_visible()
            # the numbers behind the chart are on the page as a table
            expect(page.locator(f"#table-{key}")).to_be_attached()
        screenshot(page, "chart" + path.strip("/").replace("/", "-"))

    assert requested and all(url.startswith(live_server.url) for url in requested), [
        url for url in requested if not url.startswith(live_server.url)]  # fmt: skip
    assert any(url.endswith("echarts.min.js") for url in requested)
