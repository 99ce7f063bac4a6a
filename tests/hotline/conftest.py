"""Fixtures of the center's tests (crafted rows are built by tests/hotline/crafted.py)."""

import datetime
import random

import pytest
from django.utils import timezone

from cases.models import Category
from departments.models import Region
from hotline.dashboards.stats import refresh_stats
from tests.hotline.crafted import DAYS, daily_cases


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
