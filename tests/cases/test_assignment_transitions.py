"""The assignment table, exhaustively: every (assignment status, action) pair through the services.

An assignment of the 天心区 district center (the main one, so every action the table lists can
be tried on it) is brought to each status through the services; then the rightful actor tries
each assignment action on it. Allowed pairs land in the table's target status, write exactly
one event and are offered by `allowed_actions`; every other pair raises TransitionNotAllowed
and changes nothing at all. The knock-on rows are tried on the case's other assignments.
"""

from collections.abc import Callable

import pytest

from cases import services
from cases.choices import (
    ACTIVE_ASSIGNMENT_STATUSES,
    ASSIGNMENT_TRANSITIONS,
    HELD_ASSIGNMENT_STATUSES,
    KNOCK_ONS,
    OWING_ASSIGNMENT_STATUSES,
    TRANSITIONS,
    UNSIGNED_ASSIGNMENT_STATUSES,
    Action,
    AssignmentRole,
    AssignmentStatus,
    KnockOn,
    Taker,
    assignment_move,
    assignment_sources,
)
from cases.forms import (
    RedispatchForm,
    ReplyForm,
    ReturnForm,
    ReviewReturnForm,
    SignForm,
    UrgeForm,
)
from cases.models import Assignment, Case, CaseEvent, Dispute, Extension, ReplyReviewPolicy
from core.errors import TransitionNotAllowed
from core.roles import Role
from tests.apiutil import API, user_client
from tests.cases.lifecycle_world import (
    DISTRICT,
    STREET,
    latest,
    make_user,
    register,
)

ACTIONS = list(dict.fromkeys(a for _s, a in ASSIGNMENT_TRANSITIONS if isinstance(a, Action)))


# ---------------------------------------------------------------- an assignment in each status


def _dispatched(w):
    case = register(w)
    return services.dispatch_case(case, actor=w.agent, department=w.dept(DISTRICT))


def _signed(w):
    return services.sign_assignment(_dispatched(w), actor=w.district_handler)


def _redispatched(w):
    assignment = _dispatched(w)
    services.redispatch_assignment(assignment, actor=w.district_handler, department=w.dept(STREET))
    return assignment


def _return_requested(w):
    assignment = _dispatched(w)
    return services.return_assignment(assignment, actor=w.district_handler, reason="非本辖区")


def _returned(w):
    assignment = _return_requested(w)
    return services.review_return(assignment, actor=w.supervisor, accept=True)


def _replied(w):
    return services.reply_assignment(
        _signed(w), actor=w.district_handler, result="resolved", content="已处理。"
    )


def _reply_review(w):
    """Replied while the review policy covers every reply (issue 14)."""
    ReplyReviewPolicy.objects.create(review=True)
    return services.reply_assignment(
        _signed(w), actor=w.district_handler, result="resolved", content="已处理。"
    )


def _withdrawn(w):
    """Re-dispatched to the street office, which returns the case: the return is accepted."""
    assignment = _redispatched(w)
    street = make_user("street", w.dept(STREET), Role.HANDLER)
    child = latest(assignment.case)
    services.return_assignment(child, actor=street, reason="应由区城管处理")
    services.review_return(child, actor=w.supervisor, accept=True)
    return assignment


BUILDERS = {
    AssignmentStatus.DISPATCHED: _dispatched,
    AssignmentStatus.SIGNED: _signed,
    AssignmentStatus.REDISPATCHED: _redispatched,
    AssignmentStatus.RETURN_REQUESTED: _return_requested,
    AssignmentStatus.RETURNED: _returned,
    AssignmentStatus.REPLIED: _replied,
    AssignmentStatus.WITHDRAWN: _withdrawn,
    AssignmentStatus.REPLY_REVIEW: _reply_review,
}


def assignment_in(status: AssignmentStatus, w) -> Assignment:
    assignment = Assignment.objects.select_related("case", "department").get(
        pk=BUILDERS[status](w).pk
    )
    assert (assignment.status, assignment.role) == (status, AssignmentRole.MAIN)
    return assignment


# ---------------------------------------------------------------- what the rightful actor does


def attempt(action: Action, a: Assignment, w) -> tuple[Callable[[], object], object]:
    """The service call for `action` on `a`, and who makes it."""
    handler, case = w.district_handler, a.case
    calls = {
        Action.SIGN: (lambda: services.sign_assignment(a, actor=handler), handler),
        Action.RETURN: (
            lambda: services.return_assignment(a, actor=handler, reason="非本部门职责"),
            handler,
        ),
        Action.REDISPATCH: (
            lambda: services.redispatch_assignment(a, actor=handler, department=w.dept(STREET)),
            handler,
        ),
        Action.URGE: (lambda: services.urge_assignment(a, actor=w.agent, note="请尽快"), w.agent),
        Action.REQUEST_EXTENSION: (
            lambda: services.request_extension(a, actor=handler, reason="需要勘查", days=3),
            handler,
        ),
        Action.ADD_PROGRESS: (
            lambda: services.add_progress(a, actor=handler, note="已到现场"),
            handler,
        ),
        Action.REPLY: (
            lambda: _reviewed_reply(a, handler),
            handler,
        ),
        Action.APPROVE_REPLY: (
            lambda: services.approve_reply(case, actor=w.supervisor),
            w.supervisor,
        ),
        Action.SEND_BACK_REPLY: (
            lambda: services.send_back_reply(case, actor=w.supervisor, reason="答复不完整"),
            w.supervisor,
        ),
        Action.TAKE_BACK: (
            lambda: services.take_back_case(case, actor=w.supervisor, reason="改派"),
            w.supervisor,
        ),
        Action.ACCEPT_RETURN: (
            lambda: services.review_return(a, actor=w.supervisor, accept=True),
            w.supervisor,
        ),
        Action.REJECT_RETURN: (
            lambda: services.review_return(a, actor=w.supervisor, accept=False),
            w.supervisor,
        ),
        Action.OPEN_DISPUTE: (
            lambda: services.open_dispute(case, actor=w.supervisor, reason="互相推诿"),
            w.supervisor,
        ),
    }
    return calls[action]


def _reviewed_reply(a: Assignment, handler):
    """The reply waits for the review (the row the table shows), not approved at once."""
    ReplyReviewPolicy.objects.get_or_create(request_type="", category=None, department=None)
    return services.reply_assignment(a, actor=handler, result="resolved", content="已处理完毕。")


def snapshot(case: Case) -> dict:
    """Everything an assignment action could change, to prove a refusal changed nothing."""
    return {
        "case": Case.objects.filter(pk=case.pk).values().get(),
        "assignments": list(Assignment.objects.filter(case=case).order_by("id").values()),
        "events": CaseEvent.objects.filter(case=case).count(),
        "disputes": list(Dispute.objects.filter(case=case).values()),
        "extensions": list(Extension.objects.filter(assignment__case=case).values()),
    }


PAIRS = [(status, action) for status in AssignmentStatus for action in ACTIONS]


@pytest.mark.parametrize(("status", "action"), PAIRS, ids=[f"{s}-{a}" for s, a in PAIRS])
def test_every_assignment_status_and_action(status, action, world):
    # given a main assignment in `status`, and what the rightful actor would do
    assignment = assignment_in(status, world)
    case = assignment.case
    call, actor = attempt(action, assignment, world)
    before = snapshot(case)
    move = assignment_move(status, action)
    if move is None:
        # when the table forbids it, then it is refused and nothing changed
        with pytest.raises(TransitionNotAllowed) as refusal:
            call()
        assert case.number in refusal.value.message
        assert refusal.value.code == "transition_not_allowed"
        assert snapshot(case) == before
    else:
        # when the table allows it, then it is offered, lands in the table's status, one event
        assert action.value in services.allowed_actions(case, actor)
        call()
        assignment.refresh_from_db()
        assert assignment.status == move.target
        assert CaseEvent.objects.filter(case=case).count() == before["events"] + 1


# ---------------------------------------------------------------- knock-ons


def _bystander(status: AssignmentStatus, w) -> tuple[Assignment, Callable[[], object]]:
    """An assignment in `status` beside a main one, and the action whose knock-on reaches it."""
    case = register(w)
    if status == AssignmentStatus.REDISPATCHED:  # the district center's, above the street's
        parent = services.dispatch_case(case, actor=w.agent, department=w.dept(DISTRICT))
        services.redispatch_assignment(parent, actor=w.district_handler, department=w.dept(STREET))
        street = make_user("street", w.dept(STREET), Role.HANDLER)
        main = latest(case)
        services.return_assignment(main, actor=street, reason="不属于本街道")
        return parent, lambda: services.review_return(main, actor=w.supervisor, accept=True)
    main = services.dispatch_case(
        case, actor=w.agent, department=w.dept("cgj"), co_departments=[w.dept(DISTRICT)]
    )
    co = case.assignments.get(role=AssignmentRole.CO)
    if status != AssignmentStatus.DISPATCHED:
        services.sign_assignment(co, actor=w.district_handler)
    if status == AssignmentStatus.REPLIED:
        services.reply_assignment(
            co, actor=w.district_handler, result="explained", content="已协办"
        )
    services.return_assignment(main, actor=w.handler, reason="非本部门职责")
    return co, lambda: services.review_return(main, actor=w.supervisor, accept=True)


BYSTANDERS = [
    AssignmentStatus.DISPATCHED,
    AssignmentStatus.SIGNED,
    AssignmentStatus.REDISPATCHED,
    AssignmentStatus.REPLIED,
]


@pytest.mark.parametrize("status", BYSTANDERS)
def test_an_accepted_return_withdraws_exactly_what_the_table_says(status, world):
    # given another assignment of the case in `status`
    other, accept = _bystander(status, world)
    other.refresh_from_db()
    assert other.status == status
    # when the main department's return is accepted
    accept()
    # then the knock-on row decides: withdrawn, or left as it was
    other.refresh_from_db()
    move = assignment_move(status, KnockOn.WITHDRAW)
    assert other.status == (move.target if move else status)


def test_a_reply_through_a_redispatch_replies_the_district_centers_assignment(world):
    parent = _redispatched(world)
    child = latest(parent.case)
    services.sign_assignment(child, actor=world.district_handler)
    services.reply_assignment(
        child, actor=world.district_handler, result="resolved", content="街道已处理。"
    )
    parent.refresh_from_db()
    assert (
        parent.status
        == assignment_move(AssignmentStatus.REDISPATCHED, KnockOn.REPLY_THROUGH).target
    )
    assert parent.reply_content == "街道已处理。"


# ---------------------------------------------------------------- the table and what reads it


def test_the_assignment_table_names_known_statuses_actions_and_takers():
    assert {s for s, _a in ASSIGNMENT_TRANSITIONS} <= set(AssignmentStatus)
    assert {m.target for m in ASSIGNMENT_TRANSITIONS.values()} <= set(AssignmentStatus)
    assert all(m.by and m.by <= set(Taker) for m in ASSIGNMENT_TRANSITIONS.values())
    assert set(KNOCK_ONS.values()) == {a for _s, a in ASSIGNMENT_TRANSITIONS} - set(Action)
    # every assignment action a main department takes is also a row of the case table
    for (_status, action), move in ASSIGNMENT_TRANSITIONS.items():
        if Taker.MAIN in move.by and not isinstance(action, KnockOn):
            assert any(a == action for _s, a in TRANSITIONS), action


def test_the_status_groups_come_from_the_table():
    assert ACTIVE_ASSIGNMENT_STATUSES == (
        AssignmentStatus.DISPATCHED,
        AssignmentStatus.SIGNED,
        AssignmentStatus.REDISPATCHED,
        AssignmentStatus.RETURN_REQUESTED,
        AssignmentStatus.REPLY_REVIEW,
    )
    assert (
        tuple(s for s in ACTIVE_ASSIGNMENT_STATUSES if s != AssignmentStatus.REDISPATCHED)
        == HELD_ASSIGNMENT_STATUSES
    )
    assert UNSIGNED_ASSIGNMENT_STATUSES == (AssignmentStatus.DISPATCHED,)
    # the sweep urges for both deadlines: whatever it watches, an urge must reach
    assert set(UNSIGNED_ASSIGNMENT_STATUSES) <= set(OWING_ASSIGNMENT_STATUSES)
    assert assignment_sources(Action.URGE) == OWING_ASSIGNMENT_STATUSES


FORMS = [SignForm, ReturnForm, RedispatchForm, ReplyForm, ReviewReturnForm, UrgeForm]


@pytest.mark.parametrize("status", list(AssignmentStatus))
@pytest.mark.parametrize("form_class", FORMS, ids=lambda f: f.__name__)
def test_action_forms_offer_the_assignments_the_table_allows(form_class, status, world):
    assignment = assignment_in(status, world)
    user = world.supervisor if form_class in (ReviewReturnForm, UrgeForm) else None
    form = form_class(case=assignment.case, user=user or world.district_handler)
    offered = set(form.fields["assignment"].queryset)
    allowed = assignment_move(status, form_class.action) is not None
    assert (assignment in offered) == allowed


def test_the_return_form_offers_the_signed_main_but_no_co_handlers_assignment(world):
    case = register(world)
    services.dispatch_case(
        case, actor=world.agent, department=world.dept("cgj"), co_departments=[world.dept(DISTRICT)]
    )
    form = ReturnForm(case=case, user=world.district_handler)
    assert list(form.fields["assignment"].queryset) == []  # a co-handler does not return
    main = case.assignments.get(role=AssignmentRole.MAIN)
    assert list(ReturnForm(case=case, user=world.handler).fields["assignment"].queryset) == [main]
    services.sign_assignment(main, actor=world.handler)  # signed: still inside the window
    assert list(ReturnForm(case=case, user=world.handler).fields["assignment"].queryset) == [main]


def test_the_api_tells_each_caller_the_actions_both_tables_allow(world):
    case = register(world)
    services.dispatch_case(
        case, actor=world.agent, department=world.dept("cgj"), co_departments=[world.dept(DISTRICT)]
    )
    url = f"{API}cases/{case.number}/"
    main = user_client(world.handler).get(url).json()
    co = user_client(world.district_handler).get(url).json()
    assert main["allowed_actions"] == ["sign", "return"]
    assert co["allowed_actions"] == ["sign"]  # a co-handler signs and replies, never returns
    assert "urge" in user_client(world.agent).get(url).json()["allowed_actions"]
