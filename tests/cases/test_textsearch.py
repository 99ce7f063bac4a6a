"""Case text search through the index (cases.textsearch), on SQLite (FTS5) and PostgreSQL (GIN).

Run on both: `pytest tests/cases/test_textsearch.py` and again with DATABASE_URL=postgres://…
"""

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import textsearch
from cases.models import Case


@pytest.fixture
def noisy(register):
    """Three cases: noise at night, a broken street lamp (in the address), an English one."""
    return [
        register(title="小区噪音扰民", content="楼下KTV每晚营业到凌晨两点，噪音很大。"),
        register(content="路灯坏了一个月没人修。", address="雨花区井湾子街道幸福路12号"),
        register(content="Street vendors block the pavement every evening."),
    ]


def found(text: str) -> set[str]:
    return set(textsearch.search(Case.objects.all(), text).values_list("number", flat=True))


@pytest.mark.parametrize(
    ("text", "which"),
    [
        ("噪音", {0}),  # a Chinese word, in title and content
        ("噪音扰民", {0}),  # pairs 噪音 音扰 扰民, all in the title, in a row
        ("营业到凌晨", {0}),  # not a jieba word: pairs still match
        ("幸福路12号", {1}),  # the address, Chinese and digits
        ("噪", {0}),  # one character: a prefix of a pair
        ("修", {1}),  # one character at the end of a run
        ("ktv", {0}),  # Latin letters, any case
        ("PAVEMENT", {2}),
        ("", {0, 1, 2}),
    ],
)
def test_text_search_finds_the_cases_holding_the_text(noisy, text, which):
    assert found(text) == {noisy[i].number for i in which}


@pytest.mark.parametrize(
    "text", ["扰民噪音", "音民", "不存在的词", "ktvx", "幸福路13号", "营业到两点"]
)
def test_text_search_finds_nothing_for_a_text_no_case_holds(noisy, text):
    assert found(text) == set()


def test_the_recheck_drops_cases_holding_every_pair_but_not_the_text(register):
    # 甲乙 and 乙丙 are both pairs of this case; 甲乙丙 is not in it.
    case = register(content="甲乙，乙丙。")
    assert found("甲乙") == found("乙丙") == {case.number}
    assert found("甲乙丙") == set()


@pytest.mark.parametrize("text", ["噪音", "乙丙", "灯坏", "题内", "一二"])
def test_two_chinese_characters_find_what_the_substring_filter_finds(register, text):
    """Found through their pair alone (no recheck): the same cases as the plain filter, also
    where the two stand apart, across a comma, or across the end of the title."""
    register(title="小区噪音扰民", content="噪，音。甲乙，乙丙")
    register(title="标题内", content="容里路灯坏了")  # 题内 within the title only
    register(title="第一", content="二三")  # 一 ends the title, 二 starts the content
    register(content="噪 音 丙乙")
    register(address="灯坏路", content="噪音")
    plain = Case.objects.filter(
        Q(title__contains=text) | Q(content__contains=text) | Q(address__contains=text)
    )
    assert textsearch.is_one_chinese_pair(text)
    assert found(text) == set(plain.values_list("number", flat=True))


def test_text_search_is_an_index_lookup(noisy):
    with CaptureQueriesContext(connection) as queries:
        found("噪音")
    sql = queries[-1]["sql"]
    assert "UPPER" not in sql
    if connection.vendor == "postgresql":
        assert textsearch.TABLE in sql and "@@" in sql
    else:
        assert textsearch.TABLE in sql and "MATCH" in sql


def test_the_index_follows_registration_and_edits(register, noisy):
    # given a case registered after the others
    case = register(content="垃圾桶满了没人清理。")
    assert found("垃圾桶") == {case.number}

    # when its text is edited
    case.content = "井盖丢失，很危险。"
    case.save(update_fields=["content"])

    # then the index answers with the new text only
    assert found("垃圾桶") == set()
    assert found("井盖") == {case.number}
    case.delete()
    assert found("井盖") == set()


def test_the_index_matches_the_python_pairs(noisy):
    if connection.vendor != "postgresql":
        pytest.skip("the SQL function is PostgreSQL's; SQLite calls the Python one")
    case = noisy[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_to_string(tsvector_to_array(case_text_grams(%s, %s, %s)), ' ')",
            [case.title, case.content, case.address],
        )
        in_sql = set(cursor.fetchone()[0].split())
    assert in_sql == set(textsearch.grams(case.title, case.content, case.address).split())


def test_list_page_and_api_search_through_the_index(client_for, noisy, users):
    page = client_for("agent").get(reverse("cases:list"), {"q": "噪音"})
    assert [c.number for c in page.context["page"].items] == [noisy[0].number]
    api = client_for("agent").get("/api/v1/cases/", {"q": "雨花区"})
    assert [row["number"] for row in api.json()["results"]] == [noisy[1].number]


def test_text_search_pages_do_a_fixed_number_of_queries(client_for, register):
    # given a search that finds 3 cases, then 30
    client = client_for("agent")
    client.get(reverse("cases:list"))  # the filter options are built once per process
    counts = []
    for total in (3, 30):
        while len(found("井盖")) < total:
            register(content=f"井盖丢失 {len(found('井盖'))}")
        # when the page and the API list them, then the number of queries stays the same
        with CaptureQueriesContext(connection) as page:
            client.get(reverse("cases:list"), {"q": "井盖", "per_page": 100})
        with CaptureQueriesContext(connection) as api:
            client.get("/api/v1/cases/", {"q": "井盖", "page_size": 100})
        counts.append((len(page), len(api)))
    assert counts[0] == counts[1]
