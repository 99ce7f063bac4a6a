"""The charts' data is the tables' data, shipped as json_script for the vendored ECharts."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.hotline.test_dashboard_views import busy_days
from tests.hotline.test_export import page_tables

SCRIPT = re.compile(r'<script id="chart-data-([^"]+)" type="application/json">(.*?)</script>', re.S)


@pytest.mark.parametrize(("url_name", "charts"), [
    ("dashboards:today", {"today_hour": 1, "backlog": 1}),
    ("dashboards:trends", {"trend_daily": 2, "trend_district": 2}),
])  # fmt: skip
def test_each_chart_draws_its_table(client, users, departments, url_name, charts):
    busy_days(departments, users, per_day=3, days=3)
    client.force_login(users["supervisor"])

    content = client.get(reverse(url_name)).content.decode()

    specs = {key: json.loads(body) for key, body in SCRIPT.findall(content)}
    tables = page_tables(content)
    assert specs.keys() == charts.keys()
    for key, spec in specs.items():
        assert len(spec["series"]) == charts[key]
        first_series = [str(v) for v in spec["series"][0]["data"]]
        assert first_series == [row[1] for row in tables[key]]
        assert spec["xName"] and spec["yName"] and spec["title"]
    assert "vendor/echarts/echarts.min.js" in content and "js/charts.js" in content
    assert "cdn" not in content.lower()


def test_the_previous_period_is_the_second_series_of_the_trend(client, users, departments):
    busy_days(departments, users, per_day=2, days=3)
    client.force_login(users["supervisor"])

    content = client.get(reverse("dashboards:trends")).content.decode()

    spec = json.loads(dict(SCRIPT.findall(content))["trend_daily"])
    assert [s["name"] for s in spec["series"]] == ["cases", "previous period"]
    assert spec["labels"][0].count("-") == 1  # "11-03": month and day under the axis


def test_echarts_is_vendored_with_its_licence():
    script = finders.find("vendor/echarts/echarts.min.js")
    licence = finders.find("vendor/echarts/LICENSE")

    assert script and licence
    with open(licence, encoding="utf-8") as text:
        assert "Apache License" in text.read()
