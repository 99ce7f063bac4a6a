"""Rule matching and suggestions: subtrees, words, priorities, periods, territory, history."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cases.routing.suggestions import suggest
from departments import rule_services
from tests.routing_world import (
    FOOD,
    LIGHTS,
    POZIJIE,
    POZIJIE_XINHUA,
    TIANXIN,
    YUELU,
    category,
    closed_case,
    department,
    handler_of,
    make_rule,
    region,
)

pytestmark = pytest.mark.usefixtures("fresh_caches")


def top(fields) -> str | None:
    found = suggest(fields)
    return found[0].department.code if found else None


@pytest.mark.parametrize(
    ("case_category", "expected"),
    [("070801", "scjgj"), ("0708", "scjgj"), ("07", None), ("0703", None)],
)
def test_a_rule_covers_its_category_subtree_only(case_category, expected):
    make_rule("Food safety → 市场监督管理局", category_code=FOOD, to="scjgj")
    assert top({"category": case_category, "content": "餐馆卫生差"}) == expected


@pytest.mark.parametrize(
    ("case_region", "expected"),
    [(TIANXIN, "cgj"), (POZIJIE, "cgj"), (POZIJIE_XINHUA, "cgj"), (YUELU, None), (None, None)],
)
def test_a_rule_covers_its_region_subtree_only(case_region, expected):
    make_rule("天心区 lights → 城管局", category_code=LIGHTS, region_code=TIANXIN, to="cgj")
    fields = {"category": LIGHTS, "content": "路灯坏了", "region": case_region}
    assert top(fields) == expected


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("路灯不亮了", "power"),
        ("井盖丢了", None),
        ("路灯不亮，已报修过供电公司", None),  # an excluded word
    ],
)
def test_words_required_and_excluded(content, expected):
    make_rule(
        "Lights → power",
        category_code=LIGHTS,
        to="power",
        include_words=["路灯"],
        exclude_words=["已报修"],
    )
    assert top({"category": LIGHTS, "content": content}) == expected


def test_request_types_restrict_a_rule():
    make_rule("Food complaints", category_code=FOOD, to="scjgj", request_types=["complaint"])
    assert top({"category": FOOD, "content": "x", "request_type": "complaint"}) == "scjgj"
    assert top({"category": FOOD, "content": "x", "request_type": "consultation"}) is None


def test_lower_priority_number_wins_and_specific_rules_break_ties():
    make_rule("General", category_code="0305", to="cgj", priority=100)
    make_rule("Specific", category_code=LIGHTS, to="zjj", priority=100)
    make_rule("Urgent", category_code="03", to="power", priority=10)
    found = suggest({"category": LIGHTS, "content": "路灯"})
    assert [s.department.code for s in found] == ["power", "zjj", "cgj"]
    assert [s.rule.name for s in found] == ["Urgent", "Specific", "General"]
    assert found[0].score > found[1].score > found[2].score


def test_effective_period_is_checked_on_the_day_of_the_case():
    today = timezone.localdate()
    make_rule("Expired", category_code=FOOD, to="wjw", valid_until=today - datetime.timedelta(1))
    make_rule("Future", category_code=FOOD, to="gaj", valid_from=today + datetime.timedelta(1))
    make_rule("Current", category_code=FOOD, to="scjgj", valid_from=today, valid_until=today)
    assert [s.department.code for s in suggest({"category": FOOD, "content": "x"})] == ["scjgj"]


def test_territorial_rule_goes_to_the_street_office_of_the_case():
    make_rule("Street lighting → street office", category_code=LIGHTS, territorial="street")
    found = suggest({"category": LIGHTS, "content": "路灯不亮", "region": POZIJIE_XINHUA})
    assert found[0].department.code == f"s-{POZIJIE}"
    assert found[0].reason == (
        "rule 'Street lighting → street office' matched category "
        "城乡建设/城市设施管理/公共设施 in 新华社区; territorial: 坡子街街道办事处"
    )


def test_territorial_rule_at_district_level():
    make_rule("Illegal building → district", category_code="030303", territorial="district")
    found = suggest({"category": "030303", "content": "违建", "region": POZIJIE})
    assert found[0].department.code == f"d-{TIANXIN}"
    assert "territorial: 天心区12345分中心" in found[0].reason


def test_street_rule_with_only_the_district_known_goes_to_the_district_center():
    make_rule("Street lighting → street office", category_code=LIGHTS, territorial="street")
    found = suggest({"category": LIGHTS, "content": "路灯", "region": TIANXIN})
    assert found[0].department.code == f"d-{TIANXIN}"
    assert "district center re-dispatches" in found[0].reason


def test_territorial_rule_without_a_region_says_so_and_others_still_apply():
    make_rule("Street lighting → street office", category_code=LIGHTS, territorial="street")
    make_rule("Facilities → 城管局", category_code=LIGHTS, to="cgj", priority=200)
    found = suggest({"category": LIGHTS, "content": "路灯坏了"})
    assert [s.department.code for s in found] == ["cgj"]
    assert "no region known for the territorial authority" in found[0].reason


def test_region_from_the_address_when_none_is_given():
    make_rule("Street lighting → street office", category_code=LIGHTS, territorial="street")
    found = suggest({"category": LIGHTS, "content": "路灯", "address": "天心区坡子街太平街12号"})
    assert found[0].department.code == f"s-{POZIJIE}"
    assert "region 坡子街街道 from the address" in found[0].reason


def test_no_rule_and_no_history_suggests_nothing():
    make_rule("Food", category_code=FOOD, to="scjgj")
    assert suggest({"category": LIGHTS, "content": "路灯"}) == []
    assert suggest({"content": "一段没有类别的话"}) == []


def test_conflicting_rules_are_both_shown_and_named():
    make_rule("Lights → 城管局", category_code=LIGHTS, to="cgj")
    make_rule("Lights → 住建局", category_code=LIGHTS, to="zjj")
    found = suggest({"category": LIGHTS, "content": "路灯"})
    assert {s.department.code for s in found} == {"cgj", "zjj"}
    assert "conflicts with 'Lights → 住建局' at the same priority" in found[0].reason


def test_inactive_and_draft_rules_do_not_route():
    make_rule("Off", category_code=FOOD, to="wjw", is_active=False)
    make_rule("Draft", category_code=FOOD, to="gaj", is_draft=True)
    assert suggest({"category": FOOD, "content": "x"}) == []


def test_a_change_through_the_services_is_used_at_once(users):
    rule = make_rule("Food", category_code=FOOD, to="scjgj")
    assert top({"category": FOOD, "content": "x"}) == "scjgj"
    rule_services.change_rule(
        rule,
        actor=users["supervisor"],
        fields={"department": department("wjw")},
        reason="卫健委 takes food poisoning",
    )
    assert top({"category": FOOD, "content": "x"}) == "wjw"


def test_history_suggests_where_similar_closed_cases_went(users):
    handler = handler_of("scjgj", "food-handler")
    for _n in range(3):
        closed_case(users, to="scjgj", handler=handler, category=category("070801"))
    closed_case(users, to="cgj", handler=users["handler"], category=category("070801"))
    found = suggest({"category": "070801", "content": "餐馆卫生差"})
    assert [(s.department.code, s.source, s.rule) for s in found] == [
        ("scjgj", "history", None),
        ("cgj", "history", None),
    ]
    assert found[0].score == 0.75
    assert "3 of 4 closed cases in 公共安全/食品安全/餐饮店卫生 went to 长沙市市场监督管理局" in (
        found[0].reason
    )


def test_history_of_street_offices_maps_to_the_case_territory(users):
    street_handler = handler_of(f"s-{POZIJIE}", "street-handler")
    for _n in range(3):
        closed_case(
            users, to=f"s-{POZIJIE}", handler=street_handler, category=category(LIGHTS),
            region=region(POZIJIE),
        )  # fmt: skip
    found = suggest({"category": LIGHTS, "content": "路灯", "region": "430103004"})
    assert found[0].department.code == "s-430103004"  # 城南路街道, the case's own street


def test_suggest_accepts_a_case(users):
    make_rule("Street lighting → street office", category_code=LIGHTS, territorial="street")
    case = closed_case(
        users, to="cgj", handler=users["handler"], category=category(LIGHTS),
        region=region(POZIJIE),
    )  # fmt: skip
    assert suggest(case)[0].department.code == f"s-{POZIJIE}"


def test_reasons_are_kept_apart_and_joined_as_the_language_joins_clauses():
    # given a territorial rule whose reason has two clauses
    make_rule("Street lighting → street office", category_code=LIGHTS, territorial="street")
    fields = {"category": LIGHTS, "content": "路灯不亮", "region": POZIJIE_XINHUA}

    # when it is suggested in Chinese and in English
    with translation.override("zh-hans"):
        chinese = suggest(fields)[0]
        line = chinese.reason
    with translation.override("en"):
        english = suggest(fields)[0]
        english_line = english.reason

    # then each clause stands on its own, and one line joins them with "；" in Chinese
    assert len(chinese.reasons) == 2 and chinese.reasons[1] == "属地：坡子街街道办事处"
    assert line == "；".join(chinese.reasons) and "; " not in line
    assert english_line == "; ".join(english.reasons)


def test_the_dispatch_timeline_joins_the_routing_reasons_in_the_readers_language():
    from cases.timeline import dispatched, names_for

    data = {"department": "cgj", "routing": {"source": "rule", "reasons": ["a", "b"]}}
    legacy = {"department": "cgj", "routing": {"source": "rule", "reason": "a; b"}}
    with translation.override("zh-hans"):
        names = names_for([data])
        assert dispatched(data, names).endswith("派单依据：a；b")
        assert dispatched(legacy, names).endswith("派单依据：a；b")


def test_the_intake_suggestion_shows_its_reasons_joined_the_chinese_way(client, settings, users):
    # given a territorial rule (two clauses of reason) and an agent working in Chinese
    make_rule("Street lighting → street office", category_code=LIGHTS, territorial="street")
    settings.LANGUAGE_CODE = "zh-hans"
    client.force_login(users["agent"])

    # when the intake asks for the routing suggestion
    with translation.override("zh-hans"):
        page = client.get(
            reverse("cases:intake_assist"),
            {"content": "路灯不亮", "category": LIGHTS, "region": POZIJIE_XINHUA},
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        ).content.decode()

    # then the reason's clauses are joined with "；", never the English "; "
    assert "公共设施；属地：坡子街街道办事处" in page
    assert "; 属地" not in page
