"""After the reply: callbacks, reopening, parking and closing; plus allowed_actions."""

import pytest

from cases import services
from cases.events import EventType
from core.errors import ActionForbidden, InvalidInput, TransitionNotAllowed
from tests.cases.lifecycle_world import latest, register, satisfied_callback


def replied(w):
    case = register(w)
    assignment = services.dispatch_case(case, actor=w.agent, department=w.dept("cgj"))
    services.sign_assignment(assignment, actor=w.handler)
    services.reply_assignment(
        assignment, actor=w.handler, result="unresolved", content="暂无法解决"
    )
    case.refresh_from_db()
    return case


def test_callback_attempts_then_a_rating(world):
    case = replied(world)
    first = services.record_callback(case, actor=world.agent, reached=False, note="无人接听")
    case.refresh_from_db()
    assert first.reached is False and case.satisfaction == "" and case.status == "replied"
    services.record_callback(
        case, actor=world.agent, reached=True, resolved=False, satisfaction="unsatisfied"
    )
    case.refresh_from_db()
    assert (case.resolved, case.satisfaction) == (False, "unsatisfied")
    assert case.callbacks.count() == 2
    assert case.events.filter(type=EventType.CALLBACK).count() == 2


def test_callback_input_is_checked(world):
    case = replied(world)
    with pytest.raises(InvalidInput):  # unreached, yet rated
        services.record_callback(case, actor=world.agent, reached=False, satisfaction="satisfied")
    with pytest.raises(InvalidInput):  # reached, unrated
        services.record_callback(case, actor=world.agent, reached=True)
    with pytest.raises(ActionForbidden):  # departments do not call back
        services.record_callback(case, actor=world.handler, reached=False)
    assert case.callbacks.count() == 0


def test_callback_before_the_reply_is_refused(world):
    case = register(world)
    with pytest.raises(TransitionNotAllowed) as error:
        services.record_callback(case, actor=world.agent, reached=False)
    assert error.value.message == (
        f"case {case.number} is registered; only replied, answered or merged cases can be "
        "called back"
    )


def test_reopen_goes_back_to_the_department_then_parks(world, settings):
    settings.HOTLINE_MAX_REOPENS = 1
    case = replied(world)
    with pytest.raises(ActionForbidden):  # supervisors reopen
        services.reopen_case(case, actor=world.agent, reason="不满意")
    case = services.reopen_case(case, actor=world.supervisor, reason="市民不满意")
    assert case.status == "dispatched" and case.reopen_count == 1
    again = latest(case)
    assert again.department.code == "cgj" and again.status == "dispatched"
    assert case.events.latest("id").type == EventType.REOPENED
    services.sign_assignment(again, actor=world.handler)
    services.reply_assignment(again, actor=world.handler, result="unresolved", content="仍无法解决")
    case = services.reopen_case(case, actor=world.supervisor, reason="历史遗留问题")
    assert case.status == "parked" and case.closed_at is not None
    event = case.events.latest("id")
    assert (event.type, event.data["reason"]) == (EventType.PARKED, "历史遗留问题")


def test_close_and_reopen_a_closed_case(world):
    case = replied(world)
    satisfied_callback(world, case)
    case = services.close_case(case, actor=world.agent, note="已回访")
    assert case.status == "closed" and case.closed_at is not None
    assert case.events.latest("id").type == EventType.CLOSED
    with pytest.raises(TransitionNotAllowed):
        services.close_case(case, actor=world.agent)
    case = services.reopen_case(case, actor=world.supervisor, reason="市民再次反映")
    assert case.status == "dispatched" and case.closed_at is None


def test_allowed_actions_follow_table_role_and_scope(world):
    case = register(world)
    assert services.allowed_actions(case, world.agent) == [
        "answer",
        "transfer",
        "invalidate",
        "merge",
        "dispatch",
    ]
    assert services.allowed_actions(case, world.handler) == []
    assignment = services.dispatch_case(case, actor=world.agent, department=world.dept("cgj"))
    case.refresh_from_db()
    assert services.allowed_actions(case, world.handler) == ["sign", "return"]
    assert services.allowed_actions(case, world.handler2) == []
    assert "supervise" in services.allowed_actions(case, world.supervisor)
    assert "supervise" not in services.allowed_actions(case, world.agent)
    services.sign_assignment(assignment, actor=world.handler)
    case.refresh_from_db()
    assert services.allowed_actions(case, world.handler) == [
        "request_extension",
        "add_progress",
        "reply",
        "return",  # signed, and still inside the return window (issue 14)
    ]


def test_a_co_handler_is_offered_the_actions_on_its_own_assignment(world):
    case = register(world)
    main = services.dispatch_case(
        case, actor=world.agent, department=world.dept("cgj"), co_departments=[world.dept("scjgj")]
    )
    case.refresh_from_db()
    # handler2 works for 市场监管局, the co-handler: it may sign its own dispatch; only the
    # main department returns a case (ASSIGNMENT_TRANSITIONS), so no return is offered
    assert services.allowed_actions(case, world.handler2) == ["sign"]
    services.sign_assignment(main, actor=world.handler)
    case.refresh_from_db()
    # the case is in progress, the co-handler's own dispatch still waits to be signed
    assert services.allowed_actions(case, world.handler2) == ["sign"]
    co = case.assignments.get(department=world.dept("scjgj"))
    services.sign_assignment(co, actor=world.handler2)
    assert services.allowed_actions(case, world.handler2) == [
        "request_extension",
        "add_progress",
        "reply",
    ]
