"""The synthetic load generator: counts, consistency with the services' rules, and aggregates."""

import datetime
import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from cases import sla, textsearch
from cases.choices import ACTIVE_ASSIGNMENT_STATUSES
from cases.events import EventType
from cases.models import Assignment, Callback, Case, CaseEvent, Extension
from hotline.dashboards.stats import ROLLUPS, day_bounds
from hotline.management.commands.generate_cases import AGGREGATES, WRITTEN
from hotline.models import DailyStat

COUNT, DAYS = 2500, 45


@pytest.fixture
def generated(db):
    call_command("generate_cases", count=COUNT, days=DAYS, seed=3)
    return Case.objects.all()


def test_counts_and_numbers(generated):
    assert COUNT * 0.97 <= generated.count() <= COUNT  # today's cases after now are skipped
    for number, created in generated.values_list("number", "created_at")[:500]:
        assert number.startswith(timezone.localtime(created).strftime("%Y%m%d"))
    assert generated.values("number").distinct().count() == generated.count()


def test_statuses_are_spread_like_a_real_hotline(generated):
    statuses = dict(generated.values_list("status").annotate(n=Count("id")))

    assert {"closed", "answered", "replied", "in_progress", "dispatched", "invalid",
            "transferred", "merged"} <= set(statuses)  # fmt: skip
    assert statuses["closed"] > generated.count() * 0.3


def test_rows_are_consistent_with_the_lifecycle(generated):
    dispatched = generated.filter(status__in=["dispatched", "in_progress", "return_review"])
    open_main = Q(assignments__role="main", assignments__status__in=ACTIVE_ASSIGNMENT_STATUSES)
    assert dispatched.exclude(open_main).count() == 0
    assert generated.filter(status="closed", closed_at__isnull=True).count() == 0
    assert generated.filter(status="merged", parent__isnull=True).count() == 0
    assignments = Assignment.objects.all()
    assert assignments.filter(sign_due_at__lte=F("dispatched_at")).count() == 0
    assert assignments.filter(status="replied").filter(
        Q(replied_at__isnull=True) | Q(reply_result="")).count() == 0  # fmt: skip
    assert assignments.filter(signed_at__lt=F("dispatched_at")).count() == 0
    assert assignments.exclude(case_created_at=F("case__created_at")).count() == 0
    assert Callback.objects.filter(reached=False, satisfaction__gt="").count() == 0
    now = timezone.now()
    assert generated.filter(created_at__gt=now).count() == 0
    assert CaseEvent.objects.filter(created_at__gt=now).count() == 0


def test_every_transition_has_its_event(generated):
    events = CaseEvent.objects.values("type").annotate(n=Count("id"))
    by_type = {row["type"]: row["n"] for row in events}

    assert by_type[EventType.REGISTERED] == generated.count()
    # an assignment is created by a dispatch, or by a reopening (which dispatches in one step)
    created = by_type[EventType.DISPATCHED] + by_type[EventType.REOPENED]
    assert created == Assignment.objects.count()
    assert by_type[EventType.SIGNED] == Assignment.objects.filter(signed_at__isnull=False).count()
    assert by_type[EventType.CALLBACK] == Callback.objects.count()
    assert by_type[EventType.EXTENSION_REQUESTED] == Extension.objects.count()


def test_deadlines_are_the_working_calendar_s(generated):
    sample = random.Random(1).sample(list(Assignment.objects.select_related("case")), 200)
    for a in sample:
        kind, urgency = a.case.request_type, a.case.urgency
        assert a.sign_due_at == sla.due_at("sign", request_type=kind, urgency=urgency,
                                           start=a.dispatched_at)  # fmt: skip
        if not a.extension_count:
            assert a.reply_due_at == sla.due_at("reply", request_type=kind, urgency=urgency,
                                                start=a.dispatched_at)  # fmt: skip


def test_aggregates_equal_a_direct_count(generated):
    last = timezone.localdate()
    first = last - datetime.timedelta(days=20)
    start, end = day_bounds(first, last)
    rollup = DailyStat.objects.filter(day__gte=first, day__lte=last, channel="*")
    detailed = DailyStat.objects.filter(day__gte=first, day__lte=last).exclude(channel__in=ROLLUPS)
    by_category = DailyStat.objects.filter(day__gte=first, day__lte=last, channel="*c")

    sums = rollup.aggregate(i=Sum("intake"), d=Sum("dispatched"), r=Sum("replied"),
                            s=Sum("satisfied"), e=Sum("extensions"))  # fmt: skip
    assert sums == {
        "i": Case.objects.filter(created_at__gte=start, created_at__lt=end).count(),
        "d": Assignment.objects.filter(dispatched_at__gte=start, dispatched_at__lt=end).count(),
        "r": Assignment.objects.filter(replied_at__gte=start, replied_at__lt=end).count(),
        "s": Callback.objects.filter(created_at__gte=start, created_at__lt=end,
                                     satisfaction="satisfied").count(),
        "e": Extension.objects.filter(requested_at__gte=start, requested_at__lt=end).count(),
    }  # fmt: skip
    per_department = dict(rollup.values_list("department").annotate(n=Sum("dispatched")))
    direct = dict(
        Assignment.objects.filter(dispatched_at__gte=start, dispatched_at__lt=end)
        .values_list("department").annotate(n=Count("id"))
    )  # fmt: skip
    assert {k: v for k, v in per_department.items() if v} == direct
    assert detailed.aggregate(n=Sum("intake"))["n"] == sums["i"]
    assert by_category.aggregate(n=Sum("intake"))["n"] == sums["i"]


def test_bad_arguments_are_refused(db):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("generate_cases", count=0)


def test_generated_cases_are_in_the_text_index(generated):
    # The generator writes the index itself on PostgreSQL (COPY) and through the triggers on
    # SQLite: either way every generated case is found by a part of its text.
    for case in generated.order_by("pk")[::125]:
        text = (case.title or case.content)[:4]
        found = textsearch.search(Case.objects.all(), text)
        assert found.filter(pk=case.pk).exists(), (case.number, text)


SCHEMA = """
    SELECT 'index', tablename, indexdef FROM pg_indexes WHERE tablename = ANY(%(t)s)
    UNION ALL SELECT 'constraint', conrelid::regclass::text,
                     conname || ' ' || pg_get_constraintdef(oid) || ' ' || convalidated
              FROM pg_constraint WHERE conrelid::regclass::text = ANY(%(t)s)
    UNION ALL SELECT 'trigger', tgrelid::regclass::text, tgname || ' ' || tgenabled::text
              FROM pg_trigger WHERE NOT tgisinternal AND tgrelid::regclass::text = ANY(%(t)s)
    ORDER BY 1, 2, 3"""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bulk load is PostgreSQL's")
def test_a_bulk_load_puts_back_every_index_constraint_and_trigger(db):
    # given the generator's tables and the aggregates' as the migrations left them
    tables = {"t": [*WRITTEN, *AGGREGATES]}
    with connection.cursor() as cursor:
        cursor.execute(SCHEMA, tables)
        before = cursor.fetchall()
    assert len([row for row in before if row[0] == "index"]) > 40
    # when a bulk load (more cases than there are) sets them aside and builds them again
    call_command("generate_cases", count=300, days=10, seed=4)
    # then every one is back, validated, and the triggers are enabled again
    with connection.cursor() as cursor:
        cursor.execute(SCHEMA, tables)
        assert cursor.fetchall() == before
        cursor.execute(
            "SELECT count(*) FROM cases_case c LEFT JOIN cases_case_text t ON t.case_id = c.id"
            " WHERE t.case_id IS NULL"
        )
        assert cursor.fetchone() == (0,)
    # and the text trigger indexes a case written afterwards
    case = Case.objects.order_by("pk").first()
    Case.objects.filter(pk=case.pk).update(title="量子纠缠实验室噪声")
    assert textsearch.search(Case.objects.all(), "量子纠缠").filter(pk=case.pk).exists()
