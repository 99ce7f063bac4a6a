"""The typed event constructors and the outbox hook they call inside the transition."""

import ast
import inspect

import pytest
from django.db import connection

from cases import events, services
from cases.choices import Status
from cases.events import EventType
from cases.models import Case, CaseEvent, ReplyReviewPolicy
from core import outbox
from departments import webhooks
from departments.models import WebhookDelivery, WebhookEndpoint
from tests.cases.lifecycle_world import (
    STREET,
    case_in,
    latest,
    open_dispute_of,
    open_order_of,
    partner_user,
    pending_extension_of,
    register,
    transfer_of,
)

# The `data` keys each stored event type carries: the timeline, the webhooks and the dashboards
# read them, so the typed constructors must write exactly these.
DATA_KEYS = {
    EventType.REGISTERED: {"channel", "request_type", "urgency"},
    EventType.ANSWERED: {"articles"},
    EventType.TRANSFERRED: {"to", "to_name", "reason", "transfer"},
    EventType.INVALIDATED: {"reason"},
    EventType.MERGED: {"parent"},
    EventType.DISPATCHED: {"department", "co", "note", "routing"},
    EventType.REDISPATCHED: {"from", "department", "note"},
    EventType.SIGNED: {"late", "role"},
    EventType.RETURNED: {"reason", "suggested_department", "suggested_department_name"},
    EventType.RETURN_ACCEPTED: {"accept", "note", "department"},
    EventType.RETURN_REJECTED: {"accept", "note", "department", "signed"},
    EventType.DISPUTE_OPENED: {"reason", "departments"},
    EventType.DISPUTE_DECIDED: {"department", "note", "dispute"},
    EventType.EXTENSION_REQUESTED: {"extension", "days", "reason"},
    EventType.EXTENSION_DECIDED: {"extension", "approve", "note", "new_due_at"},
    EventType.PROGRESS: {"note"},
    EventType.REPLIED: {"result", "role", "late", "review", "extensions_withdrawn"},
    EventType.CALLBACK: {"callback", "reached", "resolved", "satisfaction", "channel"},
    EventType.REOPENED: {"reason", "department", "reopens", "extensions_withdrawn"},
    EventType.PARKED: {"reason", "reopens"},
    EventType.CLOSED: {"note", "basis", "attempts", "with_parent"},
    EventType.URGED: {"note", "threshold", "automatic"},
    EventType.SUPERVISED: {"order", "level", "due_at", "reason", "instruction"},
    EventType.SUPERVISION_ANSWERED: {"order", "answer"},
    EventType.TRANSFER_ACKNOWLEDGED: {"transfer", "partner", "reference"},
    EventType.TRANSFER_ANSWERED: {"transfer", "partner", "answer"},
    # issue 14: reply review, take back
    EventType.REPLY_APPROVED: {"note", "department"},
    EventType.REPLY_SENT_BACK: {"reason", "department", "result", "content"},
    EventType.TAKEN_BACK: {"reason", "withdrawn", "extensions_withdrawn", "supervisions_closed"},
    # issue 14 (B)
    EventType.PARENT_REPLIED: {"parent", "result", "reply"},
    EventType.REFERRED: {"note", "satisfaction", "resolved"},
    EventType.CONCLUDED: {"reason"},
    EventType.SUPERVISION_ACCEPTED: {"order", "level", "note"},
    EventType.SUPERVISION_SENT_BACK: {"order", "level", "note"},
    EventType.CONSULTATION_OPENED: {"consultation", "topic", "departments", "department_ids"},
    EventType.POSITION_RECORDED: {"consultation", "department", "department_ids", "position"},
    EventType.CONSULTATION_DECIDED: {"consultation", "department", "co", "decision"},
}


class Refused(Exception):
    """What the failing test writer raises."""


@pytest.fixture
def registered_writer():
    """Register writers for one test only."""
    added = []

    def add(writer):
        added.append(outbox.register(writer))

    yield add
    for writer in added:
        outbox.unregister(writer)


@pytest.fixture
def endpoint(world):
    return WebhookEndpoint.objects.create(
        department=world.dept("cgj"), url="http://127.0.0.1:9/hook", secret="s"
    )


def note_writer(endpoint):
    """A second integration: one row of its own per event, written where the event is."""

    def write(event):
        assert connection.in_atomic_block
        WebhookDelivery.objects.create(
            endpoint=endpoint, event_type=f"note:{event.type}", payload={"event": event.pk}
        )

    return write


def refuse_dispatches(event):
    if event.type == EventType.DISPATCHED:
        raise Refused("the integration failed")


def test_the_webhooks_register_their_writer_when_the_app_loads():
    assert webhooks.enqueue_for_event in outbox.writers()


def test_the_events_module_imports_no_integration():
    tree = ast.parse(inspect.getsource(events))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not {name for name in imported if name.split(".")[0] in ("departments", "hotline")}


def test_a_registered_writer_adds_its_row_with_the_event(world, endpoint, registered_writer):
    registered_writer(note_writer(endpoint))

    case = register(world)
    services.dispatch_case(case, actor=world.agent, department=world.dept("cgj"))

    rows = WebhookDelivery.objects.filter(event_type__startswith="note:")
    assert sorted(rows.values_list("event_type", flat=True)) == [
        f"note:{EventType.DISPATCHED}",
        f"note:{EventType.REGISTERED}",
    ]
    dispatched = case.events.get(type=EventType.DISPATCHED)
    assert rows.get(event_type=f"note:{EventType.DISPATCHED}").payload == {"event": dispatched.pk}
    # the webhooks' own writer ran too: cgj's endpoint hears of the dispatch
    assert WebhookDelivery.objects.filter(event_type=EventType.DISPATCHED).count() == 1


def test_a_writer_s_row_rolls_back_with_a_failed_transition(world, endpoint, registered_writer):
    # given a case, and two writers after the webhooks': one writes, the next one fails
    case = register(world)
    registered_writer(note_writer(endpoint))
    registered_writer(refuse_dispatches)
    before = WebhookDelivery.objects.count()

    # when the dispatch's event reaches the failing writer
    with pytest.raises(Refused):
        services.dispatch_case(case, actor=world.agent, department=world.dept("cgj"))

    # then nothing of the dispatch is left: no status, no event, no assignment, no outbox row
    case.refresh_from_db()
    assert case.status == Status.REGISTERED
    assert list(case.events.values_list("type", flat=True)) == [EventType.REGISTERED]
    assert not case.assignments.exists()
    assert WebhookDelivery.objects.count() == before


def _the_rest_of_the_lifecycle(w, settings):
    """The events no status builder writes: re-dispatch, rejection, progress, extensions …"""
    disputed = case_in(Status.DISPUTED, w, settings)
    services.decide_dispute(open_dispute_of(disputed), actor=w.supervisor, department=w.dept("cgj"))
    reviewed = case_in(Status.RETURN_REVIEW, w, settings)
    services.review_return(latest(reviewed), actor=w.supervisor, accept=False)
    working = case_in(Status.IN_PROGRESS, w, settings)
    assignment = latest(working)
    services.add_progress(assignment, actor=w.district_handler, note="已到现场查看。")
    services.request_extension(assignment, actor=w.district_handler, reason="需协调", days=1)
    services.decide_extension(pending_extension_of(working), actor=w.supervisor, approve=True)
    services.urge_assignment(assignment, actor=w.agent, note="请尽快答复")
    order = open_order_of(working)
    services.answer_supervision(order, actor=w.district_handler, answer="在办")
    services.review_supervision(order, actor=w.supervisor, accept=False, note="答复不具体")
    services.answer_supervision(order, actor=w.district_handler, answer="已整改")
    services.review_supervision(order, actor=w.supervisor, accept=True)
    services.redispatch_assignment(assignment, actor=w.district_handler, department=w.dept(STREET))
    replied = case_in(Status.REPLIED, w, settings)
    services.record_callback(
        replied, actor=w.agent, reached=True, resolved=False, satisfaction="unsatisfied"
    )
    settings.HOTLINE_MAX_REOPENS = 3
    services.reopen_case(replied, actor=w.supervisor, reason="群众不满意")
    transferred = case_in(Status.TRANSFERRED, w, settings)
    services.acknowledge_transfer(transfer_of(transferred, w), actor=partner_user(w))
    services.answer_transfer(transfer_of(transferred, w), actor=partner_user(w), answer="已处置")
    _the_decision_and_the_consultation(w, settings)  # before every reply waits for review
    in_review = case_in(Status.REPLY_REVIEW, w, settings)
    services.send_back_reply(in_review, actor=w.supervisor, reason="答复未说明结果")
    ReplyReviewPolicy.objects.create(review=True)
    services.reply_assignment(
        latest(in_review), actor=w.district_handler, result="resolved", content="已处理。"
    )
    services.approve_reply(in_review, actor=w.supervisor)
    services.take_back_case(
        case_in(Status.DISPATCHED, w, settings), actor=w.supervisor, reason="改派"
    )


def _the_decision_and_the_consultation(w, settings):
    """Issue 14 (B): a decision closed by a supervisor, a duplicate hearing its parent's reply,
    a joint consultation from invitation to decision."""
    deciding = case_in(Status.DECISION, w, settings)
    services.conclude_case(deciding, actor=w.supervisor, reason="已向市民解释")
    parent, duplicate = register(w), register(w, citizen_phone="13900001111")
    services.merge_case(duplicate, actor=w.agent, parent=parent)
    assignment = services.dispatch_case(parent, actor=w.agent, department=w.dept("cgj"))
    services.sign_assignment(assignment, actor=w.handler)
    services.reply_assignment(assignment, actor=w.handler, result="resolved", content="已处理")
    hard = register(w)
    consultation = services.open_consultation(
        hard, actor=w.supervisor, topic="谁主办", departments=[w.dept("cgj")]
    )
    services.record_position(consultation, actor=w.handler, position="我局主办")
    services.decide_consultation(
        consultation, actor=w.supervisor, department=w.dept("cgj"), decision="城管局主办"
    )


def test_every_event_type_keeps_its_stored_data_keys(world, settings):
    # given cases in every status, and the actions that do not lead to a status of their own
    for status in Status.values:
        case_in(status, world, settings)
    _the_rest_of_the_lifecycle(world, settings)

    # then every event type was written, each with exactly its keys
    written: dict[str, set] = {}
    for type_, data in CaseEvent.objects.values_list("type", "data"):
        assert set(data) == DATA_KEYS[type_], type_
        written[type_] = set(data)
    assert set(written) == set(DATA_KEYS)
    assert Case.objects.filter(status=Status.DISPATCHED).exists()
