"""Re-dispatch and jurisdiction disputes on the API, through the same services as the pages."""

import pytest
from django.test import Client

from cases import services
from cases.models import Assignment, Case, CaseEvent, Dispute
from departments.models import Region
from tests.apiutil import API, dispatched, error_of, token_client, user_client

pytestmark = pytest.mark.django_db

TIANXIN_STREET = "430103002"  # 坡子街街道, 天心区


def snapshot(case):
    return (
        Case.objects.filter(pk=case.pk).values().get(),
        list(Assignment.objects.filter(case=case).order_by("id").values()),
        list(Dispute.objects.filter(case=case).values()),
        CaseEvent.objects.filter(case=case).count(),
    )


@pytest.fixture
def at_the_district(users, departments):
    """A case in 天心区 dispatched to 天心区's district center."""
    region = Region.objects.get(code=TIANXIN_STREET)
    return dispatched(users["agent"], departments["d-430103"], region=region)


def test_the_district_center_redispatches_inside_its_territory(at_the_district, departments):
    case, assignment = at_the_district
    district = token_client(departments["d-430103"])
    url = f"{API}assignments/{assignment.pk}/redispatch/"
    street = departments["s-430103002"].pk
    # anonymous: 401; another department: 404
    assert Client().post(url, {}, content_type="application/json").status_code == 401
    other = token_client(departments["cgj"]).post(url, {"department": street}, format="json")
    assert (other.status_code, error_of(other)["code"]) == (404, "not_found")
    # success: the new assignment, held by the street office
    response = district.post(url, {"department": street, "note": "属地处理"}, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["department"], response.json()["status"]) == (street, "dispatched")
    # refusal: the passed-on assignment cannot be re-dispatched again; nothing changes
    before = snapshot(case)
    again = district.post(url, {"department": street}, format="json")
    assert (again.status_code, error_of(again)["code"]) == (409, "transition_not_allowed")
    assert snapshot(case) == before


def test_a_supervisor_opens_and_decides_a_dispute(users, departments):
    case, assignment = dispatched(users["agent"], departments["cgj"])
    services.return_assignment(assignment, actor=users["handler"], reason="不归我们管")
    supervisor, url = user_client(users["supervisor"]), f"{API}cases/{case.number}/"
    # anonymous: 401; a department that holds nothing of the case: 404; an agent: 403
    assert Client().post(f"{url}open-dispute/").status_code == 401
    foreign = user_client(users["handler2"]).post(f"{url}open-dispute/", {"reason": "x"})
    assert foreign.status_code == 404
    agent = user_client(users["agent"]).post(f"{url}open-dispute/", {"reason": "x"})
    assert agent.status_code == 403
    # refusal: nothing to decide before the dispute is opened; nothing changes
    scjgj = departments["scjgj"].pk
    before = snapshot(case)
    early = supervisor.post(f"{url}decide-dispute/", {"department": scjgj}, format="json")
    assert (early.status_code, error_of(early)["code"]) == (409, "transition_not_allowed")
    assert snapshot(case) == before
    # success: opened, then decided for 市场监管局, which is dispatched
    opened = supervisor.post(f"{url}open-dispute/", {"reason": "互相推诿"}, format="json")
    assert opened.json()["status"] == "disputed"
    decided = supervisor.post(
        f"{url}decide-dispute/", {"department": scjgj, "note": "食品归市场监管"}, format="json"
    )
    assert decided.json()["status"] == "dispatched"
    assert decided.json()["main_department"] == scjgj
    # refusal: decided once only
    before = snapshot(case)
    twice = supervisor.post(f"{url}decide-dispute/", {"department": scjgj}, format="json")
    assert twice.status_code == 409 and snapshot(case) == before
