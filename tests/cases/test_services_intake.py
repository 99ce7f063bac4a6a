"""Intake services: register, answer, transfer, invalidate, merge."""

import datetime

import pytest

from cases import services
from cases.events import EventType
from cases.models import Case, CaseEvent
from core.errors import ActionForbidden, InvalidInput, NotFound, TransitionNotAllowed
from tests.cases.lifecycle_world import register


def only_event(case: Case) -> CaseEvent:
    return case.events.order_by("-id").first()


def test_register_numbers_the_case_and_writes_the_first_event(
    world,
    django_capture_on_commit_callbacks,
    caplog,
):
    caplog.set_level("INFO", logger="cases.events")
    with django_capture_on_commit_callbacks() as committed:
        case = register(world, urgency="urgent", request_type="report")
    logged_before_commit = [r for r in caplog.records if r.name == "cases.events"]
    for callback in committed:
        callback()
    heard = [r.getMessage() for r in caplog.records if r.name == "cases.events"]
    assert case.status == "registered" and case.urgency == "urgent"
    assert len(case.number) == 13 and case.number.startswith(datetime.date.today().strftime("%Y%m"))
    event = case.events.get()
    assert (event.type, event.actor, event.data["request_type"]) == (
        EventType.REGISTERED,
        world.agent,
        "report",
    )
    assert logged_before_commit == []
    assert heard == [f"{EventType.REGISTERED} {case.number}"]  # the deferred side effect


def test_register_refuses_bad_input_and_keeps_nothing(world):
    count = Case.objects.count()
    with pytest.raises(InvalidInput) as error:
        register(world, channel="fax")
    assert error.value.field == "channel"
    with pytest.raises(InvalidInput) as error:
        register(world, content="   ")
    assert error.value.field == "content"
    assert Case.objects.count() == count


def test_anonymous_registration_keeps_no_name(world):
    case = register(world, anonymous=True, citizen_name="张三")
    assert case.citizen_name == "" and case.anonymous


@pytest.mark.parametrize("who", ["handler", "district_handler"])
def test_departments_cannot_register(world, who):
    with pytest.raises(ActionForbidden):
        services.register_case(
            actor=getattr(world, who), channel="web", request_type="help", content="求助"
        )


def test_answer_cites_articles(world):
    case = register(world, request_type="consultation")
    case = services.answer_case(case, actor=world.agent, answer="社保卡可在银行网点补办。")
    assert case.status == "answered" and case.answer.startswith("社保卡")
    assert only_event(case).type == EventType.ANSWERED
    assert only_event(case).data == {"articles": []}


def test_answer_needs_the_answer_and_the_center(world):
    case = register(world)
    with pytest.raises(InvalidInput):
        services.answer_case(case, actor=world.agent, answer="")
    with pytest.raises(NotFound):  # a department does not even see an undispatched case
        services.answer_case(case, actor=world.handler, answer="x")
    case.refresh_from_db()
    assert case.status == "registered" and case.events.count() == 1


def test_transfer_to_an_emergency_line(world):
    case = register(world)
    case = services.transfer_case(
        case, actor=world.agent, to=world.dept("hotline-120"), reason="急病"
    )
    assert case.status == "transferred" and case.transferred_to.code == "hotline-120"
    assert only_event(case).data["to"] == "hotline-120"


def test_transfer_to_12333_and_not_to_a_department(world):
    case = register(world)
    with pytest.raises(InvalidInput) as error:
        services.transfer_case(case, actor=world.agent, to=world.dept("cgj"), reason="x")
    assert error.value.field == "to"
    case = services.transfer_case(
        case, actor=world.agent, to=world.dept("sub-12333"), reason="社保咨询"
    )
    assert case.status == "transferred"


def test_invalidate_and_then_nothing_more(world):
    case = services.invalidate_case(register(world), actor=world.supervisor, reason="无声电话")
    assert case.status == "invalid" and only_event(case).data == {"reason": "无声电话"}
    with pytest.raises(TransitionNotAllowed) as error:
        services.dispatch_case(case, actor=world.agent, department=world.dept("cgj"))
    assert error.value.message == (
        f"case {case.number} is invalid; only registered cases can be dispatched"
    )


def test_merge_into_a_live_parent(world):
    parent, child = register(world), register(world)
    child = services.merge_case(child, actor=world.agent, parent=parent)
    assert child.status == "merged" and child.parent == parent
    assert only_event(child).data == {"parent": parent.number}
    assert parent.events.count() == 1  # one event per transition: on the child only


def test_merge_refuses_itself_and_dead_parents(world):
    case, parent = register(world), register(world)
    with pytest.raises(InvalidInput):
        services.merge_case(case, actor=world.agent, parent=case)
    services.invalidate_case(parent, actor=world.agent, reason="测试")
    with pytest.raises(InvalidInput) as error:
        services.merge_case(case, actor=world.agent, parent=parent)
    assert parent.number in error.value.message
    case.refresh_from_db()
    assert case.status == "registered" and case.parent is None
