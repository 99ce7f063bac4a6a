"""The callback rules that protect the citizen, merged duplicates, the decision queue (研判),
supervision review with the leader's instruction, and joint consultation (会商)."""

import datetime

import pytest
from django.utils import timezone

from cases import services
from cases.events import EventType
from cases.models import Case, Consultation
from core.errors import ActionForbidden, InvalidInput, NotFound, TransitionNotAllowed
from departments.models import WebhookDelivery, WebhookEndpoint
from tests.cases.lifecycle_world import latest, register, satisfied_callback


def replied(w, **fields):
    case = register(w, **fields)
    assignment = services.dispatch_case(case, actor=w.agent, department=w.dept("cgj"))
    services.sign_assignment(assignment, actor=w.handler)
    services.reply_assignment(assignment, actor=w.handler, result="resolved", content="已处理。")
    case.refresh_from_db()
    return case


def state(case: Case) -> tuple:
    case.refresh_from_db()
    return (case.status, case.closed_at, case.events.count(), case.callbacks.count())


def unreached(w, case, days_ago: int):
    at = timezone.now() - datetime.timedelta(days=days_ago)
    case.refresh_from_db()
    case.replied_at = at - datetime.timedelta(hours=1)  # the reply came before the attempts
    case.save(update_fields=["replied_at"])
    return services.record_callback(case, actor=w.agent, reached=False, note="无人接听", at=at)


# ---------------------------------------------------------------- closing only on a callback


def test_a_replied_case_without_a_callback_is_not_closed(world):
    case = replied(world)
    before = state(case)
    with pytest.raises(TransitionNotAllowed) as refusal:
        services.close_case(case, actor=world.agent)
    assert refusal.value.code == "callback_required" and case.number in refusal.value.message
    assert state(case) == before


def test_an_unsatisfied_verdict_never_closes(world):
    case = replied(world)
    services.record_callback(
        case, actor=world.agent, reached=True, resolved=False, satisfaction="unsatisfied"
    )
    before = state(case)
    with pytest.raises(TransitionNotAllowed):
        services.close_case(case, actor=world.agent)
    with pytest.raises(TransitionNotAllowed):  # the same step: no second callback either
        services.complete_callback(
            case, actor=world.agent, reached=True, satisfaction="basically_satisfied",
            resolved=False, then="close",
        )  # fmt: skip
    assert state(case) == before


def test_not_reached_on_enough_different_days_closes_by_the_recorded_rule(world, settings):
    settings.HOTLINE_CALLBACK_ATTEMPTS = 2
    case = replied(world)
    unreached(world, case, days_ago=3)
    unreached(world, case, days_ago=3)  # the same day twice counts once
    with pytest.raises(TransitionNotAllowed) as refusal:
        services.close_case(case, actor=world.agent)
    assert refusal.value.code == "callback_required"
    services.record_callback(case, actor=world.agent, reached=False, note="关机")
    case = services.close_case(case, actor=world.agent)
    assert case.status == "closed"
    closed = case.events.latest("id")
    assert (closed.data["basis"], closed.data["attempts"]) == ("not_reached", 3)


def test_the_agent_reopens_on_the_citizens_word(world):
    case = replied(world)
    with pytest.raises(InvalidInput):  # a reopening says why
        services.complete_callback(
            case, actor=world.agent, reached=True, resolved=False,
            satisfaction="unsatisfied", then="reopen",
        )  # fmt: skip
    services.complete_callback(
        case, actor=world.agent, reached=True, resolved=False,
        satisfaction="unsatisfied", note="噪音依旧", then="reopen",
    )  # fmt: skip
    case.refresh_from_db()
    assert case.status == "dispatched" and case.reopen_count == 1
    assert latest(case).department.code == "cgj"


def test_a_satisfied_citizen_is_not_reopened_by_the_agent(world):
    case = replied(world)
    before = state(case)
    with pytest.raises(ActionForbidden):  # nothing the citizen said asks for it: a supervisor's
        services.complete_callback(
            case, actor=world.agent, reached=True, resolved=True,
            satisfaction="satisfied", note="想再查查", then="reopen",
        )  # fmt: skip
    assert state(case) == before


# ---------------------------------------------------------------- the decision queue


def test_the_sms_surveys_unsatisfied_answer_lands_in_the_decision_queue(world):
    case = replied(world)
    callback = services.record_callback(
        case, actor=None, channel="sms", reached=True, resolved=None, satisfaction="unsatisfied"
    )
    case.refresh_from_db()
    assert (callback.channel, callback.agent, case.status) == ("sms", None, "decision")
    assert [e.type for e in case.events.order_by("-id")[:2]] == [
        EventType.REFERRED,
        EventType.CALLBACK,
    ]
    with pytest.raises(InvalidInput):
        services.record_callback(case, actor=None, channel="fax", reached=False)


def test_only_a_supervisor_closes_from_the_decision_queue_with_a_reason(world):
    case = replied(world)
    services.refer_to_decision(case, actor=world.agent, note="市民不满意")
    before = state(case)
    with pytest.raises(ActionForbidden):
        services.conclude_case(case, actor=world.agent, reason="x")
    with pytest.raises(InvalidInput):
        services.conclude_case(case, actor=world.supervisor, reason="  ")
    with pytest.raises(NotFound):
        services.conclude_case(case, actor=world.handler2, reason="x")
    assert state(case) == before
    case = services.conclude_case(case, actor=world.supervisor, reason="诉求超出政策范围，已解释")
    assert case.status == "closed" and case.closed_at is not None
    assert case.events.latest("id").data == {"reason": "诉求超出政策范围，已解释"}


def test_a_supervisor_parks_from_the_decision_queue_only(world):
    case = replied(world)
    with pytest.raises(TransitionNotAllowed):
        services.park_case(case, actor=world.supervisor, reason="历史遗留")
    services.refer_to_decision(case, actor=world.agent)
    case = services.park_case(case, actor=world.supervisor, reason="历史遗留")
    assert case.status == "parked"
    assert case.events.latest("id").type == EventType.PARKED


# ---------------------------------------------------------------- merged duplicates


def test_merged_duplicates_hear_the_reply_and_close_with_their_parent(world):
    # given a parent and a duplicate merged into it
    parent = register(world)
    duplicate = register(world, citizen_phone="13900001111")
    services.merge_case(duplicate, actor=world.agent, parent=parent)
    assignment = services.dispatch_case(parent, actor=world.agent, department=world.dept("cgj"))
    services.sign_assignment(assignment, actor=world.handler)
    # when the parent is replied, the duplicate hears it on its own timeline
    services.reply_assignment(assignment, actor=world.handler, result="resolved", content="已停工")
    duplicate.refresh_from_db()
    heard = duplicate.events.latest("id")
    assert (heard.type, heard.data["reply"], heard.data["parent"]) == (
        EventType.PARENT_REPLIED,
        "已停工",
        parent.number,
    )
    assert duplicate.replied_at is not None
    # then the parent does not close before the duplicate's citizen is called back
    parent.refresh_from_db()
    satisfied_callback(world, parent)
    before = state(duplicate)
    with pytest.raises(TransitionNotAllowed) as refusal:
        services.close_case(parent, actor=world.agent)
    assert duplicate.number in refusal.value.message
    assert state(duplicate) == before and Case.objects.get(pk=parent.pk).status == "replied"
    satisfied_callback(world, duplicate)
    services.close_case(parent, actor=world.agent, note="回访完毕")
    duplicate.refresh_from_db()
    assert duplicate.status == "merged" and duplicate.closed_at is not None
    closed = duplicate.events.latest("id")
    assert (closed.type, closed.data["with_parent"], closed.data["basis"]) == (
        EventType.CLOSED,
        parent.number,
        "callback",
    )


def test_the_callback_queue_lists_the_duplicates_waiting(world, client):
    parent = register(world)
    duplicate = register(world, citizen_phone="13900001111")
    services.merge_case(duplicate, actor=world.agent, parent=parent)
    assignment = services.dispatch_case(parent, actor=world.agent, department=world.dept("cgj"))
    services.sign_assignment(assignment, actor=world.handler)
    services.reply_assignment(assignment, actor=world.handler, result="resolved", content="已停工")
    client.force_login(world.agent)
    numbers = [c.number for c in client.get("/cases/callbacks/").context["page"].items]
    assert sorted(numbers) == sorted([parent.number, duplicate.number])


# ---------------------------------------------------------------- supervision review


def order_on(w, *, level="normal", instruction=""):
    case = register(w)
    services.dispatch_case(case, actor=w.agent, department=w.dept("cgj"))
    case.refresh_from_db()
    due = timezone.now() + datetime.timedelta(days=3)
    order = services.supervise_case(
        case, actor=w.supervisor, level=level, reason="群众反映强烈", due_at=due,
        instruction=instruction,
    )  # fmt: skip
    return case, order


def test_a_leaders_order_carries_the_instruction(world):
    case = register(world)
    services.dispatch_case(case, actor=world.agent, department=world.dept("cgj"))
    due = timezone.now() + datetime.timedelta(days=3)
    with pytest.raises(InvalidInput) as refusal:
        services.supervise_case(
            case, actor=world.supervisor, level="leader", reason="x", due_at=due
        )
    assert refusal.value.field == "instruction"
    assert not case.supervisions.exists()
    _case, order = order_on(world, level="leader", instruction="三日内解决并报告")
    assert order.instruction == "三日内解决并报告"


def test_the_center_accepts_or_sends_back_an_answer(world):
    case, order = order_on(world)
    with pytest.raises(TransitionNotAllowed):  # not answered yet
        services.review_supervision(order, actor=world.supervisor, accept=True)
    services.answer_supervision(order, actor=world.handler, answer="已安排")
    with pytest.raises(ActionForbidden):
        services.review_supervision(order, actor=world.agent, accept=True)
    with pytest.raises(InvalidInput):  # a sent-back answer says why
        services.review_supervision(order, actor=world.supervisor, accept=False)
    order = services.review_supervision(
        order, actor=world.supervisor, accept=False, note="答复不具体"
    )
    assert (order.status, order.sent_back_count) == ("open", 1)
    assert case.events.latest("id").type == EventType.SUPERVISION_SENT_BACK
    services.answer_supervision(order, actor=world.handler, answer="已于今日整改完毕")
    order = services.review_supervision(order, actor=world.supervisor, accept=True)
    assert order.status == "closed" and order.reviewed_by == world.supervisor
    with pytest.raises(TransitionNotAllowed):
        services.review_supervision(order, actor=world.supervisor, accept=True)


def test_the_department_hears_the_review_by_webhook(world):
    _case, order = order_on(world)
    WebhookEndpoint.objects.create(
        department=world.dept("cgj"), url="https://cgj.example.org/hook", secret="s" * 32
    )
    services.answer_supervision(order, actor=world.handler, answer="已安排")
    services.review_supervision(order, actor=world.supervisor, accept=False, note="不具体")
    services.answer_supervision(order, actor=world.handler, answer="已整改")
    services.review_supervision(order, actor=world.supervisor, accept=True)
    types = list(
        WebhookDelivery.objects.filter(endpoint__department__code="cgj")
        .order_by("id")
        .values_list("event_type", flat=True)
    )
    assert types[-2:] == ["supervision_sent_back", "supervision_accepted"]


# ---------------------------------------------------------------- joint consultation


def test_a_consultation_on_a_hard_case_invites_departments_who_then_see_it(world):
    case = register(world)
    WebhookEndpoint.objects.create(
        department=world.dept("scjgj"), url="https://scjgj.example.org/hook", secret="s" * 32
    )
    with pytest.raises(NotFound):  # not invited yet: the department does not see the case
        services.record_position(Consultation(case=case, pk=0), actor=world.handler2, position="x")
    with pytest.raises(InvalidInput):
        services.open_consultation(case, actor=world.supervisor, topic="谁主办", departments=[])
    consultation = services.open_consultation(
        case, actor=world.supervisor, topic="谁主办", departments=[world.dept("scjgj")]
    )
    with pytest.raises(TransitionNotAllowed):  # one open consultation at a time
        services.open_consultation(
            case, actor=world.supervisor, topic="再议", departments=[world.dept("cgj")]
        )
    invited = WebhookDelivery.objects.filter(endpoint__department__code="scjgj")
    assert list(invited.values_list("event_type", flat=True)) == ["consultation_opened"]
    with pytest.raises(NotFound):  # 城管局 was not invited
        services.record_position(consultation, actor=world.handler, position="x")
    services.record_position(consultation, actor=world.handler2, position="我局主办")
    services.decide_consultation(
        consultation,
        actor=world.supervisor,
        department=world.dept("scjgj"),
        decision="市场监管主办",
    )
    case.refresh_from_db()
    assert case.status == "dispatched" and case.main_department.code == "scjgj"
    assert latest(case).return_due_at is None  # settled: the decided department cannot return it
