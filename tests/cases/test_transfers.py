"""Two-way transfers: the record, the partner's steps and refusals, the list, the webhooks."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from cases import services
from cases.choices import Status, TransferStatus
from cases.events import EventType
from cases.models import Case, CaseEvent, Transfer
from core.errors import ActionForbidden, NotFound, TransitionNotAllowed
from departments.models import WebhookDelivery, WebhookEndpoint
from departments.tokens import service_user
from tests.apiutil import API, register, token_client, user_client

pytestmark = pytest.mark.django_db


def transferred(users, departments, to="hotline-110"):
    case = register(users["agent"])
    services.transfer_case(case, actor=users["agent"], to=departments[to], reason="警情")
    return case.transfers.get()


def hook(department):
    return WebhookEndpoint.objects.create(
        department=department, url="https://partner.example.org/hook", secret="s" * 32
    )


def state(transfer):
    return (
        Transfer.objects.filter(pk=transfer.pk).values().get(),
        Case.objects.filter(pk=transfer.case_id).values().get(),
        CaseEvent.objects.filter(case_id=transfer.case_id).count(),
    )


def test_a_transfer_opens_a_record_due_after_the_configured_hours(users, departments, settings):
    settings.HOTLINE_TRANSFER_ANSWER_HOURS = 4
    transfer = transferred(users, departments)
    assert transfer.status == TransferStatus.SENT
    assert transfer.due_at - transfer.sent_at == datetime.timedelta(hours=4)
    assert not transfer.is_overdue


@pytest.mark.parametrize("who", ["agent", "other line"])
def test_only_the_addressed_line_acknowledges_and_nothing_changes(users, departments, who):
    transfer = transferred(users, departments)
    before = state(transfer)
    actor = users["agent"] if who == "agent" else service_user(departments["hotline-119"])
    error = ActionForbidden if who == "agent" else NotFound
    with pytest.raises(error):
        services.acknowledge_transfer(transfer, actor=actor)
    with pytest.raises(error):
        services.answer_transfer(transfer, actor=actor, answer="已处置")
    assert state(transfer) == before


def test_the_answer_puts_the_case_on_the_callback_queue_once(users, departments):
    transfer = transferred(users, departments)
    police = service_user(departments["hotline-110"])
    services.answer_transfer(transfer, actor=police, answer="民警已到场。")
    case = Case.objects.get(pk=transfer.case_id)
    assert (case.status, case.replied_at is not None) == (Status.REPLIED, True)
    assert CaseEvent.objects.filter(case=case, type=EventType.TRANSFER_ANSWERED).count() == 1
    before = state(transfer)
    with pytest.raises(TransitionNotAllowed) as refusal:
        services.answer_transfer(transfer, actor=police, answer="再答一次")
    assert refusal.value.code == "transition_not_allowed" and case.number in refusal.value.message
    assert state(transfer) == before
    # the center's callback queue shows the partner's answer
    page = user_client(users["agent"]).get("/cases/callbacks/").content.decode()
    assert "民警已到场。" in page


def test_the_partner_hears_of_its_transfer_and_of_the_answer_to_its_own(users, departments):
    police = departments["hotline-110"]
    endpoint = hook(police)
    transfer = transferred(users, departments)
    assert WebhookDelivery.objects.filter(endpoint=endpoint, event_type="case_transferred").count()
    # an inbound matter from 110, dispatched and replied by 城管局
    inbound = services.receive_transfer(
        actor=service_user(police),
        reference="110-1",
        fields={"request_type": "complaint", "content": "路灯不亮"},
    )
    assert inbound.case.channel == "transfer" and inbound.case.status == Status.REGISTERED
    cgj = departments["cgj"]
    assignment = services.dispatch_case(inbound.case, actor=users["agent"], department=cgj)
    services.sign_assignment(assignment, actor=users["handler"])
    services.reply_assignment(assignment, actor=users["handler"], result="resolved", content="修好")
    replies = WebhookDelivery.objects.filter(endpoint=endpoint, event_type="assignment_replied")
    assert [d.payload["case"]["number"] for d in replies] == [inbound.case.number]
    assert transfer.case.number != inbound.case.number


def test_only_a_partner_line_sends_a_case_in(users):
    with pytest.raises(ActionForbidden):
        services.receive_transfer(
            actor=users["handler"], reference="x", fields={"request_type": "help", "content": "x"}
        )
    assert not Transfer.objects.exists()


def test_the_api_refuses_anonymous_callers(users, departments):
    transfer = transferred(users, departments)
    client = Client()
    assert client.get(f"{API}transfers/").status_code == 401
    assert client.post(f"{API}transfers/{transfer.pk}/answer/").status_code == 401
    assert client.post(f"{API}transfers/inbound/").status_code == 401


def test_the_center_lists_unanswered_transfers_and_marks_the_overdue(users, departments):
    late, waiting = transferred(users, departments), transferred(users, departments, "hotline-119")
    Transfer.objects.filter(pk=late.pk).update(due_at=timezone.now() - datetime.timedelta(hours=1))
    answered = transferred(users, departments, "hotline-120")
    services.answer_transfer(answered, actor=service_user(departments["hotline-120"]), answer="到")
    page = user_client(users["agent"]).get("/cases/transfers/").content.decode()
    assert f'id="transfer-{late.pk}" class="overdue"' in page
    assert f'id="transfer-{waiting.pk}">' in page
    assert f"transfer-{answered.pk}" not in page
    assert user_client(users["handler"]).get("/cases/transfers/").status_code == 403


@pytest.mark.parametrize("count", [1, 4])
def test_the_transfer_lists_cost_the_same_queries(
    users, departments, django_assert_max_num_queries, count
):
    for _n in range(count):
        transferred(users, departments)
    agent, police = user_client(users["agent"]), token_client(departments["hotline-110"])
    with django_assert_max_num_queries(12):
        assert agent.get("/cases/transfers/").status_code == 200
    with django_assert_max_num_queries(12):
        assert len(police.get(f"{API}transfers/").json()["results"]) == count


def test_the_case_page_shows_the_transfer_and_the_partners_answer(users, departments):
    transfer = transferred(users, departments)
    services.answer_transfer(
        transfer, actor=service_user(departments["hotline-110"]), answer="民警已调解。"
    )
    page = user_client(users["agent"]).get(f"/cases/{transfer.case.number}/").content.decode()
    assert f'id="transfer-{transfer.pk}"' in page and "民警已调解。" in page


def test_an_inbound_matter_answered_directly_goes_back_with_the_answer(users, departments):
    police = departments["hotline-110"]
    inbound = services.receive_transfer(
        actor=service_user(police),
        reference="110-2",
        fields={"request_type": "consultation", "content": "居住证怎么办？"},
    )
    client = token_client(police)
    assert client.get(f"{API}transfers/{inbound.pk}/").json()["answered_at"] is None
    services.answer_case(inbound.case, actor=users["agent"], answer="带身份证到派出所办理。")
    back = client.get(f"{API}transfers/{inbound.pk}/").json()
    assert (back["status"], back["answer"]) == ("handled", "带身份证到派出所办理。")
    answered = CaseEvent.objects.get(case=inbound.case, type=EventType.ANSWERED).created_at
    assert datetime.datetime.fromisoformat(back["answered_at"]) == answered
