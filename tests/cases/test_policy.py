"""The policy's rules about cases, each with a test that fails when the rule is removed:
the district branch of the case scope, supervision orders seen only by their department,
one open order per case and level, the phone filter for departments, and the registry itself."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.db import IntegrityError, transaction
from django.urls import reverse

from cases import services
from cases.models import Case, SupervisionOrder
from cases.selectors import visible_assignments, visible_cases, visible_supervisions
from core import policy
from core.errors import TransitionNotAllowed
from tests.apiutil import user_client
from tests.cases.lifecycle_world import DISTRICT, STREET, latest, register

API = "/api/v1/"


def test_district_center_sees_the_cases_of_its_district_it_does_not_hold(world):
    # given: a case in a street of 天心区, held by 城管局 (not by the district center)
    street = world.dept(STREET).region
    inside = register(world, region=street)
    services.dispatch_case(inside, actor=world.agent, department=world.dept("cgj"))
    outside = register(world)  # no region: not the district's
    services.dispatch_case(outside, actor=world.agent, department=world.dept("cgj"))

    # then: the district center sees the case and its assignment through its territory only
    seen = set(visible_cases(world.district_handler).values_list("pk", flat=True))
    assert inside.pk in seen and outside.pk not in seen
    assignments = visible_assignments(world.district_handler)
    assert assignments.filter(case=inside).exists()
    assert not assignments.filter(case=outside).exists()
    assert policy.can(world.district_handler, "cases.view_case", inside)
    assert not policy.can(world.district_handler, "cases.view_case", outside)


def test_a_department_outside_the_district_does_not_see_it(world):
    inside = register(world, region=world.dept(STREET).region)
    services.dispatch_case(inside, actor=world.agent, department=world.dept(DISTRICT))
    assert not visible_cases(world.handler2).filter(pk=inside.pk).exists()


def _supervised_with_a_co_handler(world):
    case = register(world)
    services.dispatch_case(
        case,
        actor=world.agent,
        department=world.dept("cgj"),
        co_departments=[world.dept("scjgj")],
    )
    order = services.supervise_case(
        case,
        actor=world.supervisor,
        level="normal",
        reason="群众反映强烈",
        due_at=latest(case).reply_due_at,
    )
    return case, order


def test_a_co_handler_does_not_read_the_supervision_order_of_the_main_department(world, client):
    case, order = _supervised_with_a_co_handler(world)

    # the co-handler (市场监管局) sees the case, but not the order addressed to 城管局
    assert visible_cases(world.handler2).filter(pk=case.pk).exists()
    assert not visible_supervisions(world.handler2).filter(pk=order.pk).exists()
    api = user_client(world.handler2)
    assert api.get(f"{API}supervisions/{order.pk}/").status_code == 404
    assert order.pk not in [o["id"] for o in api.get(f"{API}supervisions/").json()["results"]]
    client.force_login(world.handler2)
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "群众反映强烈" not in page

    # the main department and the center do read it
    assert visible_supervisions(world.handler).filter(pk=order.pk).exists()
    assert visible_supervisions(world.agent).filter(pk=order.pk).exists()
    client.force_login(world.handler)
    assert (
        "群众反映强烈" in client.get(reverse("cases:detail", args=[case.number])).content.decode()
    )


def test_one_open_supervision_order_per_case_and_level(world):
    case, order = _supervised_with_a_co_handler(world)
    due = latest(case).reply_due_at

    with pytest.raises(TransitionNotAllowed) as refused:
        services.supervise_case(
            case, actor=world.supervisor, level="normal", reason="再次督办", due_at=due
        )
    assert case.number in refused.value.message and "open" in refused.value.message
    assert SupervisionOrder.objects.filter(case=case).count() == 1

    # another level is another order; an answered order frees its level again
    services.supervise_case(
        case, actor=world.supervisor, level="important", reason="加急", due_at=due
    )
    services.answer_supervision(order, actor=world.handler, answer="已处理")
    services.supervise_case(case, actor=world.supervisor, level="normal", reason="再次", due_at=due)
    assert SupervisionOrder.objects.filter(case=case).count() == 3


def test_the_database_refuses_a_second_open_order_of_the_same_level(world):
    case, order = _supervised_with_a_co_handler(world)
    twin = SupervisionOrder(
        case=case,
        department=order.department,
        level=order.level,
        reason="twin",
        opened_by=world.supervisor,
        opened_at=order.opened_at,
        due_at=order.due_at,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_a_department_cannot_search_by_phone_and_the_center_by_any_part(world, client, users):
    case = register(world, citizen_phone="13812345678")
    services.dispatch_case(case, actor=world.agent, department=world.dept("cgj"))

    refused = user_client(world.handler).get(f"{API}cases/", {"phone": "5678"})
    assert refused.status_code == 400
    assert "4395" not in refused.content.decode() and case.number not in refused.content.decode()
    client.force_login(world.handler)
    page = client.get(reverse("cases:list"), {"phone": "5678"})
    assert case.number not in page.content.decode()
    assert "Only the hotline center searches cases by phone number." in page.content.decode()

    for part in ("5678", "138123", "13812345678"):
        found = user_client(world.agent).get(f"{API}cases/", {"phone": part}).json()["results"]
        assert case.number in [c["number"] for c in found], part


def test_an_unknown_action_or_model_is_an_error_not_a_yes(users):
    with pytest.raises(LookupError):
        policy.can(users["supervisor"], "cases.no_such_action")
    with pytest.raises(LookupError):
        policy.scope(users["supervisor"], policy_less_queryset())


def policy_less_queryset():
    return Group.objects.all()  # a model no app registered a scope for


def test_anonymous_users_may_nothing_and_see_nothing(db):
    anonymous = AnonymousUser()
    assert not policy.can(anonymous, "cases.work_as_center")
    assert not policy.scope(anonymous, Case.objects.all()).exists()
    assert not policy.can(None, "cases.see_identity")
