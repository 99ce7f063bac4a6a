"""Case numbers: the local date and a five-digit sequence, never handed out twice."""

import datetime

import pytest

from cases.numbers import allocate_case_numbers, allocate_case_numbers_by_day, next_case_number

pytestmark = pytest.mark.django_db


def test_numbers_follow_the_day_and_sequence():
    day = datetime.date(2026, 11, 27)
    assert next_case_number(day) == "2026112700001"
    assert next_case_number(day) == "2026112700002"
    assert next_case_number(datetime.date(2026, 11, 28)) == "2026112800001"


def test_blocks_are_consecutive_and_disjoint():
    day = datetime.date(2026, 1, 5)
    first = allocate_case_numbers(day, 3)
    second = allocate_case_numbers(day, 2)
    assert first == ["2026010500001", "2026010500002", "2026010500003"]
    assert second == ["2026010500004", "2026010500005"]


def test_a_day_runs_out_after_99999():
    day = datetime.date(2026, 2, 1)
    allocate_case_numbers(day, 99999)
    with pytest.raises(OverflowError, match="99999"):
        next_case_number(day)


def test_many_days_at_once_continue_each_day_s_sequence():
    # given a day that already handed out two numbers
    first, second = datetime.date(2026, 3, 2), datetime.date(2026, 3, 3)
    allocate_case_numbers(first, 2)
    # when a bulk load numbers several days in one statement (a day with none is skipped)
    numbers = allocate_case_numbers_by_day({first: 3, second: 2, datetime.date(2026, 3, 4): 0})
    # then each day goes on from its own last number, and the next single number follows
    assert numbers == {
        first: ["2026030200003", "2026030200004", "2026030200005"],
        second: ["2026030300001", "2026030300002"],
    }
    assert next_case_number(second) == "2026030300003"


def test_many_days_at_once_refuse_a_day_past_99999():
    day = datetime.date(2026, 3, 5)
    allocate_case_numbers(day, 99_998)
    with pytest.raises(OverflowError):
        allocate_case_numbers_by_day({day: 2})
