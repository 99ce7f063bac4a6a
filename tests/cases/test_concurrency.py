"""Two people act on the same assignment at the same instant (PostgreSQL, separate connections).

Each thread has its own database connection; a barrier releases them together. The row locks
(case, then assignments by id) make one wait for the other, which then re-reads the new state
and is refused: exactly one wins and the timeline holds exactly one event for it.
"""

import threading

import pytest
from django.db import connection

from cases import services
from cases.events import EventType
from cases.models import CaseEvent, SupervisionOrder
from core.errors import ApplicationError, TransitionNotAllowed
from tests.cases.lifecycle_world import register

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(*calls):
    """Run the calls in parallel threads; return ("ok", value) or ("refused", error) each."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = ("ok", call())
        except ApplicationError as error:
            results[index] = ("refused", error)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def dispatched(w):
    case = register(w)
    return case, services.dispatch_case(case, actor=w.agent, department=w.dept("cgj"))


@pytest.mark.parametrize("attempt", range(2))
def test_return_against_return(transactional_city, world, attempt):
    # A return is allowed whether the assignment is signed or not (issue 14), so signing and
    # returning no longer exclude each other; two returns of one assignment still do.
    case, assignment = dispatched(world)
    results = race(
        lambda: services.return_assignment(assignment, actor=world.handler, reason="不是我们的"),
        lambda: services.return_assignment(assignment, actor=world.handler, reason="应由街道办理"),
    )
    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["ok", "refused"]
    refusal = next(value for kind, value in results if kind == "refused")
    assert isinstance(refusal, TransitionNotAllowed) and case.number in refusal.message
    assert CaseEvent.objects.filter(case=case, type=EventType.RETURNED).count() == 1
    case.refresh_from_db()
    assert case.status == "return_review"


@pytest.mark.parametrize("attempt", range(2))
def test_reply_against_reply(transactional_city, world, attempt):
    case, assignment = dispatched(world)
    services.sign_assignment(assignment, actor=world.handler)
    results = race(
        lambda: services.reply_assignment(
            assignment, actor=world.handler, result="resolved", content="第一位承办人的答复"
        ),
        lambda: services.reply_assignment(
            assignment, actor=world.handler, result="explained", content="第二位承办人的答复"
        ),
    )
    assert sorted(kind for kind, _ in results) == ["ok", "refused"]
    refusal = next(value for kind, value in results if kind == "refused")
    assert isinstance(refusal, TransitionNotAllowed)
    assert refusal.message.startswith(f"case {case.number} is replied;")
    assert CaseEvent.objects.filter(case=case, type=EventType.REPLIED).count() == 1
    assignment.refresh_from_db()
    winner = next(value for kind, value in results if kind == "ok")
    assert assignment.reply_content == winner.reply_content


def test_thirty_supervisors_open_one_supervision_order(transactional_city, world):
    # given: a dispatched case; when: 30 supervise calls of the same level at the same instant
    case, assignment = dispatched(world)
    results = race(
        *[
            lambda n=n: services.supervise_case(
                case,
                actor=world.supervisor,
                level="normal",
                reason=f"督办 {n}",
                due_at=assignment.reply_due_at,
            )
            for n in range(30)
        ]
    )
    # then: one order, one event; 29 clear refusals naming the case
    assert sorted(kind for kind, _ in results) == ["ok"] + ["refused"] * 29
    refusals = [value for kind, value in results if kind == "refused"]
    assert all(isinstance(r, TransitionNotAllowed) and case.number in r.message for r in refusals)
    assert SupervisionOrder.objects.filter(case=case).count() == 1
    assert CaseEvent.objects.filter(case=case, type=EventType.SUPERVISED).count() == 1


def test_on_postgres(transactional_city, on_postgres):
    assert on_postgres
