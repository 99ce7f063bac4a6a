"""Hotspots: a crafted spike is found, steady (even noisy) intake is not; clusters of one place."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Category
from departments.models import Region
from hotline.dashboards import hotspots
from tests.hotline.crafted import make_case

SIMILAR = ["小区门口路灯不亮已经一周", "小区门口路灯不亮晚上很黑", "门口路灯不亮已经一周了",
           "小区路灯不亮请维修"]  # fmt: skip


def test_a_spike_is_found_and_steady_noise_is_not(city_noise):
    found = hotspots.rising()

    categories = [r.obj for r in found if r.dimension == "category"]
    assert categories == [city_noise[0]]
    spike = found[0] if found[0].dimension == "category" else found[1]
    assert spike.q_value < hotspots.FDR_LEVEL
    assert spike.recent > 2 * spike.expected


def test_overdispersed_baselines_need_a_bigger_rise():
    steady = [21, 21, 21, 21, 21, 21, 21, 21]
    jumpy = [5, 40, 8, 35, 12, 30, 10, 28]  # same mean, much larger variance

    p_steady, _ = hotspots.upper_tail_p(35, steady)
    p_jumpy, _ = hotspots.upper_tail_p(35, jumpy)

    assert p_steady < 0.01 < p_jumpy


def test_a_series_without_history_is_tested_against_a_small_rate():
    p_value, expected = hotspots.upper_tail_p(6, [0] * 8)

    assert expected == pytest.approx(0.0625)
    assert p_value < 1e-6


def test_nothing_rises_on_an_empty_city(db):
    assert hotspots.rising() == []


def test_similar_complaints_about_one_place_form_a_cluster(db, departments):
    now = timezone.now()
    community = Region.objects.filter(level=5).order_by("code").first()
    leaf = Category.objects.filter(level=3).order_by("code").first()
    for hours, title in enumerate(SIMILAR):
        make_case(now - datetime.timedelta(hours=hours + 1), region=community.code,
                  category=leaf.code, title=title)  # fmt: skip
    make_case(now - datetime.timedelta(hours=2), region=community.code, category=leaf.code,
              title="物业乱收停车费")  # fmt: skip
    make_case(now - datetime.timedelta(days=20), region=community.code, category=leaf.code,
              title="小区门口路灯不亮")  # too old  # fmt: skip

    found = hotspots.clusters()

    assert len(found) == 1
    assert found[0].region == community and found[0].category == leaf
    assert {c.title for c in found[0].cases} == set(SIMILAR)


def test_the_hotspot_page_lists_the_spike(client, users, city_noise):
    client.force_login(users["supervisor"])

    response = client.get(reverse("dashboards:hotspots"))

    assert response.status_code == 200
    assert city_noise[0].name in response.content.decode()
