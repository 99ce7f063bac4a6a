"""Reference lists, `me/` and token login."""

import pytest
from rest_framework.test import APIClient

from departments.models import ApiToken
from hotline.demo.reference import DEMO_PASSWORD
from tests.apiutil import API, error_of


@pytest.mark.parametrize("endpoint", ["categories/", "regions/", "departments/", "me/"])
def test_anonymous_is_refused(client, endpoint):
    response = client.get(f"{API}{endpoint}")
    assert response.status_code == 401
    error_of(response)


def test_regions_filter_by_subtree(cgj_api):
    rows = cgj_api.get(f"{API}regions/", {"within": "430102", "level": 4}).json()["results"]
    assert rows and all(r["path"].startswith("430000/430100/430102/") for r in rows)
    assert all(r["level"] == 4 and r["parent"] == "430102" for r in rows)
    assert cgj_api.get(f"{API}regions/", {"level": "high"}).status_code == 400


def test_departments_filter_by_kind(cgj_api, cgj):
    rows = cgj_api.get(f"{API}departments/", {"kind": "functional", "page_size": 100})
    codes = [d["code"] for d in rows.json()["results"]]
    assert "cgj" in codes and "center" not in codes
    assert cgj_api.get(f"{API}departments/{cgj.pk}/").json()["name"] == cgj.name
    assert cgj_api.get(f"{API}departments/999999/").status_code == 404


def test_categories_filter_by_level_and_subtree(cgj_api):
    top = cgj_api.get(f"{API}categories/", {"level": 1}).json()["results"]
    assert top and {c["level"] for c in top} == {1}
    code = top[0]["code"]
    rows = cgj_api.get(f"{API}categories/", {"within": code, "page_size": 100}).json()
    assert all(c["code"].startswith(code) for c in rows["results"])


@pytest.mark.parametrize("page_size", [1, 100])
@pytest.mark.parametrize("endpoint", ["categories/", "regions/", "departments/"])
def test_reference_lists_do_not_grow_with_the_page(
    endpoint, page_size, cgj_api, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        response = cgj_api.get(f"{API}{endpoint}", {"page_size": page_size})
    assert len(response.json()["results"]) == page_size


def test_me_tells_the_roles_and_department(cgj_api, cgj, agent_api):
    me = cgj_api.get(f"{API}me/").json()
    assert me["department"]["code"] == "cgj"
    assert me["roles"] == ["handler"] and me["is_center"] is False
    assert me["token"] == "test"
    assert agent_api.get(f"{API}me/").json()["is_center"] is True


def test_login_returns_a_token_that_works(users):
    client = APIClient()
    response = client.post(
        f"{API}auth/token/",
        {"username": "handler", "password": DEMO_PASSWORD, "name": "ERP"},
        format="json",
    )
    assert response.status_code == 201, response.content
    key = response.json()["token"]
    token = ApiToken.objects.get(prefix=key[:10])
    assert token.user == users["handler"] and key not in token.key_hash
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get(f"{API}me/").json()["username"] == "handler"


def test_login_with_a_wrong_password_is_refused(users):
    response = APIClient().post(
        f"{API}auth/token/", {"username": "handler", "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_credentials"
    response = APIClient().post(f"{API}auth/token/", {}, format="json")
    assert set(error_of(response)["fields"]) == {"username", "password"}
