"""Urge, supervise and answer a supervision order."""

import datetime

import pytest
from django.utils import timezone

from cases import services
from cases.events import EventType
from core.errors import ActionForbidden, InvalidInput, NotFound, TransitionNotAllowed
from tests.cases.lifecycle_world import register


def dispatched(w):
    case = register(w)
    assignment = services.dispatch_case(case, actor=w.agent, department=w.dept("cgj"))
    return case, assignment


def test_urge_by_an_agent_and_by_the_sweep(world):
    case, assignment = dispatched(world)
    services.urge_assignment(assignment, actor=world.agent, note="请尽快签收")
    services.urge_assignment(assignment, threshold="quarter_left")
    first, second = case.events.filter(type=EventType.URGED).order_by("id")
    assert first.actor == world.agent and first.data["automatic"] is False
    assert second.actor is None and second.data == {
        "note": "",
        "threshold": "quarter_left",
        "automatic": True,
    }
    with pytest.raises(ActionForbidden):
        services.urge_assignment(assignment, actor=world.handler)


def test_urge_after_the_reply_is_refused(world):
    _case, assignment = dispatched(world)
    services.sign_assignment(assignment, actor=world.handler)
    services.reply_assignment(assignment, actor=world.handler, result="resolved", content="好了")
    with pytest.raises(TransitionNotAllowed):
        services.urge_assignment(assignment)


def test_supervision_order_and_its_answer(world):
    case, assignment = dispatched(world)
    due = timezone.now() + datetime.timedelta(days=3)
    with pytest.raises(ActionForbidden):
        services.supervise_case(case, actor=world.agent, level="normal", reason="x", due_at=due)
    with pytest.raises(InvalidInput):
        services.supervise_case(
            case, actor=world.supervisor, level="normal", reason="x", due_at=timezone.now()
        )
    order = services.supervise_case(
        case,
        actor=world.supervisor,
        level="leader",
        reason="领导批示",
        due_at=due,
        instruction="请市城管局一周内解决",
    )
    assert order.department.code == "cgj" and order.assignment == assignment
    assert case.events.latest("id").type == EventType.SUPERVISED
    with pytest.raises(NotFound):
        services.answer_supervision(order, actor=world.handler2, answer="x")
    with pytest.raises(ActionForbidden):  # the center sees it but answers nothing
        services.answer_supervision(order, actor=world.agent, answer="x")
    order = services.answer_supervision(order, actor=world.handler, answer="已安排专人处理")
    assert order.status == "answered" and order.answered_by == world.handler
    assert case.events.latest("id").data["answer"] == "已安排专人处理"
    with pytest.raises(TransitionNotAllowed):
        services.answer_supervision(order, actor=world.handler, answer="again")
