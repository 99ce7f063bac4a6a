"""What must never happen is refused by the database itself, not only by forms."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.models import Assignment, Callback, Case, Category, SupervisionOrder
from cases.numbers import next_case_number
from departments.models import Department, Region, ResponsibilityRule

pytestmark = pytest.mark.django_db


def make_case(**overrides) -> Case:
    fields = {
        "number": next_case_number(timezone.localdate()),
        "channel": "phone",
        "request_type": "complaint",
        "content": "小区门口路灯不亮",
    }
    fields.update(overrides)
    return Case.objects.create(**fields)


def refused(**overrides) -> bool:
    try:
        with transaction.atomic():
            make_case(**overrides)
    except IntegrityError:
        return True
    return False


@pytest.mark.parametrize(
    "overrides",
    [
        {"status": "lost"},
        {"channel": "pigeon"},
        {"request_type": "gossip"},
        {"urgency": "whenever"},
        {"number": "ABC"},
        {"number": "20261127"},
        {"content": ""},
        {"status": "merged"},  # merged without a parent
    ],
    ids=lambda o: next(iter(o.items()))[0] + "=" + str(next(iter(o.values()))),
)
def test_invalid_case_rows_are_refused(overrides):
    assert refused(**overrides)


def test_case_numbers_are_unique():
    case = make_case()
    assert refused(number=case.number)


def test_due_date_must_follow_creation():
    now = timezone.now()
    assert refused(created_at=now, reply_due_at=now - datetime.timedelta(hours=1))
    assert not refused(created_at=now, reply_due_at=now + datetime.timedelta(hours=1))


def test_a_case_is_not_its_own_parent():
    case = make_case()
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(parent=case)


def test_one_open_main_assignment_per_case(departments):
    case = make_case()
    now = timezone.now()
    due = {
        "sign_due_at": now + datetime.timedelta(hours=2),
        "reply_due_at": now + datetime.timedelta(days=10),
        "case_created_at": case.created_at,
    }
    Assignment.objects.create(case=case, department=departments["cgj"], dispatched_at=now, **due)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            case=case, department=departments["scjgj"], dispatched_at=now, **due
        )
    # a co-handler and a closed earlier main assignment are fine
    Assignment.objects.create(
        case=case, department=departments["gaj"], role="co", dispatched_at=now, **due
    )
    Assignment.objects.create(
        case=case, department=departments["jyj"], status="returned", dispatched_at=now, **due
    )


def test_assignment_deadlines_follow_dispatch(departments):
    case = make_case()
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            case=case,
            case_created_at=case.created_at,
            department=departments["cgj"],
            dispatched_at=now,
            sign_due_at=now - datetime.timedelta(minutes=1),
            reply_due_at=now + datetime.timedelta(days=1),
        )


def test_replied_assignment_needs_a_result(departments):
    case = make_case()
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            case=case,
            case_created_at=case.created_at,
            department=departments["cgj"],
            status="replied",
            dispatched_at=now,
            sign_due_at=now + datetime.timedelta(hours=1),
            reply_due_at=now + datetime.timedelta(days=1),
        )


def test_unreached_callback_carries_no_rating(users):
    case = make_case()
    with pytest.raises(IntegrityError), transaction.atomic():
        Callback.objects.create(
            case=case, agent=users["agent"], reached=False, satisfaction="satisfied"
        )


def test_supervision_due_after_opening(users, departments):
    case = make_case()
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        SupervisionOrder.objects.create(
            case=case,
            department=departments["cgj"],
            reason="overdue",
            opened_by=users["supervisor"],
            opened_at=now,
            due_at=now,
        )


def test_region_codes_have_official_lengths():
    with pytest.raises(IntegrityError), transaction.atomic():
        Region.objects.create(code="4301", name="bad", level=Region.Level.CITY)


def test_territorial_departments_govern_a_region():
    with pytest.raises(IntegrityError), transaction.atomic():
        Department.objects.create(code="s-nowhere", name="无处街道办事处", kind="street_office")


def test_category_levels_and_parents_agree():
    with pytest.raises(IntegrityError), transaction.atomic():
        Category.objects.create(code="99X", name="orphan", level=2)


def test_rule_names_a_target():
    with pytest.raises(IntegrityError), transaction.atomic():
        ResponsibilityRule.objects.create(name="nowhere")


def test_subtree_paths_follow_the_tree():
    street = Region.objects.get(code="430103002")
    assert street.path == "430000/430100/430103/430103002/"
    assert Region.objects.subtree(Region.objects.get(code="430103")).filter(pk=street.pk).exists()
