"""Handling services: progress, extensions, reply."""

import pytest

from cases import services
from cases.events import EventType
from core.errors import ActionForbidden, InvalidInput, NotFound, TransitionNotAllowed
from tests.cases.lifecycle_world import register


def signed(w, **fields):
    case = register(w, **fields)
    assignment = services.dispatch_case(case, actor=w.agent, department=w.dept("cgj"))
    services.sign_assignment(assignment, actor=w.handler)
    assignment.refresh_from_db()
    return case, assignment


def test_progress_is_a_timeline_entry(world):
    case, assignment = signed(world)
    services.add_progress(assignment, actor=world.handler, note="已联系施工方")
    event = case.events.latest("id")
    assert (event.type, event.data) == (EventType.PROGRESS, {"note": "已联系施工方"})
    with pytest.raises(NotFound):
        services.add_progress(assignment, actor=world.handler2, note="x")
    with pytest.raises(ActionForbidden):
        services.add_progress(assignment, actor=world.agent, note="x")


def test_extension_approved_moves_the_reply_deadline(world):
    case, assignment = signed(world)
    before = assignment.reply_due_at
    extension = services.request_extension(
        assignment, actor=world.handler, reason="需现场测量", days=5
    )
    assert extension.status == "pending" and extension.previous_due_at == before
    assert case.events.latest("id").type == EventType.EXTENSION_REQUESTED
    with pytest.raises(ActionForbidden):  # only a supervisor decides
        services.decide_extension(extension, actor=world.agent, approve=True)
    extension = services.decide_extension(extension, actor=world.supervisor, approve=True)
    assignment.refresh_from_db()
    case.refresh_from_db()
    assert extension.status == "approved" and extension.new_due_at > before
    assert assignment.reply_due_at == case.reply_due_at == extension.new_due_at
    assert assignment.extension_count == 1
    assert case.events.latest("id").data["approve"] is True
    with pytest.raises(TransitionNotAllowed):  # decided once
        services.decide_extension(extension, actor=world.supervisor, approve=False)


def test_extension_rejected_keeps_the_deadline(world):
    _case, assignment = signed(world)
    extension = services.request_extension(assignment, actor=world.handler, reason="x", days=2)
    services.decide_extension(extension, actor=world.supervisor, approve=False, note="理由不足")
    assignment.refresh_from_db()
    assert assignment.reply_due_at == extension.previous_due_at
    assert assignment.extension_count == 0


def test_extension_limits(world):
    _case, assignment = signed(world)
    with pytest.raises(InvalidInput) as error:
        services.request_extension(assignment, actor=world.handler, reason="x", days=11)
    assert error.value.field == "days"
    first = services.request_extension(assignment, actor=world.handler, reason="x", days=1)
    with pytest.raises(TransitionNotAllowed):  # one pending at a time
        services.request_extension(assignment, actor=world.handler, reason="x", days=1)
    services.decide_extension(first, actor=world.supervisor, approve=True)
    for _ in range(2):
        extension = services.request_extension(assignment, actor=world.handler, reason="x", days=1)
        services.decide_extension(extension, actor=world.supervisor, approve=True)
    with pytest.raises(TransitionNotAllowed) as error:
        services.request_extension(assignment, actor=world.handler, reason="x", days=1)
    assert "3 extensions" in error.value.message


def test_reply_resolves_the_case(world):
    case, assignment = signed(world)
    services.reply_assignment(
        assignment, actor=world.handler, result="explained", content="依政策解释"
    )
    case.refresh_from_db()
    assignment.refresh_from_db()
    assert case.status == "replied" and case.replied_at == assignment.replied_at
    assert assignment.reply_result == "explained" and assignment.status == "replied"
    assert case.events.latest("id").data["result"] == "explained"


def test_reply_refusals(world):
    case, assignment = signed(world)
    with pytest.raises(InvalidInput) as error:
        services.reply_assignment(assignment, actor=world.handler, result="done", content="x")
    assert error.value.field == "result"
    with pytest.raises(ActionForbidden):
        services.reply_assignment(assignment, actor=world.agent, result="resolved", content="x")
    with pytest.raises(NotFound):
        services.reply_assignment(assignment, actor=world.handler2, result="resolved", content="x")
    services.reply_assignment(assignment, actor=world.handler, result="resolved", content="x")
    with pytest.raises(TransitionNotAllowed) as error:
        services.reply_assignment(assignment, actor=world.handler, result="resolved", content="y")
    assert error.value.message.startswith(f"case {case.number} is replied;")
    assert case.events.filter(type=EventType.REPLIED).count() == 1


def test_reply_before_signing_is_refused(world):
    case = register(world)
    assignment = services.dispatch_case(case, actor=world.agent, department=world.dept("cgj"))
    with pytest.raises(TransitionNotAllowed):
        services.reply_assignment(assignment, actor=world.handler, result="resolved", content="x")


def test_co_handler_replies_without_moving_the_case(world):
    case = register(world)
    services.dispatch_case(
        case, actor=world.agent, department=world.dept("cgj"), co_departments=[world.dept("scjgj")]
    )
    co = case.assignments.get(role="co")
    services.sign_assignment(co, actor=world.handler2)
    services.reply_assignment(co, actor=world.handler2, result="resolved", content="已协助")
    case.refresh_from_db()
    co.refresh_from_db()
    assert co.status == "replied" and case.status == "dispatched"
