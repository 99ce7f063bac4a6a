"""The case list API's plain rows say exactly what CaseSerializer says (issue 18).

The list builds its JSON from `values()` rows (`cases.api.case_rows`); the detail, the actions
and the OpenAPI schema keep `CaseSerializer`. These tests compare the two outputs on cases of
every shape (ordinary, confidential, anonymous, merged, closed and rated, overdue, without a
category or region), for the center and for a department.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.api.serializers import CaseSerializer
from cases.models import Case
from tests.apiutil import API, dispatched, register, token_client


def varied_cases(agent, cgj) -> list[Case]:
    now = timezone.now()
    ordinary, _ = dispatched(agent, cgj, title="Lamp", address="芙蓉路 1 号")
    confidential, _ = dispatched(agent, cgj, confidential=True, content="Report of a dump")
    anonymous, _ = dispatched(agent, cgj, anonymous=True, citizen_name="", content="Noise")
    overdue, _ = dispatched(agent, cgj, urgency="urgent", content="Overdue")
    Case.objects.filter(pk=overdue.pk).update(
        created_at=now - timedelta(days=30), reply_due_at=now - timedelta(hours=3)
    )
    closed, _ = dispatched(agent, cgj, content="Closed and rated")
    Case.objects.filter(pk=closed.pk).update(
        status="closed",
        created_at=now - timedelta(days=3),
        replied_at=now - timedelta(days=1),
        closed_at=now,
        resolved=True,
        satisfaction="satisfied",
        reopen_count=1,
        answer="Fixed",
    )
    merged, _ = dispatched(agent, cgj, content="Duplicate")
    Case.objects.filter(pk=merged.pk).update(status="merged", parent=ordinary)
    bare = register(agent, region=None, content="No category, no region")
    return [ordinary, confidential, anonymous, overdue, closed, merged, bare]


def serializer_rows(numbers, *, center: bool) -> dict:
    cases = Case.objects.filter(number__in=numbers).select_related("category", "region", "parent")
    data = CaseSerializer(cases, many=True, context={"center": center}).data
    return {row["number"]: dict(row) for row in data}


@pytest.mark.parametrize("who", ["center", "cgj"])
def test_the_list_rows_equal_the_serializers(who, users, departments):
    cgj = departments["cgj"]
    cases = varied_cases(users["agent"], cgj)
    api = token_client(departments[who])
    body = api.get(f"{API}cases/", {"page_size": 100}).json()
    listed = {row["number"]: row for row in body["results"]}
    numbers = [c.number for c in cases]
    if who == "cgj":  # the case never dispatched is not the department's
        numbers.remove(cases[-1].number)
        assert cases[-1].number not in listed
    expected = serializer_rows(numbers, center=who == "center")
    assert set(expected) <= set(listed)
    for number, row in expected.items():
        assert listed[number] == row, number
        assert list(listed[number]) == list(row)  # the same keys in the same order


def test_a_department_reads_no_protected_caller_in_the_rows(users, departments):
    cases = varied_cases(users["agent"], departments["cgj"])
    rows = token_client(departments["cgj"]).get(f"{API}cases/").json()["results"]
    by_number = {row["number"]: row for row in rows}
    for case in cases[1:3]:  # the confidential and the anonymous caller
        row = by_number[case.number]
        assert (row["citizen_name"], row["citizen_phone"]) == ("", "")
    assert by_number[cases[0].number]["citizen_phone"] == "138****5678"


def test_the_rows_page_by_cursor_in_every_ordering(users, departments):
    varied_cases(users["agent"], departments["cgj"])
    api = token_client(departments["center"])
    for ordering in ("-created_at", "due", "-due", "number", "status"):
        everything = api.get(f"{API}cases/", {"page_size": 100, "ordering": ordering}).json()
        expected = [row["number"] for row in everything["results"]]
        seen, url, params = [], f"{API}cases/", {"page_size": 2, "ordering": ordering}
        while url:
            page = api.get(url, params).json()
            seen += [row["number"] for row in page["results"]]
            url, params = page["next"], None
        assert seen == expected, ordering


@pytest.mark.parametrize("cached", [True, False])
@pytest.mark.parametrize("who", ["center", "cgj"])
def test_the_list_runs_the_same_queries_at_two_page_sizes(who, cached, users, departments,
                                                          settings):  # fmt: skip
    """One query for the page with the token cache (the token, user and memberships are the
    cache's), three without it (the token and the memberships), and for a department one more
    (its subtree's ids, which the assignments' window reads); never one per row."""
    settings.HOTLINE_API_TOKEN_CACHE_SECONDS = 30 if cached else 0
    for n in range(6):
        dispatched(users["agent"], departments["cgj"], content=f"row {n}")
    api = token_client(departments[who])
    for _ in range(2):  # the first use writes last_used_at; the cache trusts the second load
        api.get(f"{API}cases/", {"page_size": 1})
    counts = []
    for size in (2, 6):
        with CaptureQueriesContext(connection) as queries:
            response = api.get(f"{API}cases/", {"page_size": size})
        assert len(response.json()["results"]) == size
        counts.append(len(queries))
    expected = (1 if cached else 3) + (0 if who == "center" else 1)
    assert counts == [expected, expected]
