"""Bad input to every workbench form: the input comes back, the reason is shown, nothing changes."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case, ReplyReviewPolicy
from cases.views.actions import ACTIONS
from tests.cases.workbench import INTAKE, main_assignment


@pytest.mark.parametrize(
    "change,field",
    [
        ({"content": ""}, "content"),
        ({"citizen_phone": "call me maybe"}, "citizen_phone"),
        ({"request_type": "gossip"}, "request_type"),
        ({"intent": "dispatch"}, "department"),
        ({"intent": "answer"}, "answer"),
        ({"intent": "merge:2099010100001"}, None),
        ({"intent": "transfer:nowhere"}, None),
        ({"region": "999999"}, "region"),
        ({"category": "nope"}, "category"),
    ],
)
def test_intake_errors_keep_every_field_and_save_nothing(client_for, db, change, field):
    data = {**INTAKE, "intent": "save", **change}

    response = client_for("agent").post(reverse("cases:new"), data)

    page = response.content.decode()
    assert response.status_code == 400
    assert not Case.objects.filter(content=INTAKE["content"]).exists()
    for name in ("citizen_name", "address", "title"):
        assert INTAKE[name] in page
    if change.get("content", None) != "":
        assert INTAKE["content"] in page
    form = response.context["form"]
    assert (field in form.errors) if field else form.non_field_errors()


@pytest.fixture
def case_in(dispatched, users, register, departments):
    """Cases in the states the actions need, built through the services."""
    handler, agent, supervisor = users["handler"], users["agent"], users["supervisor"]

    def to_cgj(**fields):
        case = register(**fields)
        services.dispatch_case(case, actor=agent, department=departments["cgj"])
        return case

    signed = to_cgj()
    services.sign_assignment(main_assignment(signed), actor=handler)
    extension = to_cgj()
    services.sign_assignment(main_assignment(extension), actor=handler)
    services.request_extension(
        main_assignment(extension), actor=handler, reason="Waiting for a survey.", days=3
    )
    returned = to_cgj()
    services.return_assignment(main_assignment(returned), actor=handler, reason="Not ours.")
    disputed = to_cgj()
    services.return_assignment(main_assignment(disputed), actor=handler, reason="Not ours.")
    services.open_dispute(disputed, actor=supervisor, reason="Both say it is not theirs.")
    replied = to_cgj()
    services.sign_assignment(main_assignment(replied), actor=handler)
    services.reply_assignment(
        main_assignment(replied), actor=handler, result="resolved", content="Done."
    )
    ReplyReviewPolicy.objects.create(review=True)
    in_review = to_cgj()
    services.sign_assignment(main_assignment(in_review), actor=handler)
    services.reply_assignment(
        main_assignment(in_review), actor=handler, result="resolved", content="Done."
    )
    ReplyReviewPolicy.objects.all().delete()
    supervised = to_cgj()
    services.supervise_case(
        supervised,
        actor=supervisor,
        level="normal",
        reason="Slow.",
        due_at=timezone.now() + datetime.timedelta(days=3),
    )
    return {
        "registered": register(),
        "dispatched": dispatched,
        "signed": signed,
        "extension": extension,
        "returned": returned,
        "disputed": disputed,
        "replied": replied,
        "supervised": supervised,
        "in_review": in_review,
    }


BAD_ACTION_INPUT = [
    # (action, acting user, case state, posted data, a typed value that must come back)
    ("answer", "agent", "registered", {"answer": ""}, None),
    ("transfer", "agent", "registered", {"to": "", "reason": "kept reason"}, "kept reason"),
    ("invalidate", "agent", "registered", {"reason": ""}, None),
    ("merge", "agent", "registered", {"parent": "2099010100001"}, "2099010100001"),
    ("dispatch", "agent", "registered", {"department": "", "note": "kept note"}, "kept note"),
    ("sign", "handler", "dispatched", {"assignment": "0"}, None),
    ("return", "handler", "dispatched", {"reason": "", "assignment": "A"}, None),
    ("urge", "agent", "dispatched", {"assignment": "0", "note": "hurry please"}, "hurry please"),
    ("supervise", "supervisor", "dispatched", {"reason": "slow work", "due_at": "tomorrow"},
     "slow work"),
    ("redispatch", "handler", "dispatched", {"department": "", "note": "to the street"},
     "to the street"),
    ("reply", "handler", "signed", {"result": "maybe", "content": "we fixed it"}, "we fixed it"),
    ("add_progress", "handler", "signed", {"note": ""}, None),
    ("request_extension", "handler", "signed", {"days": "99", "reason": "a survey"}, "a survey"),
    ("decide_extension", "supervisor", "extension", {"decision": "", "note": "why not"},
     "why not"),
    ("accept_return", "supervisor", "returned", {"assignment": "0", "note": "fine by me"},
     "fine by me"),
    ("reject_return", "supervisor", "returned", {"assignment": "0", "note": "it is yours"},
     "it is yours"),
    ("open_dispute", "supervisor", "returned", {"reason": ""}, None),
    ("decide_dispute", "supervisor", "disputed", {"department": "", "note": "decided"},
     "decided"),
    ("callback", "agent", "replied", {"reached": "no", "satisfaction": "satisfied",
     "note": "line busy"}, "line busy"),
    ("reopen", "supervisor", "replied", {"reason": ""}, None),
    ("close", "handler", "replied", {"note": "closing it myself"}, "closing it myself"),
    ("answer_supervision", "handler", "supervised", {"answer": ""}, None),
    # issue 14: take back and reassign, reply review
    ("take_back", "supervisor", "signed", {"reason": "", "note": "to another"}, "to another"),
    ("approve_reply", "supervisor", "in_review", {"note": "x" * 501}, None),
    ("send_back_reply", "supervisor", "in_review", {"reason": ""}, None),
    # issue 14 (B): the decision queue, supervision review, joint consultation
    ("refer_decision", "agent", "replied", {"note": "长" * 2001}, None),
    ("conclude", "supervisor", "replied", {"reason": ""}, None),
    ("park", "supervisor", "replied", {"reason": ""}, None),
    ("accept_supervision", "supervisor", "supervised", {"order": "0", "note": "fine"}, "fine"),
    ("reject_supervision", "supervisor", "supervised", {"order": "0", "note": "vague"}, "vague"),
    ("open_consultation", "supervisor", "disputed", {"topic": "", "departments": []}, None),
    ("record_position", "handler", "disputed", {"position": ""}, None),
    ("decide_consultation", "supervisor", "disputed", {"department": "", "decision": "decided"},
     "decided"),
]  # fmt: skip


@pytest.mark.parametrize("name,username,key,data,kept", BAD_ACTION_INPUT)
def test_bad_action_input_keeps_the_input_and_shows_no_traceback(
    client_for, case_in, name, username, key, data, kept
):
    case = case_in[key]
    before = Case.objects.get(pk=case.pk).status
    events = case.events.count()

    response = client_for(username).post(reverse("cases:action", args=[case.number, name]), data)

    page = response.content.decode()
    assert response.status_code in (400, 409), page
    assert "errorlist" in page
    assert "Traceback" not in page
    if kept:
        assert kept in page
    assert Case.objects.get(pk=case.pk).status == before
    assert case.events.count() == events


def test_every_action_has_a_bad_input_test():
    tested = {row[0] for row in BAD_ACTION_INPUT}

    assert tested == set(ACTIONS)


def test_sign_in_with_a_wrong_password_keeps_the_username(client, db):
    response = client.post(reverse("login"), {"username": "agent", "password": "wrong"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "errorlist" in page
    assert 'value="agent"' in page
