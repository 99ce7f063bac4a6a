"""Cursor pages never skip or repeat rows that share the ordering's timestamp (the id breaks
the tie in every cursor ordering, `core.api.CursorPage`)."""

import pytest
from django.utils import timezone

from cases.models import Case
from tests.apiutil import API, register, token_client


def walk(api, url: str) -> list[str]:
    """Every number of every page, following the `next` links."""
    numbers = []
    while url:
        body = api.get(url).json()
        numbers += [row["number"] for row in body["results"]]
        url = body["next"]
    return numbers


@pytest.mark.parametrize("ordering", [None, "created_at", "-due", "status"])
def test_cases_sharing_a_timestamp_appear_once_across_pages(center, users, ordering):
    # given 9 cases registered in the same instant (a batch import, a busy second)
    numbers = [register(users["agent"], content=f"同一时刻登记的工单 {i}").number for i in range(9)]
    Case.objects.filter(number__in=numbers).update(created_at=timezone.now())

    # when a client walks the list two rows a page
    query = f"?page_size=2&ordering={ordering}" if ordering else "?page_size=2"
    seen = walk(token_client(center), f"{API}cases/{query}")

    # then every case appears exactly once
    assert sorted(seen) == sorted(numbers)
