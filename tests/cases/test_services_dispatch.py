"""Dispatch services: dispatch, re-dispatch, sign, return, review, disputes."""

import datetime

import pytest

from cases import services
from cases.events import EventType
from cases.models import Assignment
from core.errors import ActionForbidden, InvalidInput, NotFound, TransitionNotAllowed
from tests.cases.lifecycle_world import DISTRICT, STREET, register


def dispatched(w, department="cgj", **fields):
    case = register(w, **fields)
    assignment = services.dispatch_case(case, actor=w.agent, department=w.dept(department))
    case.refresh_from_db()
    return case, assignment


def test_dispatch_with_co_handlers_sets_every_deadline(world):
    case = register(world, request_type="consultation")
    main = services.dispatch_case(
        case,
        actor=world.agent,
        department=world.dept("cgj"),
        co_departments=[world.dept("scjgj")],
        note="请会同市场监管局处理",
    )
    case.refresh_from_db()
    assert case.status == "dispatched" and case.main_department.code == "cgj"
    assert case.reply_due_at == main.reply_due_at
    co = case.assignments.get(role="co")
    assert co.department.code == "scjgj" and co.status == "dispatched"
    assert main.sign_due_at < main.return_due_at < main.reply_due_at
    event = case.events.latest("id")
    assert (event.type, event.assignment, event.data["co"]) == (
        EventType.DISPATCHED,
        main,
        ["scjgj"],
    )


def test_dispatch_refuses_hotlines_and_duplicates(world):
    case = register(world)
    with pytest.raises(InvalidInput):
        services.dispatch_case(case, actor=world.agent, department=world.dept("hotline-110"))
    with pytest.raises(InvalidInput):
        services.dispatch_case(
            case,
            actor=world.agent,
            department=world.dept("cgj"),
            co_departments=[world.dept("cgj")],
        )
    assert not case.assignments.exists()


def test_dispatch_is_the_centers_job(world):
    case, _assignment = dispatched(world)
    with pytest.raises(ActionForbidden):  # the handler sees the case but cannot dispatch
        services.dispatch_case(case, actor=world.handler, department=world.dept("scjgj"))


def test_urgent_cases_are_signed_within_clock_minutes(world):
    _, assignment = dispatched(world, urgency="extra_urgent")
    assert assignment.sign_due_at - assignment.dispatched_at == datetime.timedelta(minutes=15)


def test_sign_by_the_department(world):
    case, assignment = dispatched(world)
    assignment = services.sign_assignment(assignment, actor=world.handler)
    case.refresh_from_db()
    assert case.status == "in_progress" and assignment.status == "signed"
    assert assignment.signed_by == world.handler
    event = case.events.latest("id")
    assert event.type == EventType.SIGNED and event.data["late"] is False


def test_sign_refusals_agent_other_department_and_twice(world):
    case, assignment = dispatched(world)
    with pytest.raises(ActionForbidden) as error:  # an agent cannot sign for a department
        services.sign_assignment(assignment, actor=world.agent)
    assert case.number in error.value.message
    with pytest.raises(NotFound):  # another department's assignment does not exist for them
        services.sign_assignment(assignment, actor=world.handler2)
    services.sign_assignment(assignment, actor=world.handler)
    with pytest.raises(TransitionNotAllowed) as error:
        services.sign_assignment(assignment, actor=world.handler)
    assert error.value.message == (
        f"case {case.number} is in progress; only dispatched cases can be signed for"
    )
    assert case.events.filter(type=EventType.SIGNED).count() == 1


def test_late_signing_is_recorded(world):
    case, assignment = dispatched(world)
    services.sign_assignment(
        assignment, actor=world.handler, at=assignment.sign_due_at + datetime.timedelta(minutes=1)
    )
    assert case.events.latest("id").data["late"] is True


def test_co_handler_signs_without_moving_the_case(world):
    case = register(world)
    services.dispatch_case(
        case, actor=world.agent, department=world.dept("cgj"), co_departments=[world.dept("scjgj")]
    )
    co = case.assignments.get(role="co")
    services.sign_assignment(co, actor=world.handler2)
    case.refresh_from_db()
    assert case.status == "dispatched"
    with pytest.raises(TransitionNotAllowed):  # co-handlers cannot return
        services.return_assignment(co, actor=world.handler2, reason="x")


def test_return_accept_and_redispatch(world):
    case, assignment = dispatched(world)
    services.return_assignment(
        assignment,
        actor=world.handler,
        reason="属于市场监管职责",
        suggested_department=world.dept("scjgj"),
    )
    case.refresh_from_db()
    assert case.status == "return_review"
    assert case.events.latest("id").data["suggested_department"] == "scjgj"
    with pytest.raises(ActionForbidden):  # only a supervisor reviews
        services.review_return(assignment, actor=world.agent, accept=True)
    services.review_return(assignment, actor=world.supervisor, accept=True, note="同意")
    case.refresh_from_db()
    assignment.refresh_from_db()
    assert case.status == "registered" and case.main_department is None
    assert assignment.status == "returned" and assignment.return_count == 1
    assert case.events.latest("id").type == EventType.RETURN_ACCEPTED
    services.dispatch_case(case, actor=world.agent, department=world.dept("scjgj"))


def test_return_rejected_goes_back_to_the_department(world):
    case, assignment = dispatched(world)
    services.return_assignment(assignment, actor=world.handler, reason="不归我们管")
    services.review_return(assignment, actor=world.supervisor, accept=False, note="属于城管职责")
    case.refresh_from_db()
    assignment.refresh_from_db()
    assert case.status == "dispatched" and assignment.status == "dispatched"
    assert case.events.latest("id").type == EventType.RETURN_REJECTED


def test_return_after_the_window_is_refused(world):
    _case, assignment = dispatched(world)
    late = assignment.return_due_at + datetime.timedelta(minutes=1)
    with pytest.raises(TransitionNotAllowed) as error:
        services.return_assignment(assignment, actor=world.handler, reason="x", at=late)
    # the refusal points at the real action: a center supervisor's take-back
    assert "take the case back and reassign it" in error.value.message
    assert "Take back and reassign" in error.value.message
    assert Assignment.objects.get(pk=assignment.pk).status == "dispatched"


def test_dispute_opened_and_decided(world):
    case, assignment = dispatched(world)
    services.return_assignment(
        assignment, actor=world.handler, reason="x", suggested_department=world.dept("scjgj")
    )
    dispute = services.open_dispute(case, actor=world.supervisor, reason="城管与市场监管互相推诿")
    case.refresh_from_db()
    assert case.status == "disputed"
    assert {d.code for d in dispute.departments.all()} == {"cgj", "scjgj"}
    with pytest.raises(ActionForbidden):
        services.decide_dispute(dispute, actor=world.agent, department=world.dept("cgj"))
    main = services.decide_dispute(dispute, actor=world.supervisor, department=world.dept("cgj"))
    dispute.refresh_from_db()
    case.refresh_from_db()
    assert dispute.status == "decided" and dispute.decided_department.code == "cgj"
    assert case.status == "dispatched" and main.return_due_at is None
    with pytest.raises(TransitionNotAllowed):  # the decided department cannot return it
        services.return_assignment(main, actor=world.handler, reason="still not ours")


def test_district_center_redispatches_inside_its_territory(world):
    case, assignment = dispatched(world, department=DISTRICT)
    with pytest.raises(InvalidInput):  # a street of another district
        services.redispatch_assignment(
            assignment, actor=world.district_handler, department=world.dept("s-430102001")
        )
    with pytest.raises(NotFound):  # another department's staff
        services.redispatch_assignment(
            assignment, actor=world.handler, department=world.dept(STREET)
        )
    child = services.redispatch_assignment(
        assignment, actor=world.district_handler, department=world.dept(STREET), note="请街道处理"
    )
    case.refresh_from_db()
    assignment.refresh_from_db()
    assert assignment.status == "redispatched" and child.parent == assignment
    assert case.status == "dispatched" and case.main_department.code == STREET
    assert case.events.latest("id").type == EventType.REDISPATCHED


def test_functional_departments_cannot_redispatch(world):
    _case, assignment = dispatched(world)
    with pytest.raises(ActionForbidden):
        services.redispatch_assignment(
            assignment, actor=world.handler, department=world.dept(STREET)
        )
