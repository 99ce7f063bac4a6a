"""Territory from addresses, on the real street names of Changsha (and invented communities)."""

import pytest

from departments.gazetteer import resolve_address, short_forms
from departments.models import Region
from tests.routing_world import (
    POZIJIE,
    POZIJIE_XINHUA,
    TIANXIN,
    region,
)

pytestmark = pytest.mark.usefixtures("fresh_caches")


@pytest.mark.parametrize(
    ("address", "code"),
    [
        ("天心区坡子街", POZIJIE),
        ("坡子街街道", POZIJIE),
        ("坡子街", POZIJIE),
        ("长沙市天心区坡子街街道太平街12号", POZIJIE),
        ("浏阳市集里街道", "430181002"),
        ("长沙天心区", TIANXIN),
        ("岳麓区望月湖街道", "430104001"),
    ],
)
def test_names_and_short_forms_find_the_smallest_region(address, code):
    match = resolve_address(address)
    assert match.region.code == code
    assert not match.ambiguous
    assert match.candidates == [match.region]


def test_a_full_path_down_to_the_community_is_sure():
    match = resolve_address("长沙市天心区坡子街街道新华社区")
    assert match.region.code == POZIJIE_XINHUA
    assert match.confidence >= 0.95


def test_a_full_name_is_surer_than_a_short_form():
    assert resolve_address("坡子街街道").confidence > resolve_address("坡子街").confidence


def test_a_community_name_alone_is_ambiguous_and_says_where_it_could_be():
    match = resolve_address("新华社区")
    assert match.region is None  # the candidates share no district
    assert match.ambiguous and match.candidate_count > 100
    assert len(match.candidates) == 10
    assert all(c.name == "新华社区" for c in match.candidates)
    assert match.confidence < 0.1


def test_ambiguity_inside_one_district_keeps_the_district():
    match = resolve_address("天心区新华社区")
    assert match.region.code == TIANXIN
    assert match.ambiguous
    assert all(c.path.startswith(region(TIANXIN).path) for c in match.candidates)
    assert match.confidence <= 0.5


@pytest.mark.parametrize("address", ["", "   ", "某某路100号", "XYZ"])
def test_an_unknown_address_finds_nothing(address):
    match = resolve_address(address)
    assert (match.region, match.confidence, match.candidates) == (None, 0.0, [])


def test_aliases_are_known_names():
    yuelu = region("430104")
    yuelu.aliases = ["河西"]
    yuelu.save()
    assert resolve_address("河西麓山路").region == yuelu


def test_namesakes_in_the_home_city_win_over_others():
    # given a street of the same name in another province
    province = Region.objects.create_node(code="440000", name="广东省", level=1)
    city = Region.objects.create_node(code="440100", name="广州市", level=2, parent=province)
    district = Region.objects.create_node(code="440103", name="荔湾区", level=3, parent=city)
    Region.objects.create_node(code="440103999", name="坡子街街道", level=4, parent=district)
    # then the home city's street is meant, unless the address says otherwise
    assert resolve_address("坡子街街道").region.code == POZIJIE
    assert resolve_address("广州市荔湾区坡子街街道").region.code == "440103999"


def test_short_forms_keep_two_characters_at_least():
    assert short_forms("坡子街街道") == ["坡子街"]
    assert short_forms("天心区") == ["天心"]
    assert short_forms("东区") == []


def test_a_road_named_after_a_street_is_only_a_hint():
    match = resolve_address("火星路18号")
    assert match.region.name == "火星街道"
    assert match.confidence == 0.5
    assert resolve_address("火星街道火星路18号").confidence >= 0.9
