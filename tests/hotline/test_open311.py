"""A GeoReport v2 client's calls, in JSON and XML, and the standard's error answers."""

import xml.etree.ElementTree as ET

import pytest

from cases.models import Case, Category
from departments import tokens
from tests.apiutil import register

BASE = "/open311/v2/"


@pytest.fixture
def api_key(departments, users):
    _token, key = tokens.issue_token(
        departments["center"], actor=users["supervisor"], name="City app", scope="open311"
    )
    return key


@pytest.fixture
def service(db):
    return Category.objects.filter(level=3, public=True, is_active=True).order_by("code").first()


def submit(client, key, service, fmt="json", **fields):
    data = {
        "api_key": key,
        "service_code": service.code,
        "address_string": "长沙市岳麓区桔子洲街道",
        "description": "Pothole in front of the bus stop",
        "first_name": "明",
        "last_name": "王",
        "phone": "13812345678",
        **fields,
    }
    return client.post(f"{BASE}requests.{fmt}", data)


def test_services_list_in_json_and_xml(client, service):
    rows = client.get(f"{BASE}services.json").json()
    row = next(r for r in rows if r["service_code"] == service.code)
    assert row["service_name"] == service.name
    assert row["metadata"] is False and row["type"] == "realtime" and row["group"]
    response = client.get(f"{BASE}services.xml")
    assert response["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "services"
    codes = [s.findtext("service_code") for s in root.findall("service")]
    assert service.code in codes and len(codes) == len(rows)


def test_service_definition_and_unknown_service(client, service):
    definition = client.get(f"{BASE}services/{service.code}.json").json()
    assert definition == {"service_code": service.code, "attributes": []}
    response = client.get(f"{BASE}services/nope.json")
    assert response.status_code == 404
    assert response.json() == [{"code": 404, "description": "service_code nope not found"}]
    root = ET.fromstring(client.get(f"{BASE}services/nope.xml").content)
    assert root.tag == "errors" and root.find("error/code").text == "404"


def test_a_client_submits_then_follows_its_request(client, api_key, service):
    response = submit(client, api_key, service)
    assert response.status_code == 201, response.content
    [created] = response.json()
    number = created["service_request_id"]
    case = Case.objects.get(number=number)
    assert (case.channel, case.category, case.citizen_name) == ("open311", service, "王明")
    [row] = client.get(f"{BASE}requests/{number}.json").json()
    assert row["status"] == "open" and row["service_code"] == service.code
    assert "13812345678" not in str(row) and "王明" not in str(row)
    assert row["requested_datetime"].endswith("+08:00")
    [token] = client.get(f"{BASE}tokens/{number}.json").json()
    assert token["service_request_id"] == number
    listed = client.get(f"{BASE}requests.json", {"service_code": service.code}).json()
    assert number in [r["service_request_id"] for r in listed]
    root = ET.fromstring(client.get(f"{BASE}requests.xml", {"status": "open"}).content)
    assert root.tag == "service_requests"
    assert number in [r.findtext("service_request_id") for r in root.findall("request")]


def test_submission_in_xml(client, api_key, service):
    response = submit(client, api_key, service, fmt="xml")
    assert response.status_code == 201
    root = ET.fromstring(response.content)
    assert root.find("request/service_request_id").text.isdigit()


@pytest.mark.parametrize(
    ("fields", "status", "text"),
    [
        ({"api_key": "wrong"}, 403, "api_key"),
        ({"service_code": ""}, 400, "service_code was not provided"),
        ({"service_code": "nope"}, 404, "service_code nope not found"),
        ({"address_string": ""}, 400, "location"),
        ({"phone": "call me"}, 400, "phone"),
    ],
)
def test_submission_errors_as_the_standard_has_them(client, api_key, service, fields, status, text):
    before = Case.objects.count()
    response = submit(client, api_key, service, **fields)
    assert response.status_code == status
    [problem] = response.json()
    assert problem["code"] == status and text in problem["description"]
    assert Case.objects.count() == before


def test_a_rest_token_is_not_an_open311_key(client, departments, service):
    _token, key = tokens.issue_token(departments["center"], actor=None, name="rest")
    assert submit(client, key, service).status_code == 403


def test_public_reads_show_only_open311_requests_and_no_confidential_ones(
    client, users, api_key, service
):
    phone_case = register(users["agent"])
    submit(client, api_key, service)
    hidden = Case.objects.get(channel="open311")
    hidden.confidential = True
    hidden.save(update_fields=["confidential"])
    assert client.get(f"{BASE}requests.json").json() == []
    assert client.get(f"{BASE}requests/{phone_case.number}.json").status_code == 404
    assert client.get(f"{BASE}requests/{hidden.number}.json").status_code == 404


def test_search_filters_validate(client):
    response = client.get(f"{BASE}requests.json", {"start_date": "yesterday"})
    assert response.status_code == 400
    assert "start_date" in response.json()[0]["description"]
    response = client.get(f"{BASE}requests.json", {"status": "pending"})
    assert response.status_code == 400


def test_search_is_one_query_whatever_the_rows(
    client, api_key, service, django_assert_max_num_queries
):
    for n in range(3):
        submit(client, api_key, service, description=f"row {n}")
    with django_assert_max_num_queries(1):
        rows = client.get(f"{BASE}requests.json").json()
    assert len(rows) == 3
