"""A department's list read a page at a time from its assignments' index (issue 18).

`core.policy.scope_window` (the rule in `cases.policy.case_window_q`) must give exactly the
pages and capped counts of the plain scope (`case_scope_q`: EXISTS over the subtree's
assignments, consultations, the district's regions), for every viewer, page size and cursor,
on a history with co-handlers, returned, taken-back and re-dispatched assignments, a case
dispatched twice to one department, consultations, a district center and tied timestamps.
"""

import datetime
import importlib
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import F
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.choices import Status
from cases.filtersets import CaseFilterSet
from cases.models import Assignment, Case
from cases.selectors import newest_visible_cases, visible_cases
from cases.views import lists, paging
from core import policy
from core.roles import Role
from tests.apiutil import user_client
from tests.cases.lifecycle_world import DISTRICT, STREET, case_in, latest, make_user, register

VIEWERS = ["handler", "handler2", "district_handler", "street_handler", "agent", "nobody"]


@pytest.fixture
def history(world, settings, users, departments):
    """Cases in every status, plus the awkward shapes of a department's history."""
    w = world
    for status in [*Status.values]:
        case_in(status, w, settings)
    cgj, scjgj = w.dept("cgj"), w.dept("scjgj")
    # co-handler: scjgj main, cgj co
    case = register(w)
    services.dispatch_case(case, actor=w.agent, department=scjgj, co_departments=[cgj])
    # dispatched twice to cgj: returned, accepted, dispatched to cgj again (two rows, one case)
    case = register(w)
    first = services.dispatch_case(case, actor=w.agent, department=cgj)
    services.return_assignment(first, actor=w.handler, reason="不属于本部门")
    services.review_return(first, actor=w.supervisor, accept=True)
    services.dispatch_case(case, actor=w.agent, department=cgj)
    # returned by cgj, then sent to scjgj: cgj keeps seeing it (its history)
    case = register(w)
    first = services.dispatch_case(case, actor=w.agent, department=cgj)
    services.return_assignment(first, actor=w.handler, reason="应由市场监管局处理")
    services.review_return(first, actor=w.supervisor, accept=True)
    services.dispatch_case(case, actor=w.agent, department=scjgj)
    # taken back from cgj and given to scjgj
    case = register(w)
    services.dispatch_case(case, actor=w.agent, department=cgj)
    services.take_back_case(case, actor=w.supervisor, reason="派错部门", department=scjgj)
    # a consultation inviting cgj on a case it holds no assignment for
    case = case_in(Status.DISPUTED, w, settings)
    services.open_consultation(
        case, actor=w.supervisor, topic="由谁主办", departments=[cgj, w.dept(DISTRICT)]
    )
    # the district center re-dispatches to its street office
    case = register(w)
    services.dispatch_case(case, actor=w.agent, department=w.dept(DISTRICT))
    services.redispatch_assignment(
        latest(case), actor=w.district_handler, department=w.dept(STREET)
    )
    # in the district's territory but never sent to its center: seen by its region alone
    street = w.dept(STREET).region
    services.dispatch_case(register(w, region=street), actor=w.agent, department=cgj)
    register(w, region=street)
    # cases held by no department at all, and more of cgj's than a small page
    for _ in range(3):
        register(w)
    for _ in range(4):
        services.dispatch_case(register(w), actor=w.agent, department=cgj)
    # ties: several cases (some of cgj's, some not) registered in the same instant
    tied = list(Case.objects.order_by("-pk").values_list("pk", flat=True)[:6])
    moment = Case.objects.get(pk=tied[-1]).created_at - datetime.timedelta(minutes=5)
    Case.objects.filter(pk__in=tied).update(created_at=moment)
    Assignment.objects.filter(case__in=tied).update(case_created_at=moment)
    return w


@pytest.fixture
def viewers(history, users):
    w = history
    return {
        "handler": w.handler,
        "handler2": w.handler2,
        "district_handler": w.district_handler,
        "street_handler": make_user("street", w.dept(STREET), Role.HANDLER),
        "agent": w.agent,
        "nobody": get_user_model().objects.create_user("nobody", password="x"),
    }


def walk(user, size, *, window):
    """Every page of the user's list: (ids, total, capped) per page."""
    pages, cursor = [], ""
    source = (lambda **kw: newest_visible_cases(user, **kw)) if window else None
    while True:
        page = paging.keyset_page(visible_cases(user), cursor=cursor, size=size, window=source)
        pages.append(([c.pk for c in page.items], page.total, page.total_capped))
        if not page.next_cursor:
            return pages
        cursor = page.next_cursor


@pytest.mark.parametrize("who", VIEWERS)
def test_one_case_is_seen_exactly_when_the_scope_lists_it(viewers, who):
    """A case's page asks `cases.view_case`, which probes the one case (`case_probe_q`):
    every way into the scope (held, co-handled, returned, consulted, governed) must agree."""
    user = viewers[who]
    listed = set(visible_cases(user).values_list("pk", flat=True))
    seen = {case.pk for case in Case.objects.all() if policy.can(user, "cases.view_case", case)}
    assert seen == listed


@pytest.mark.parametrize("who", VIEWERS)
def test_the_window_gives_the_pages_and_counts_of_the_plain_scope(viewers, who, monkeypatch):
    user = viewers[who]
    expected = list(visible_cases(user).order_by("-created_at", "-pk").values_list("pk", flat=True))
    if who in ("handler", "district_handler"):
        assert len(expected) > 8  # a history worth walking
    for cap in (1000, 3):  # the count uncapped, and capped below the scope's size
        monkeypatch.setattr(paging, "COUNT_CAP", cap)
        for size in (1, 2, 3, 5, 100):
            fast, plain = walk(user, size, window=True), walk(user, size, window=False)
            assert fast == plain, (who, size, cap)
            assert [pk for ids, *_ in fast for pk in ids] == expected


def test_each_kind_of_history_is_in_the_handlers_list(viewers):
    """The world holds what the test says it does: the window is compared where it matters."""
    cgj = viewers["handler"]
    seen = set(newest_visible_cases(cgj, size=1000).values_list("pk", flat=True))
    held = Assignment.objects.filter(department__code="cgj")
    assert held.filter(status="returned").exists() and held.filter(role="co").exists()
    assert held.filter(withdrawn_at__isnull=False).exists()
    twice = [
        c for c in held.values_list("case_id", flat=True) if held.filter(case_id=c).count() > 1
    ]
    assert twice and set(twice) <= seen
    invited = Case.objects.filter(consultations__positions__department__code="cgj")
    assert invited.exists() and set(invited.values_list("pk", flat=True)) <= seen
    assert not invited.filter(assignments__department__code="cgj").exists()
    district = viewers["district_handler"].memberships.get().department
    territory = set(
        newest_visible_cases(viewers["district_handler"], size=1000).values_list("pk", flat=True)
    )
    unheld = Case.objects.filter(region__path__startswith=district.region.path).exclude(
        assignments__department__path__startswith=district.path
    )
    assert unheld.exists() and set(unheld.values_list("pk", flat=True)) <= territory


def api_numbers(client, size: int) -> list[str]:
    numbers, url = [], f"/api/v1/cases/?page_size={size}"
    while url:
        body = client.get(url).json()
        numbers += [row["number"] for row in body["results"]]
        url = body["next"]
    return numbers


@pytest.mark.parametrize("who", VIEWERS[:-1])
def test_the_api_list_walks_the_same_cases(viewers, who):
    user = viewers[who]
    expected = list(
        visible_cases(user).order_by("-created_at", "-pk").values_list("number", flat=True)
    )
    client = user_client(user)
    for size in (1, 2, 3, 100):
        assert api_numbers(client, size) == expected, (who, size)


def _reads_the_window(queries) -> bool:
    # the window walks each department's newest entries (`sort`); the plain scope has no order
    return any('AS "sort"' in q["sql"] for q in queries.captured_queries)


@pytest.mark.parametrize("who", ["handler", "district_handler"])
def test_department_lists_read_the_window_in_a_fixed_number_of_queries(viewers, who):
    user = viewers[who]
    client = user_client(user)
    client.get(reverse("cases:list"))  # the filter options are built once per process
    pages, api = [], []
    for size in (2, 100):
        with CaptureQueriesContext(connection) as page:
            assert client.get(reverse("cases:list"), {"per_page": size}).status_code == 200
        with CaptureQueriesContext(connection) as listed:
            assert client.get("/api/v1/cases/", {"page_size": size}).status_code == 200
        assert _reads_the_window(page) and _reads_the_window(listed)
        pages.append(len(page))
        api.append(len(listed))
    assert pages[0] == pages[1] and api[0] == api[1]


def test_a_reordered_list_keeps_the_plain_scope(viewers):
    """The window holds only the newest cases: another order must not use it."""
    client = user_client(viewers["handler"])
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/cases/", {"ordering": "due"}).status_code == 200
    assert not _reads_the_window(queries)


FILTERS = [{"status": "closed"}, {"q": "噪音"}, {"overdue": "false"}, {"status": "merged"}]
# codes naming nothing: an empty subtree, which Django refuses to compile into a subquery
# (EmptyResultSet); the walk must answer "no case", not a 500 (found by `make fuzz`)
FILTERS += [{"category": "12345中心"}, {"region": "000000"}, {"category": "x", "q": "噪音"}]


def filtered_numbers(user, params) -> list[str]:
    """The plain scope's answer: the filter over `visible_cases`, newest first."""
    data = QueryDict(urlencode(params))
    filterset = CaseFilterSet(data, queryset=visible_cases(user), request=None)
    assert filterset.is_valid(), filterset.errors
    return list(filterset.qs.order_by("-created_at", "-pk").values_list("number", flat=True))


@pytest.mark.parametrize("who", VIEWERS[:-1])
def test_a_filtered_list_walks_the_window_to_the_same_cases(viewers, who, monkeypatch):
    """Filters are read into each department's walk: the page, its next pages and the capped
    count are those of the filter over the plain scope, on the page and in the API."""
    user = viewers[who]
    every_third = list(Case.objects.order_by("pk").values_list("pk", flat=True))[::3]
    Case.objects.filter(pk__in=every_third).update(content="夜间施工噪音扰民")
    monkeypatch.setattr(paging, "COUNT_CAP", 2)
    monkeypatch.setattr(lists, "TEXT_COUNT_CAP", 2)  # a text search's own cap
    client = user_client(user)
    seen_filtered = False
    for params in FILTERS:
        expected = filtered_numbers(user, params)
        seen_filtered |= len(expected) > 2
        for size in (1, 2, 100):
            numbers, url, query = [], f"/api/v1/cases/?page_size={size}", params
            while url:
                with CaptureQueriesContext(connection) as queries:
                    body = client.get(url, query).json()
                if who.endswith("handler") and expected:  # nothing to match: no query
                    assert _reads_the_window(queries), (params, size)
                numbers += [row["number"] for row in body["results"]]
                url, query = body["next"], None
            assert numbers == expected, (who, params, size)
        for size in (10, 100):  # the page's sizes
            response = client.get(reverse("cases:list"), {**params, "per_page": size})
            page = response.context["page"]
            assert [c.number for c in page.items] == expected[:size], (who, params, size)
            assert (page.total, page.total_capped) == (
                min(len(expected), 3),
                len(expected) > 2,
            ), (who, params)
    if who in ("handler", "district_handler"):
        assert seen_filtered  # some filter leaves more than a capped count to walk


def test_the_services_copy_the_cases_sort_key(history):
    assignments = Assignment.objects.all()
    assert assignments.count() > 20
    assert assignments.exclude(case_created_at=F("case__created_at")).count() == 0


def test_the_migration_fills_the_column_in_one_statement(history):
    """The data migration's UPDATE (the one for this database), run again on wrong values."""
    migration = importlib.import_module("cases.migrations.0014_assignment_case_created_at")
    sql = migration.FILL.get(connection.vendor, migration.FILL["default"])
    Assignment.objects.update(case_created_at=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))
    with connection.cursor() as cursor:
        cursor.execute(sql)
    assert Assignment.objects.exclude(case_created_at=F("case__created_at")).count() == 0
