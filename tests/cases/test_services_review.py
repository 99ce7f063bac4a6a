"""Issue 14: reply review (办结审核), take back and reassign (收回/改派), returns after signing,
extensions withdrawn by the reply, a take-back or a reopen, and the extension policy."""

import datetime

import pytest
from django.utils import timezone

from cases import measures, services, sla
from cases.choices import DeadlineStage
from cases.events import EventType
from cases.forms import DispatchForm, ExtensionRequestForm, ReviewReturnForm
from cases.models import (
    Assignment,
    Case,
    CaseEvent,
    Category,
    DeadlinePolicy,
    Extension,
    ReplyReviewPolicy,
)
from cases.services.review import review_applies, seed_demo_policies
from core.errors import ActionForbidden, InvalidInput, NotFound, TransitionNotAllowed
from departments import webhooks
from departments.models import WebhookDelivery
from tests.cases.lifecycle_world import DISTRICT, STREET, make_user, register
from tests.cases.test_transitions import snapshot


def signed(w, department="cgj", **fields):
    case = register(w, **fields)
    assignment = services.dispatch_case(case, actor=w.agent, department=w.dept(department))
    services.sign_assignment(assignment, actor=w.handler if department == "cgj" else w.handler2)
    case.refresh_from_db()
    return case, Assignment.objects.get(pk=assignment.pk)


def reply(w, assignment, handler=None):
    return services.reply_assignment(
        assignment, actor=handler or w.handler, result="resolved", content="已责令施工方整改。"
    )


def counted(name: str, code: str, w) -> int:
    """How many rows the assessment measure counts for the department around now."""
    now = timezone.now()
    period = {"after": now - datetime.timedelta(days=1), "before": now + datetime.timedelta(days=1)}
    return measures.rows(name, department_ids=[w.dept(code).pk], **period).count()


def reload(case, assignment):
    return Case.objects.get(pk=case.pk), Assignment.objects.get(pk=assignment.pk)


# ---------------------------------------------------------------- the review policy


def test_with_no_rule_nothing_is_reviewed_and_the_reply_goes_to_the_callback_queue(world):
    case, assignment = signed(world)
    reply(world, assignment)
    case, assignment = reload(case, assignment)
    assert (case.status, assignment.status) == ("replied", "replied")
    event = case.events.latest("id")
    assert event.type == EventType.REPLIED and event.data["review"] is False


def test_the_most_specific_rule_decides(world):
    case, assignment = signed(world)  # a complaint to 城管局
    assert review_applies(case, assignment) is False
    ReplyReviewPolicy.objects.create(review=True)  # every reply
    assert review_applies(case, assignment) is True
    ReplyReviewPolicy.objects.create(request_type="complaint", review=False)
    assert review_applies(case, assignment) is False
    ReplyReviewPolicy.objects.create(request_type="complaint", department=world.dept("cgj"))
    assert review_applies(case, assignment) is True
    _other, theirs = signed(world, department="scjgj")
    assert review_applies(_other, theirs) is False  # the complaint rule, not 城管局's


def test_a_category_rule_covers_its_subtree(world):
    leaf = Category.objects.filter(level=3).select_related("parent__parent").first()
    case, assignment = signed(world, category=leaf)
    ReplyReviewPolicy.objects.create(category=leaf.parent.parent, review=True)
    assert review_applies(case, assignment) is True
    other = Category.objects.filter(level=1).exclude(pk=leaf.parent.parent_id).first()
    ReplyReviewPolicy.objects.filter(category=leaf.parent.parent).update(category=other)
    assert review_applies(case, assignment) is False


def test_the_demo_reviews_complaints_and_reports_not_consultations(world):
    assert seed_demo_policies() == 3 and seed_demo_policies() == 0
    complaint, mine = signed(world)
    consultation, theirs = signed(world, request_type="consultation")
    assert review_applies(complaint, mine) and not review_applies(consultation, theirs)


# ---------------------------------------------------------------- approve and send back


@pytest.fixture
def in_review(world):
    ReplyReviewPolicy.objects.create(review=True)
    case, assignment = signed(world)
    reply(world, assignment)
    return reload(case, assignment)


def test_a_reviewed_reply_waits_then_is_approved(world, in_review, receiver_endpoint):
    case, assignment = in_review
    assert (case.status, assignment.status) == ("reply_review", "reply_review")
    assert case.events.latest("id").data["review"] is True
    services.approve_reply(case, actor=world.supervisor, note="答复完整")
    case, assignment = reload(case, assignment)
    assert (case.status, assignment.status) == ("replied", "replied")
    assert assignment.reply_content == "已责令施工方整改。"
    event = case.events.latest("id")
    assert event.type == EventType.REPLY_APPROVED and event.assignment_id == assignment.pk
    delivery = WebhookDelivery.objects.latest("id")
    assert delivery.event_type == "reply_approved" and delivery.endpoint.department.code == "cgj"


def test_a_reply_sent_back_is_in_progress_again_with_its_deadline_and_counts(world, in_review):
    case, assignment = in_review
    due = assignment.reply_due_at
    services.send_back_reply(case, actor=world.supervisor, reason="未说明整改期限")
    case, assignment = reload(case, assignment)
    assert (case.status, assignment.status) == ("in_progress", "signed")
    assert assignment.reply_due_at == due and case.reply_due_at == due
    assert assignment.replied_at is None and assignment.reply_content == ""
    event = case.events.latest("id")
    assert event.type == EventType.REPLY_SENT_BACK
    assert event.data["content"] == "已责令施工方整改。"
    assert event.data["reason"] == "未说明整改期限"
    assert counted("replies_sent_back", "cgj", world) == 1
    assert counted("returned", "cgj", world) == 0
    # the department replies again; the review approves it this time
    reply(world, assignment)
    services.approve_reply(case, actor=world.supervisor)
    assert Case.objects.get(pk=case.pk).status == "replied"


@pytest.mark.parametrize("step", ["approve", "send_back"])
def test_the_review_is_the_supervisors(world, in_review, step):
    case, _assignment = in_review
    before = snapshot(case)
    call = (
        (lambda actor: services.approve_reply(case, actor=actor))
        if step == "approve"
        else (lambda actor: services.send_back_reply(case, actor=actor, reason="不完整"))
    )
    with pytest.raises(ActionForbidden):
        call(world.agent)
    with pytest.raises(ActionForbidden):
        call(world.handler)  # the replying department sees the case, may not review it
    with pytest.raises(NotFound):
        call(world.handler2)
    assert snapshot(case) == before


def test_sending_back_needs_a_reason_and_a_reply_under_review(world, in_review):
    case, _assignment = in_review
    before = snapshot(case)
    with pytest.raises(InvalidInput) as error:
        services.send_back_reply(case, actor=world.supervisor, reason="  ")
    assert error.value.field == "reason"
    assert snapshot(case) == before
    services.approve_reply(case, actor=world.supervisor)
    replied = snapshot(case)
    with pytest.raises(TransitionNotAllowed):
        services.approve_reply(case, actor=world.supervisor)
    with pytest.raises(TransitionNotAllowed):
        services.send_back_reply(case, actor=world.supervisor, reason="x")
    assert snapshot(case) == replied


def test_a_co_handlers_reply_is_never_held_for_review(world):
    ReplyReviewPolicy.objects.create(review=True)
    case = register(world)
    services.dispatch_case(
        case, actor=world.agent, department=world.dept("cgj"), co_departments=[world.dept(DISTRICT)]
    )
    co = case.assignments.get(role="co")
    services.sign_assignment(co, actor=world.district_handler)
    reply(world, co, handler=world.district_handler)
    co.refresh_from_db()
    case.refresh_from_db()
    assert (co.status, case.status) == ("replied", "dispatched")


def test_the_district_centers_assignment_is_replied_through_only_once_approved(world):
    ReplyReviewPolicy.objects.create(review=True)
    case = register(world)
    parent = services.dispatch_case(case, actor=world.agent, department=world.dept(DISTRICT))
    child = services.redispatch_assignment(
        parent, actor=world.district_handler, department=world.dept(STREET)
    )
    street = make_user("street", world.dept(STREET), "handler")
    services.sign_assignment(child, actor=street)
    reply(world, child, handler=street)
    parent.refresh_from_db()
    assert parent.status == "redispatched"
    services.send_back_reply(case, actor=world.supervisor, reason="不完整")
    reply(world, Assignment.objects.get(pk=child.pk), handler=street)
    services.approve_reply(case, actor=world.supervisor)
    parent.refresh_from_db()
    assert parent.status == "replied" and parent.reply_content == "已责令施工方整改。"


def test_urge_and_supervise_wait_while_the_center_reviews(world, in_review):
    case, _assignment = in_review
    assert services.allowed_actions(case, world.supervisor) == [
        "approve_reply",
        "send_back_reply",
    ]
    assert "urge" not in services.allowed_actions(case, world.agent)
    assert services.allowed_actions(case, world.handler) == []


# ---------------------------------------------------------------- take back and reassign


@pytest.fixture
def receiver_endpoint(users, departments):
    """城管局 and 市场监管局 registered endpoints (on 127.0.0.1: rows only, nothing posted)."""
    admins = {"cgj": users["deptadmin"]}
    admins["scjgj"] = make_user("admin-scjgj", departments["scjgj"], "dept_admin")
    for code, admin in admins.items():
        webhooks.register_endpoint(departments[code], actor=admin, url="http://127.0.0.1:9/hook")


@pytest.mark.parametrize("state", ["dispatched", "signed", "return_requested"])
def test_a_supervisor_takes_the_case_back_at_any_point_before_the_reply(world, state):
    case = register(world)
    assignment = services.dispatch_case(case, actor=world.agent, department=world.dept("cgj"))
    if state != "dispatched":
        services.sign_assignment(assignment, actor=world.handler)
    if state == "return_requested":
        services.return_assignment(assignment, actor=world.handler, reason="不归我们")
    services.take_back_case(case, actor=world.supervisor, reason="派错部门")
    case, assignment = reload(case, assignment)
    assert (case.status, assignment.status) == ("registered", "withdrawn")
    assert case.main_department is None and case.reply_due_at is None
    assert assignment.withdrawn_at is not None
    event = case.events.latest("id")
    assert event.type == EventType.TAKEN_BACK and event.data["withdrawn"] == ["cgj"]


def test_take_back_and_reassign_in_one_step_tells_each_department(world, receiver_endpoint):
    case = register(world)
    services.dispatch_case(
        case, actor=world.agent, department=world.dept("cgj"), co_departments=[world.dept("scjgj")]
    )
    before = WebhookDelivery.objects.count()
    main = services.take_back_case(
        case, actor=world.supervisor, reason="应由住建局主办", department=world.dept("zjj")
    )
    case.refresh_from_db()
    assert case.status == "dispatched" and case.main_department.code == "zjj"
    assert main.department.code == "zjj"
    withdrawn = case.assignments.filter(status="withdrawn")
    assert set(withdrawn.values_list("department__code", flat=True)) == {"cgj", "scjgj"}
    types = list(case.events.order_by("id").values_list("type", flat=True))[-2:]
    assert types == [EventType.TAKEN_BACK, EventType.DISPATCHED]
    told = WebhookDelivery.objects.filter(event_type="case_taken_back")
    assert WebhookDelivery.objects.count() > before
    assert {d.endpoint.department.code for d in told} == {"cgj", "scjgj"}
    # withdrawals are counted apart from returns
    assert counted("withdrawn", "cgj", world) == 1
    assert counted("returned", "cgj", world) == 0
    assert counted("withdrawn", "zjj", world) == 0


def test_a_take_back_closes_the_open_supervision_orders_of_the_departments_taken_off(world):
    case, assignment = signed(world)
    order = services.supervise_case(
        case,
        actor=world.supervisor,
        level="important",
        reason="超期",
        due_at=assignment.reply_due_at,
    )
    main = services.take_back_case(
        case, actor=world.supervisor, reason="改派", department=world.dept("scjgj")
    )
    order.refresh_from_db()
    assert order.status == "closed"
    taken_back = case.events.get(type=EventType.TAKEN_BACK)
    assert taken_back.data["supervisions_closed"] == [order.pk]
    # the new department can be supervised at the same level
    services.supervise_case(
        case, actor=world.supervisor, level="important", reason="督办", due_at=main.reply_due_at
    )


def test_a_refused_reassignment_takes_nothing_back(world):
    case = register(world)
    services.dispatch_case(case, actor=world.agent, department=world.dept("cgj"))
    before = snapshot(case)
    with pytest.raises(InvalidInput):
        services.take_back_case(
            case, actor=world.supervisor, reason="改派", department=world.dept("center")
        )
    assert snapshot(case) == before


def test_take_back_refusals_change_nothing(world):
    case, assignment = signed(world)
    before = snapshot(case)
    with pytest.raises(ActionForbidden):
        services.take_back_case(case, actor=world.agent, reason="x")
    with pytest.raises(NotFound):
        services.take_back_case(case, actor=world.handler2, reason="x")
    with pytest.raises(InvalidInput):
        services.take_back_case(case, actor=world.supervisor, reason="")
    assert snapshot(case) == before
    reply(world, assignment)
    replied = snapshot(case)
    with pytest.raises(TransitionNotAllowed):
        services.take_back_case(case, actor=world.supervisor, reason="x")
    assert snapshot(case) == replied


# ---------------------------------------------------------------- returns


def test_a_signed_department_returns_inside_the_window_and_a_rejection_keeps_it_signed(world):
    case, assignment = signed(world)
    signed_at = assignment.signed_at
    services.return_assignment(assignment, actor=world.handler, reason="属于市场监管")
    case, assignment = reload(case, assignment)
    assert (case.status, assignment.status) == ("return_review", "return_requested")
    services.review_return(assignment, actor=world.supervisor, accept=False, note="属城管职责")
    case, assignment = reload(case, assignment)
    assert (case.status, assignment.status) == ("in_progress", "signed")
    assert assignment.signed_at == signed_at
    assert case.events.latest("id").data["signed"] is True


def test_after_the_window_the_refusal_points_at_the_take_back(world):
    case, assignment = signed(world)
    late = assignment.return_due_at + datetime.timedelta(minutes=1)
    before = snapshot(case)
    with pytest.raises(TransitionNotAllowed) as error:
        services.return_assignment(assignment, actor=world.handler, reason="x", at=late)
    assert "Take back and reassign" in error.value.message
    assert snapshot(case) == before


def test_the_suggested_department_travels_to_the_review_and_the_new_dispatch(world):
    case, assignment = signed(world)
    services.return_assignment(
        assignment, actor=world.handler, reason="x", suggested_department=world.dept("scjgj")
    )
    event = case.events.latest("id")
    assert event.data["suggested_department_name"] == world.dept("scjgj").name
    review = ReviewReturnForm(case=case, user=world.supervisor)
    assert world.dept("scjgj").name in str(review.fields["note"].help_text)
    services.review_return(assignment, actor=world.supervisor, accept=True)
    case.refresh_from_db()
    form = DispatchForm(case=case, user=world.agent)
    assert form.fields["department"].initial == world.dept("scjgj").pk
    rendered = str(form["department"])
    option = rendered.split(f'value="{world.dept("scjgj").pk}"', 1)[1].split(">", 1)[0]
    assert "selected" in option


# ---------------------------------------------------------------- extensions


def test_the_reply_withdraws_a_pending_extension(world):
    case, assignment = signed(world)
    extension = services.request_extension(assignment, actor=world.handler, reason="x", days=2)
    reply(world, assignment)
    extension.refresh_from_db()
    assert extension.status == "withdrawn"
    event = case.events.latest("id")
    assert event.type == EventType.REPLIED and event.data["extensions_withdrawn"] == [extension.pk]
    with pytest.raises(TransitionNotAllowed):
        services.decide_extension(extension, actor=world.supervisor, approve=True)


def test_a_take_back_withdraws_a_pending_extension(world):
    case, assignment = signed(world)
    extension = services.request_extension(assignment, actor=world.handler, reason="x", days=2)
    services.take_back_case(case, actor=world.supervisor, reason="改派")
    extension.refresh_from_db()
    assert extension.status == "withdrawn"
    assert case.events.latest("id").data["extensions_withdrawn"] == [extension.pk]


def test_a_reopen_withdraws_a_co_handlers_pending_extension(world, settings):
    settings.HOTLINE_MAX_REOPENS = 3
    case = register(world)
    main = services.dispatch_case(
        case, actor=world.agent, department=world.dept("cgj"), co_departments=[world.dept(DISTRICT)]
    )
    co = case.assignments.get(role="co")
    services.sign_assignment(co, actor=world.district_handler)
    extension = services.request_extension(co, actor=world.district_handler, reason="x", days=1)
    services.sign_assignment(main, actor=world.handler)
    reply(world, main)
    # the case is replied; the co-handler's request is still pending until the reopen
    services.reopen_case(case, actor=world.supervisor, reason="不满意")
    extension.refresh_from_db()
    assert extension.status == "withdrawn"
    reopened = case.events.filter(type=EventType.REOPENED).latest("id")
    assert reopened.data["extensions_withdrawn"] == [extension.pk]


def test_an_extension_is_not_offered_while_one_is_pending(world):
    case, assignment = signed(world)
    assert "request_extension" in services.allowed_actions(case, world.handler)
    services.request_extension(assignment, actor=world.handler, reason="x", days=2)
    assert "request_extension" not in services.allowed_actions(case, world.handler)
    before = snapshot(case)
    with pytest.raises(TransitionNotAllowed):
        services.request_extension(assignment, actor=world.handler, reason="y", days=1)
    assert snapshot(case) == before


def test_the_cap_and_the_longest_extension_come_from_the_deadline_policy(world):
    DeadlinePolicy.objects.filter(stage=DeadlineStage.EXTENSION).update(limit=4, max_count=1)
    sla.clear_cache()  # `update()` sends no signal; the admin's save announces the change
    case, assignment = signed(world)
    with pytest.raises(InvalidInput) as error:
        services.request_extension(assignment, actor=world.handler, reason="x", days=5)
    assert "1 to 4" in error.value.message
    form = ExtensionRequestForm(
        {"assignment": assignment.pk, "days": 5, "reason": "x"}, case=case, user=world.handler
    )
    assert not form.is_valid() and "days" in form.errors
    first = services.request_extension(assignment, actor=world.handler, reason="x", days=4)
    services.decide_extension(first, actor=world.supervisor, approve=True)
    with pytest.raises(TransitionNotAllowed) as error:
        services.request_extension(assignment, actor=world.handler, reason="x", days=1)
    assert "1 extensions were already granted" in error.value.message
    assert Extension.objects.filter(assignment=assignment).count() == 1
    assert CaseEvent.objects.filter(case=case, type=EventType.EXTENSION_REQUESTED).count() == 1
