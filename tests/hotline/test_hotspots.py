"""Hotspots: a crafted spike is found, steady (even noisy) intake is not; clusters of one place."""

import datetime
import random

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Category
from departments.models import Region
from hotline.dashboards import hotspots
from hotline.dashboards.stats import refresh_stats
from tests.hotline.crafted import make_case

DAYS = 63  # 8 baseline weeks and the last 7 days
SIMILAR = ["小区门口路灯不亮已经一周", "小区门口路灯不亮晚上很黑", "门口路灯不亮已经一周了",
           "小区路灯不亮请维修"]  # fmt: skip


def daily_cases(category: Category, community: Region, counts: list[int]) -> None:
    """counts[d] cases on the day d days ago (noon local), in one bulk insert."""
    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    rows = []
    for days_ago, n in enumerate(counts):
        noon = datetime.datetime.combine(today - datetime.timedelta(days=days_ago),
                                         datetime.time(12), tzinfo=zone)  # fmt: skip
        rows += [Case(number=f"2098{len(rows) + k:04d}{category.pk % 100000:05d}",
                      channel="phone", request_type="help", content="x", created_at=noon,
                      category=category, region=community) for k in range(n)]  # fmt: skip
    Case.objects.bulk_create(rows)


@pytest.fixture
def city_noise(db):
    """Five second-level categories with steady Poisson noise, one of them spiking lately."""
    rng = random.Random(7)
    seconds = list(Category.objects.filter(level=2).order_by("code")[:5])
    leaves = [c.children.order_by("code").first() for c in seconds]
    community = Region.objects.filter(level=5).order_by("code").first()
    for i, leaf in enumerate(leaves):
        counts = [_poisson(rng, 3) for _ in range(DAYS)]
        if i == 0:  # the spike: about 10 a day over the last 7 days instead of 3
            counts[:7] = [_poisson(rng, 10) for _ in range(7)]
        daily_cases(leaf, community, counts)
    today = timezone.localdate()
    refresh_stats(today - datetime.timedelta(days=DAYS + 1), today)
    return seconds


def _poisson(rng: random.Random, mean: float) -> int:
    count, threshold, product = 0, pow(2.718281828, -mean), rng.random()
    while product > threshold:
        count += 1
        product *= rng.random()
    return count


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
