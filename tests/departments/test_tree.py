"""Regions, departments and categories are path trees; a move rewrites the whole subtree."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cases import services
from cases.models import Category
from cases.selectors import visible_cases
from core.roles import Role
from core.tree import path_under
from departments.models import Department, Membership, Region
from departments.tree import TreeMoveRefused, move_node

pytestmark = pytest.mark.django_db

PROVINCE, CITY, TIANXIN, YUELU = "430000", "430100", "430103", "430104"
POZIJIE = "430103002"  # 坡子街街道, 天心区
POZIJIE_XINHUA = "430103002002"  # one of its communities


def paths(model) -> dict[str, str]:
    return dict(model.objects.values_list("code", "path"))


def assert_paths_follow_parents(model) -> None:
    nodes = {n.pk: n for n in model.objects.all()}
    for node in nodes.values():
        assert node.path == path_under(nodes.get(node.parent_id), node.code), node.code


def district_center_user(district: str):
    user = get_user_model().objects.create_user(username=f"dc-{district}", password="x")
    Membership.objects.create(
        user=user, department=Department.objects.get(code=f"d-{district}"), role=Role.HANDLER
    )
    return user


def test_moving_a_district_rewrites_its_streets_and_communities():
    # given a second city in the province
    province = Region.objects.get(code=PROVINCE)
    zhuzhou = Region.objects.create_node(code="430200", name="株洲市", level=2, parent=province)
    tianxin = Region.objects.get(code=TIANXIN)
    inside = set(Region.objects.subtree(tianxin).values_list("code", flat=True))
    before = paths(Region)
    assert len(inside) > 10  # the district, its streets and their communities
    # when the district moves there
    move_node(tianxin, new_parent=zhuzhou)
    # then every node of the subtree has its new path, and nothing else changed
    after = paths(Region)
    for code in inside:
        assert after[code] == before[code].replace("430100/", "430200/", 1), code
    outside = {c: p for c, p in before.items() if c not in inside}
    assert {c: p for c, p in after.items() if c not in inside} == outside
    assert set(Region.objects.subtree(zhuzhou).values_list("code", flat=True)) == inside | {
        "430200"
    }
    assert not Region.objects.subtree(Region.objects.get(code=CITY)).filter(code=TIANXIN).exists()
    assert_paths_follow_parents(Region)
    assert Region.objects.get(code=TIANXIN).parent == zhuzhou


def test_a_moved_streets_cases_are_in_the_new_districts_scope(users):
    # given a case in a community of 坡子街 (天心区)
    case = services.register_case(
        actor=users["agent"],
        channel="phone",
        request_type="complaint",
        content="路灯不亮了，晚上很黑。",
        region=Region.objects.get(code=POZIJIE_XINHUA),
    )
    assert visible_cases(district_center_user(TIANXIN)).filter(pk=case.pk).exists()
    assert not visible_cases(district_center_user(YUELU)).filter(pk=case.pk).exists()
    # when the street moves to 岳麓区
    move_node(Region.objects.get(code=POZIJIE), new_parent=Region.objects.get(code=YUELU))
    # then 岳麓区's district center sees the case and 天心区's does not any more
    tianxin_staff = get_user_model().objects.get(username=f"dc-{TIANXIN}")
    yuelu_staff = get_user_model().objects.get(username=f"dc-{YUELU}")
    assert visible_cases(yuelu_staff).filter(pk=case.pk).exists()
    assert not visible_cases(tianxin_staff).filter(pk=case.pk).exists()
    assert Region.objects.get(code=POZIJIE_XINHUA).path.startswith(
        Region.objects.get(code=YUELU).path
    )


@pytest.mark.parametrize("target", [TIANXIN, POZIJIE, POZIJIE_XINHUA])
def test_a_node_cannot_move_under_itself_or_a_descendant(target):
    before = paths(Region)
    tianxin = Region.objects.get(code=TIANXIN)
    with pytest.raises(TreeMoveRefused) as refused:
        move_node(tianxin, new_parent=Region.objects.get(code=target))
    assert refused.value.code == "tree_move_refused"
    assert "cannot move under" in refused.value.message
    assert paths(Region) == before
    assert Region.objects.get(code=TIANXIN).parent.code == CITY


def test_a_moved_category_keeps_its_levels_in_step():
    # a second level with its leaves under another first level: levels stay, paths follow
    move_node(Category.objects.get(code="0105"), new_parent=Category.objects.get(code="02"))
    assert dict(Category.objects.filter(code__startswith="0105").values_list("code", "level")) == {
        "0105": 2,
        "010501": 3,
        "010502": 3,
        "010503": 3,
        "010599": 3,
    }
    assert Category.objects.get(code="010501").path == "02/0105/010501/"
    # a leaf moved up one level becomes a second level
    leaf = move_node(
        Category.objects.get(code="010701"), new_parent=Category.objects.get(code="01")
    )
    assert (leaf.level, leaf.path) == (2, "01/010701/")
    assert_paths_follow_parents(Category)


def test_a_category_tree_stays_three_levels_deep():
    before = dict(Category.objects.values_list("code", "path"))
    with pytest.raises(TreeMoveRefused) as refused:
        move_node(Category.objects.get(code="0105"), new_parent=Category.objects.get(code="0106"))
    assert "deeper than 3 levels" in refused.value.message
    assert dict(Category.objects.values_list("code", "path")) == before


def test_a_moved_department_takes_its_sub_departments_along():
    street_office = Department.objects.get(code=f"s-{POZIJIE}")
    move_node(street_office, new_parent=Department.objects.get(code=f"d-{YUELU}"))
    assert Department.objects.get(code=f"s-{POZIJIE}").path == f"center/d-{YUELU}/s-{POZIJIE}/"
    assert_paths_follow_parents(Department)


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser("root", "r@example.com", "pw"))
    return client


def region_form(region: Region, parent: Region) -> dict:
    return {"name": region.name, "level": region.level, "parent": parent.pk, "aliases": "[]"}


def test_the_admin_moves_a_region_with_its_subtree(admin_client):
    street = Region.objects.get(code=POZIJIE)
    url = reverse("admin:departments_region_change", args=[street.pk])
    response = admin_client.post(url, region_form(street, Region.objects.get(code=YUELU)))
    assert response.status_code == 302
    assert Region.objects.get(code=POZIJIE_XINHUA).path == (
        f"{PROVINCE}/{CITY}/{YUELU}/{POZIJIE}/{POZIJIE_XINHUA}/"
    )


def test_the_admin_refuses_a_parent_inside_the_node(admin_client):
    before = paths(Region)
    tianxin = Region.objects.get(code=TIANXIN)
    url = reverse("admin:departments_region_change", args=[tianxin.pk])
    response = admin_client.post(url, region_form(tianxin, Region.objects.get(code=POZIJIE)))
    assert response.status_code == 200
    assert "cannot move under" in response.content.decode()
    assert paths(Region) == before


def test_the_admin_creates_a_node_with_its_path(admin_client):
    url = reverse("admin:cases_category_add")
    parent = Category.objects.get(code="0106")
    form = {"code": "010601", "name": "报刊", "parent": parent.pk, "description": ""}
    response = admin_client.post(url, form | {"public": "on", "is_active": "on"})
    assert response.status_code == 302
    created = Category.objects.get(code="010601")
    assert (created.path, created.level) == ("01/0106/010601/", 3)
