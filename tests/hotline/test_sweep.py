"""The deadline watch: once per threshold, idempotent, concurrent-safe, on the working calendar."""

import datetime
import threading

import pytest
from django.core.management import call_command
from django.db import connection

from cases import services
from cases.events import EventType
from cases.models import Assignment, CaseEvent
from hotline.dashboards.supervision import flagged_assignments
from hotline.models import DeadlineReminder
from hotline.sweep import sweep_deadlines
from tests.hotline.crafted import at

MONDAY = "2026-03-02"  # an ordinary working week
FRIDAY = "2026-03-06"


def dispatched(users, departments, when, **fields):
    """A complaint registered and dispatched to cgj at `when`, through the services."""
    case = services.register_case(actor=users["agent"], channel="phone",
                                  request_type=fields.pop("request_type", "complaint"),
                                  content="夜间施工噪音扰民", at=when, **fields)  # fmt: skip
    return services.dispatch_case(case, actor=users["agent"], department=departments["cgj"],
                                  at=when)  # fmt: skip


def urges(assignment) -> list[str]:
    events = CaseEvent.objects.filter(assignment=assignment, type=EventType.URGED)
    return [e.data["threshold"] for e in events.order_by("created_at", "id")]


def test_sign_deadline_urged_once_per_threshold(users, departments):
    assignment = dispatched(users, departments, at(MONDAY, "09:00"))
    assert assignment.sign_due_at == at(MONDAY, "11:00")  # 2 working hours

    early = sweep_deadlines(at(MONDAY, "10:00"), refresh=False)  # an hour of two left
    quarter = sweep_deadlines(at(MONDAY, "10:31"), refresh=False)  # 29 minutes left
    quarter_again = sweep_deadlines(at(MONDAY, "10:45"), refresh=False)
    overdue = sweep_deadlines(at(MONDAY, "11:01"), refresh=False)
    overdue_again = sweep_deadlines(at(MONDAY, "16:00"), refresh=False)

    assert not early and not quarter_again and not overdue_again
    assert quarter == {"sign:quarter_left": 1}
    assert overdue == {"sign:overdue": 1}
    assert urges(assignment) == ["sign:quarter_left", "sign:overdue"]
    assert DeadlineReminder.objects.filter(assignment=assignment).count() == 2


def test_working_calendar_stops_the_clock_over_the_weekend(users, departments):
    # Dispatched Friday 16:30: one working hour on Friday, the second on Monday morning.
    assignment = dispatched(users, departments, at(FRIDAY, "16:30"))
    assert assignment.sign_due_at == at("2026-03-09", "10:00")

    saturday = sweep_deadlines(at("2026-03-07", "12:00"), refresh=False)
    monday = sweep_deadlines(at("2026-03-09", "09:31"), refresh=False)

    assert not saturday  # by the clock most of the time is gone; in working time half is left
    assert monday == {"sign:quarter_left": 1}


def test_reply_deadline_and_a_signed_assignment(users, departments):
    assignment = dispatched(users, departments, at(MONDAY, "09:00"))
    services.sign_assignment(assignment, actor=users["handler"], at=at(MONDAY, "09:30"))
    assignment.refresh_from_db()
    due = assignment.reply_due_at

    near = sweep_deadlines(due - datetime.timedelta(hours=1), refresh=False)
    past = sweep_deadlines(due + datetime.timedelta(minutes=1), refresh=False)
    again = sweep_deadlines(due + datetime.timedelta(days=1), refresh=False)

    assert near == {"reply:quarter_left": 1}  # signed: no sign urges at all
    assert past == {"reply:overdue": 1}
    assert not again
    assert list(flagged_assignments()) == [assignment]


def test_replied_assignments_are_left_alone(users, departments):
    assignment = dispatched(users, departments, at(MONDAY, "09:00"))
    services.sign_assignment(assignment, actor=users["handler"], at=at(MONDAY, "09:30"))
    services.reply_assignment(assignment, actor=users["handler"], result="resolved",
                              content="已处理", at=at(MONDAY, "15:00"))  # fmt: skip

    assert not sweep_deadlines(at("2026-04-30", "10:00"), refresh=False)


def test_the_unique_constraint_refuses_a_second_reminder(users, departments):
    from django.db import IntegrityError, transaction

    assignment = dispatched(users, departments, at(MONDAY, "09:00"))
    values = {"assignment": assignment, "stage": "sign", "threshold": "overdue",
              "due_at": assignment.sign_due_at}  # fmt: skip
    DeadlineReminder.objects.create(**values)

    with pytest.raises(IntegrityError), transaction.atomic():
        DeadlineReminder.objects.create(**values)


def test_the_command_reports_what_it_sent(users, departments, capsys):
    dispatched(users, departments, at(MONDAY, "09:00"))

    call_command("sweep_deadlines")
    call_command("sweep_deadlines")

    first, second = capsys.readouterr().out.strip().splitlines()
    assert "reply:overdue 1" in first and "sign:overdue 1" in first
    assert "overdue" not in second


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_urge_each_threshold_once(transactional_city):
    from django.contrib.auth import get_user_model

    from departments.models import Department

    users = {u.username: u for u in get_user_model().objects.all()}
    departments = {d.code: d for d in Department.objects.all()}
    for _ in range(12):
        dispatched(users, departments, at(MONDAY, "09:00"))
    now = at(MONDAY, "11:30")  # every sign deadline has passed
    barrier, results, errors = threading.Barrier(2), [], []

    def run():
        try:
            barrier.wait()
            results.append(sweep_deadlines(now, refresh=False))
        except Exception as error:  # surfaced below: a thread must not swallow it
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert sum(r["sign:overdue"] for r in results) == 12
    assert DeadlineReminder.objects.count() == 12
    assert CaseEvent.objects.filter(type=EventType.URGED).count() == 12
    assert Assignment.objects.count() == 12
