"""The transition table, exhaustively: every (status, action) pair is tried through the services.

Allowed pairs must succeed, land in the table's target status and write exactly one event;
every other pair must raise TransitionNotAllowed and change nothing at all.
"""

from collections.abc import Callable

import pytest
from django.core.management import call_command

from cases import services
from cases.choices import TRANSITIONS, Action, Status, allowed_from, next_status
from cases.models import (
    Assignment,
    Callback,
    Case,
    CaseEvent,
    Consultation,
    ConsultationPosition,
    Dispute,
    Extension,
    ReplyReviewPolicy,
    SupervisionOrder,
    Transfer,
)
from core.errors import TransitionNotAllowed
from tests.cases.lifecycle_world import (
    DISTRICT,
    STREET,
    answered_order_of,
    case_in,
    latest,
    open_consultation_of,
    open_dispute_of,
    open_order_of,
    partner_user,
    pending_extension_of,
    register,
    satisfied_callback,
    transfer_of,
)


def prepare(action: Action, case: Case, w, settings) -> Callable[[], object]:
    """What a rightful actor does for `action` on `case` (set-up done before the snapshot)."""
    a = latest(case)
    handler = w.district_handler
    if action == Action.PARK:
        settings.HOTLINE_MAX_REOPENS = 0
    if action == Action.REOPEN:
        settings.HOTLINE_MAX_REOPENS = 10
    if action == Action.MERGE:
        parent = register(w)
    if action in (Action.ACKNOWLEDGE_TRANSFER, Action.ANSWER_TRANSFER):
        transfer, partner = transfer_of(case, w), partner_user(w)
    if action == Action.REPLY:  # the reply waits for the review the table shows
        ReplyReviewPolicy.objects.create(review=True)
    if action == Action.DECIDE_EXTENSION and case.status == Status.IN_PROGRESS:
        services.request_extension(a, actor=handler, reason="需要协调多个部门", days=5)
    if action == Action.CLOSE and case.status == Status.REPLIED:
        satisfied_callback(w, case)  # a replied case closes only after its callback
    if action in (Action.ACCEPT_SUPERVISION, Action.REJECT_SUPERVISION):
        order = open_order_of(case)
        if order.pk and (case.status, Action.ANSWER_SUPERVISION) in TRANSITIONS:
            services.answer_supervision(order, actor=handler, answer="已加快办理")
    invited = [w.dept(DISTRICT), w.dept("scjgj")]
    if (
        action in (Action.RECORD_POSITION, Action.DECIDE_CONSULTATION)
        and (
            case.status,
            Action.OPEN_CONSULTATION,
        )
        in TRANSITIONS
    ):
        services.open_consultation(case, actor=w.supervisor, topic="管辖争议", departments=invited)
    calls = {
        Action.ANSWER: lambda: services.answer_case(case, actor=w.agent, answer="已解答。"),
        Action.TRANSFER: lambda: services.transfer_case(
            case, actor=w.agent, to=w.dept("hotline-119"), reason="火情"
        ),
        Action.INVALIDATE: lambda: services.invalidate_case(case, actor=w.agent, reason="骚扰"),
        Action.MERGE: lambda: services.merge_case(case, actor=w.agent, parent=parent),
        Action.DISPATCH: lambda: services.dispatch_case(
            case, actor=w.agent, department=w.dept("cgj")
        ),
        Action.REDISPATCH: lambda: services.redispatch_assignment(
            a, actor=handler, department=w.dept(STREET)
        ),
        Action.SIGN: lambda: services.sign_assignment(a, actor=handler),
        Action.RETURN: lambda: services.return_assignment(a, actor=handler, reason="非本部门职责"),
        Action.ACCEPT_RETURN: lambda: services.review_return(a, actor=w.supervisor, accept=True),
        Action.REJECT_RETURN: lambda: services.review_return(a, actor=w.supervisor, accept=False),
        Action.OPEN_DISPUTE: lambda: services.open_dispute(case, actor=w.supervisor, reason="推诿"),
        Action.DECIDE_DISPUTE: lambda: services.decide_dispute(
            open_dispute_of(case), actor=w.supervisor, department=w.dept("cgj")
        ),
        Action.REQUEST_EXTENSION: lambda: services.request_extension(
            a, actor=handler, reason="需要现场勘查", days=3
        ),
        Action.DECIDE_EXTENSION: lambda: services.decide_extension(
            pending_extension_of(case), actor=w.supervisor, approve=True
        ),
        Action.ADD_PROGRESS: lambda: services.add_progress(a, actor=handler, note="已到现场"),
        Action.REPLY: lambda: services.reply_assignment(
            a, actor=handler, result="resolved", content="已处理完毕。"
        ),
        Action.CALLBACK: lambda: services.record_callback(
            case, actor=w.agent, reached=True, resolved=True, satisfaction="satisfied"
        ),
        Action.REOPEN: lambda: services.reopen_case(case, actor=w.supervisor, reason="仍未解决"),
        Action.PARK: lambda: services.reopen_case(case, actor=w.supervisor, reason="无法解决"),
        Action.CLOSE: lambda: services.close_case(case, actor=w.agent),
        Action.URGE: lambda: services.urge_assignment(a, actor=w.agent, note="请尽快办理"),
        Action.SUPERVISE: lambda: services.supervise_case(
            case,
            actor=w.supervisor,
            level="important",
            reason="超期",
            due_at=a.reply_due_at,
        ),
        Action.ANSWER_SUPERVISION: lambda: services.answer_supervision(
            open_order_of(case), actor=handler, answer="已加快办理"
        ),
        Action.ACKNOWLEDGE_TRANSFER: lambda: services.acknowledge_transfer(
            transfer, actor=partner, reference="110-20261201-001"
        ),
        Action.ANSWER_TRANSFER: lambda: services.answer_transfer(
            transfer, actor=partner, answer="民警已到场处置。"
        ),
        Action.APPROVE_REPLY: lambda: services.approve_reply(case, actor=w.supervisor),
        Action.SEND_BACK_REPLY: lambda: services.send_back_reply(
            case, actor=w.supervisor, reason="答复未说明处理结果"
        ),
        Action.TAKE_BACK: lambda: services.take_back_case(
            case, actor=w.supervisor, reason="承办部门不当，收回改派"
        ),
        Action.REFER_DECISION: lambda: services.refer_to_decision(
            case, actor=w.agent, note="市民不满意"
        ),
        Action.CONCLUDE: lambda: services.conclude_case(
            case, actor=w.supervisor, reason="诉求不合理，已解释"
        ),
        Action.ACCEPT_SUPERVISION: lambda: services.review_supervision(
            answered_order_of(case), actor=w.supervisor, accept=True
        ),
        Action.REJECT_SUPERVISION: lambda: services.review_supervision(
            answered_order_of(case), actor=w.supervisor, accept=False, note="答复不具体"
        ),
        Action.OPEN_CONSULTATION: lambda: services.open_consultation(
            case, actor=w.supervisor, topic="管辖争议", departments=invited
        ),
        Action.RECORD_POSITION: lambda: services.record_position(
            open_consultation_of(case), actor=handler, position="应由市场监管局主办"
        ),
        Action.DECIDE_CONSULTATION: lambda: services.decide_consultation(
            open_consultation_of(case),
            actor=w.supervisor,
            department=w.dept("scjgj"),
            co_departments=[w.dept("cgj")],
            decision="市场监管局主办，城管局协办",
        ),
    }
    return calls[action]


def snapshot(case: Case) -> dict:
    """Everything a transition could change, to prove a refusal changed nothing."""
    return {
        "case": Case.objects.filter(pk=case.pk).values().get(),
        "assignments": list(Assignment.objects.filter(case=case).order_by("id").values()),
        "events": CaseEvent.objects.filter(case=case).count(),
        "callbacks": Callback.objects.filter(case=case).count(),
        "disputes": list(Dispute.objects.filter(case=case).values()),
        "extensions": list(Extension.objects.filter(assignment__case=case).values()),
        "orders": list(SupervisionOrder.objects.filter(case=case).values()),
        "transfers": list(Transfer.objects.filter(case=case).order_by("id").values()),
        "consultations": list(Consultation.objects.filter(case=case).values()),
        "positions": list(ConsultationPosition.objects.filter(consultation__case=case).values()),
    }


PAIRS = [(status, action) for status in Status for action in Action]


@pytest.mark.parametrize(("status", "action"), PAIRS, ids=[f"{s}-{a}" for s, a in PAIRS])
def test_every_status_and_action(status, action, world, settings):
    # given a case in `status`, and what the rightful actor would do
    case = case_in(status, world, settings)
    attempt = prepare(action, case, world, settings)
    before = snapshot(case)
    target = next_status(status, action)
    if target is None:
        # when the table forbids it, then it is refused and nothing changed
        with pytest.raises(TransitionNotAllowed) as refusal:
            attempt()
        assert case.number in refusal.value.message
        assert snapshot(case) == before
    else:
        # when the table allows it, then it lands in the table's status with one event
        attempt()
        case.refresh_from_db()
        assert case.status == target
        assert CaseEvent.objects.filter(case=case).count() == before["events"] + 1


def test_the_table_only_names_known_statuses_and_actions():
    assert {s for s, _ in TRANSITIONS} <= set(Status)
    assert set(TRANSITIONS.values()) <= set(Status)
    assert {a for _, a in TRANSITIONS} == set(Action)
    assert allowed_from(Status.TRANSFERRED) == [
        Action.ACKNOWLEDGE_TRANSFER,
        Action.ANSWER_TRANSFER,
    ]
    assert allowed_from(Status.PARKED) == []


def test_a_refusal_names_the_case_its_state_and_what_is_allowed(world, settings):
    case = case_in(Status.REPLIED, world, settings)
    satisfied_callback(world, case)
    services.close_case(case, actor=world.agent)
    with pytest.raises(TransitionNotAllowed) as refusal:
        services.record_callback(
            case, actor=world.agent, reached=True, resolved=True, satisfaction="satisfied"
        )
    assert refusal.value.message == (
        f"case {case.number} is closed; only replied, answered or merged cases can be called back"
    )
    assert refusal.value.code == "transition_not_allowed"


def test_the_lifecycle_document_is_generated_from_the_table(tmp_path):
    from cases.lifecycle_diagram import render_document

    with open("docs/lifecycle.md", encoding="utf-8") as handle:
        on_disk = handle.read()
    assert on_disk == render_document(), (
        "docs/lifecycle.md differs from the transition table: "
        "run `DEBUG=1 .venv/bin/python manage.py lifecycle_diagram --write`"
    )
    out = tmp_path / "lifecycle.md"
    call_command("lifecycle_diagram", "--write", "--path", str(out))
    assert out.read_text(encoding="utf-8") == on_disk


def test_district_dispatch_fixture_is_a_district_center(world):
    assert world.dept(DISTRICT).kind == "district_center"
