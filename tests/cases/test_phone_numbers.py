"""One stored form of a phone number at every entrance: intake, API, /ask/ and Open311; caller
history and the phone filter find the caller however the number is spelled."""

from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse

from cases.models import Case, Category
from core.phones import TOO_SHORT
from departments import tokens
from tests.apiutil import API, error_of, register
from tests.cases.workbench import INTAKE

normalize_migration = import_module("cases.migrations.0005_normalize_citizen_phones")


def test_the_intake_page_stores_the_normalized_number(client_for, db):
    data = {**INTAKE, "citizen_phone": "+86 139-0000-1111", "intent": "save"}

    response = client_for("agent").post(reverse("cases:new"), data)

    assert response.status_code == 302
    assert Case.objects.filter(citizen_phone="13900001111").exists()


def test_the_intake_page_refuses_a_short_number_saying_why(client_for, db):
    data = {**INTAKE, "citizen_phone": "1234567", "intent": "save"}

    response = client_for("agent").post(reverse("cases:new"), data)

    assert response.status_code == 400
    assert str(TOO_SHORT) in response.content.decode()
    assert not Case.objects.filter(content=INTAKE["content"]).exists()


def test_caller_history_finds_the_caller_from_another_spelling(client_for, users):
    earlier = register(users["agent"], citizen_phone="01062345678")

    response = client_for("agent").get(
        reverse("cases:intake_caller"), {"citizen_phone": "+86 (10) 6234-5678"}
    )

    assert earlier.number in response.content.decode()


def test_the_api_stores_the_normalized_number_and_refuses_a_wrong_one(agent_api):
    new = {"channel": "phone", "request_type": "complaint", "content": "Noise at night"}

    created = agent_api.post(
        f"{API}cases/", {**new, "citizen_phone": "0086 139 1234 5678"}, format="json"
    )
    refused = agent_api.post(f"{API}cases/", {**new, "citizen_phone": "00000000000"}, format="json")

    assert created.status_code == 201, created.json()
    assert Case.objects.get(number=created.json()["number"]).citizen_phone == "13912345678"
    assert refused.status_code == 400
    assert "citizen_phone" in error_of(refused)["fields"]


def test_an_escalation_from_ask_stores_the_normalized_number(client, db):
    url = f"{API}kb/ask/"
    body = {"question": "社保卡补办", "escalate": {"name": "赵", "phone": "137-0000-1111"}}

    escalated = client.post(url, body, content_type="application/json")
    short = client.post(
        url,
        {**body, "escalate": {"name": "赵", "phone": "1234567"}},
        content_type="application/json",
    )

    assert escalated.status_code == 201
    assert Case.objects.get(number=escalated.json()["case_number"]).citizen_phone == "13700001111"
    assert short.status_code == 400 and "escalate.phone" in error_of(short)["fields"]


def test_open311_stores_the_normalized_number_and_refuses_a_wrong_one(client, departments, users):
    _token, key = tokens.issue_token(
        departments["center"], actor=users["supervisor"], name="City app", scope="open311"
    )
    service = Category.objects.filter(level=3, public=True, is_active=True).order_by("code")[0]
    post = {
        "api_key": key,
        "service_code": service.code,
        "address_string": "长沙市岳麓区桔子洲街道",
        "description": "Pothole in front of the bus stop",
    }

    created = client.post("/open311/v2/requests.json", {**post, "phone": "+86 138 1234 0000"})
    refused = client.post("/open311/v2/requests.json", {**post, "phone": "1234567"})

    assert created.status_code == 201
    number = created.json()[0]["service_request_id"]
    assert Case.objects.get(number=number).citizen_phone == "13812340000"
    assert refused.status_code == 400 and "phone" in refused.json()[0]["description"]


@pytest.mark.parametrize("typed", ["13812345678", "+86 138 1234 5678", "1234-5678", "138 1234"])
def test_the_center_filters_by_any_part_of_the_number_however_spelled(supervisor_api, users, typed):
    wanted = register(users["agent"], citizen_phone="13812345678")
    other = register(users["agent"], citizen_phone="13999990000")

    response = supervisor_api.get(f"{API}cases/", {"phone": typed})

    numbers = {row["number"] for row in response.json()["results"]}
    assert wanted.number in numbers and other.number not in numbers


def test_the_migration_normalizes_the_stored_numbers(users):
    spelled = register(users["agent"], citizen_phone="138-1234-5678")
    landline = register(users["agent"], citizen_phone="+86 10 6234 5678")
    garbage = register(users["agent"], citizen_phone="unknown")

    normalize_migration.normalize_stored_phones(apps, None)

    stored = dict(
        Case.objects.filter(pk__in=[spelled.pk, landline.pk, garbage.pk]).values_list(
            "pk", "citizen_phone"
        )
    )
    assert stored == {spelled.pk: "13812345678", landline.pk: "01062345678", garbage.pk: "unknown"}
