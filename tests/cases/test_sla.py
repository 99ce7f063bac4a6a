"""The deadline clock: properties (hypothesis) and worked examples around National Day 2026.

The 2026 schedule (State Council notice, in hotline/demo/data/holidays): Mid-Autumn Festival
Friday 25 – Sunday 27 September off; National Day Thursday 1 – Wednesday 7 October off;
Sunday 20 September and Saturday 10 October are worked. Office hours 09:00–12:00, 13:30–17:30
(7 working hours a day), local time Asia/Shanghai.
"""

import csv
import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from cases import sla
from cases.models import DeadlinePolicy, WorkingDay
from hotline.checks import official_calendar_check

TZ = ZoneInfo("Asia/Shanghai")
H = datetime.timedelta(hours=1)
HOURS = "working_hours"
DAYS = "working_days"


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=TZ)


def _official_days() -> dict[datetime.date, bool]:
    """An oracle independent of the seeding code: the holidays file of the demo data."""
    path = Path(settings.DEMO_DATA_DIR) / "holidays" / "holidays_cn_2007_2026.csv"
    with path.open(encoding="utf-8") as handle:
        return {
            datetime.date.fromisoformat(row["date"]): row["isOffDay"] == "False"
            for row in csv.DictReader(handle)
        }


OFFICIAL = _official_days()


def officially_working(day: datetime.date) -> bool:
    return OFFICIAL.get(day, day.weekday() < 5)


@pytest.fixture(autouse=True)
def fresh_clock():
    sla.clear_cache()
    yield
    sla.clear_cache()


# ---------------------------------------------------------------- worked examples


@pytest.mark.parametrize(
    ("start", "amount", "unit", "due"),
    [
        # a consultation (2 working days = 14 h) registered the day before National Day:
        # Wed 30 Sep 10:00–17:30 gives 6 h, Thu 8 Oct 7 h, Fri 9 Oct the last hour.
        ("2026-09-30 10:00", 2, DAYS, "2026-10-09 10:00"),
        # a complaint (15 working days) from Tue 29 Sep 09:00: 29, 30 Sep, 8, 9, Sat 10 Oct
        # (worked), 12–16 Oct, 19–23 Oct: the 15th working day ends Fri 23 Oct 17:30.
        ("2026-09-29 09:00", 15, DAYS, "2026-10-23 17:30"),
        # signing (2 working hours) dispatched Wed 30 Sep 17:00: half an hour, then the
        # holiday, then 1.5 h on Thu 8 Oct.
        ("2026-09-30 17:00", 2, HOURS, "2026-10-08 10:30"),
        # the adjusted working day: dispatched Fri 9 Oct 17:00, due Saturday 10 Oct 10:30.
        ("2026-10-09 17:00", 2, HOURS, "2026-10-10 10:30"),
        # Mid-Autumn: Thu 24 Sep 16:30, one hour that day, Fri 25 – Sun 27 off, Mon 28 10:00.
        ("2026-09-24 16:30", 2, HOURS, "2026-09-28 10:00"),
        # Sunday 20 Sep is worked: registered Sat 19 Sep 15:00, the clock starts Sun 09:00.
        ("2026-09-19 15:00", 3, HOURS, "2026-09-20 12:00"),
        # the return window (1 working day) from Wed 30 Sep 15:00: 2.5 h, then Thu 8 Oct
        # 09:00–12:00 and 13:30–15:00.
        ("2026-09-30 15:00", 1, DAYS, "2026-10-08 15:00"),
        # urgent signing is clock time, even on a holiday.
        ("2026-10-03 20:00", 30, "clock_minutes", "2026-10-03 20:30"),
        # registered during the lunch break: the clock starts at 13:30.
        ("2026-11-27 12:10", 1, HOURS, "2026-11-27 14:30"),
        # 2027 has no official calendar yet: Mon–Fri, so Fri 1 Jan 2027 counts as working.
        ("2027-01-01 10:00", 2, DAYS, "2027-01-05 10:00"),
    ],
)
def test_worked_examples(db, start, amount, unit, due):
    assert sla.add_working_time(at(start), amount, unit) == at(due)


def test_working_time_across_national_day(db):
    # Wed 30 Sep 09:00 to Thu 8 Oct 17:30: two working days, the seven days off count nothing.
    assert sla.working_time_between(at("2026-09-30 09:00"), at("2026-10-08 17:30")) == 14 * H
    assert sla.working_time_between(at("2026-10-01 00:00"), at("2026-10-07 23:59")) == 0 * H
    # The worked Saturday 10 October counts in full.
    assert sla.working_time_between(at("2026-10-10 00:00"), at("2026-10-11 00:00")) == 7 * H


def test_due_at_reads_the_policies(db):
    start = at("2026-09-30 10:00")
    assert sla.due_at("reply", request_type="consultation", start=start) == at("2026-10-09 10:00")
    urgent = sla.due_at("sign", request_type="complaint", urgency="urgent", start=start)
    assert urgent == at("2026-09-30 10:30")
    assert sla.due_at("sign", urgency="extra_urgent", start=start) == at("2026-09-30 10:15")
    # praise has no row of its own: the reply default (10 working days) applies
    assert sla.policy_for("reply", request_type="praise") == sla.Policy(10, DAYS)
    assert sla.policy_for("reply", request_type="report") == sla.Policy(15, DAYS)


def test_an_edited_policy_is_used_at_once(db):
    DeadlinePolicy.objects.filter(stage="reply", request_type="consultation").update(limit=1)
    sla.clear_cache()  # .update() bypasses save(): the admin's save clears it by itself
    start = at("2026-09-30 10:00")
    assert sla.due_at("reply", request_type="consultation", start=start) == at("2026-10-08 10:00")
    policy = DeadlinePolicy.objects.get(stage="reply", request_type="consultation")
    policy.limit = 2
    policy.save()
    assert sla.due_at("reply", request_type="consultation", start=start) == at("2026-10-09 10:00")


def test_the_seed_matches_the_official_file_for_2026(db):
    rows = {d.date: d.is_workday for d in WorkingDay.objects.filter(date__year=2026)}
    official_2026 = {d: w for d, w in OFFICIAL.items() if d.year == 2026}
    assert rows == official_2026
    assert WorkingDay.objects.get(date="2026-10-01").name == "National Day"
    assert "adjusted working day" in WorkingDay.objects.get(date="2026-10-10").name


def test_missing_year_warns_until_a_supervisor_enters_it(db):
    this_year = datetime.date.today().year
    expected = [y for y in (this_year, this_year + 1) if y > 2026]
    warnings = official_calendar_check()
    assert [w.msg for w in warnings] == [f"no official calendar entered for {y}" for y in expected]
    assert all(w.id == "hotline.W001" for w in warnings)
    for year in expected:
        WorkingDay.objects.create(date=datetime.date(year, 1, 1), is_workday=False, name="元旦")
    assert official_calendar_check() == []
    # the entered holiday is used at once: Fri 1 Jan 2027 is now off
    if 2027 in expected:
        due = sla.add_working_time(at("2027-01-01 10:00"), 2, DAYS)
        assert due == at("2027-01-05 17:30")


# ---------------------------------------------------------------- properties

instants = st.datetimes(
    min_value=datetime.datetime(2025, 12, 1),
    max_value=datetime.datetime(2027, 2, 1),
).map(lambda d: d.replace(second=0, microsecond=0, tzinfo=TZ))
PROPERTY = hypothesis_settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def in_office_hours(instant: datetime.datetime) -> bool:
    local = instant.astimezone(TZ)
    spans = sla.office_spans()
    return officially_working(local.date()) and any(s < local.time() <= e for s, e in spans)


@PROPERTY
@given(start=instants, hours=st.integers(1, 200))
def test_due_is_inside_office_hours_on_a_working_day(db, start, hours):
    assert in_office_hours(sla.add_working_time(start, hours, HOURS))


@PROPERTY
@given(start=instants, days=st.integers(1, 20))
def test_due_in_days_is_inside_office_hours_on_a_working_day(db, start, days):
    assert in_office_hours(sla.add_working_time(start, days, DAYS))


def test_adding_nothing_stays_put_even_at_closing_time(db):
    # 12:00 ends the morning span: adding 0 h stays at 12:00, adding 1 h gives 14:30.
    assert sla.add_working_time(at("2025-12-02 12:00"), 0, HOURS) == at("2025-12-02 12:00")
    assert sla.add_working_time(at("2025-12-02 12:00"), 1, HOURS) == at("2025-12-02 14:30")


@PROPERTY
@given(start=instants, n=st.integers(0, 80), m=st.integers(0, 80))
def test_n_then_m_hours_is_n_plus_m(db, start, n, m):
    once = sla.add_working_time(start, n + m, HOURS)
    assert sla.add_working_time(sla.add_working_time(start, n, HOURS), m, HOURS) == once


@PROPERTY
@given(start=instants, hours=st.integers(1, 150))
def test_working_time_between_start_and_due_is_the_limit(db, start, hours):
    due = sla.add_working_time(start, hours, HOURS)
    assert sla.working_time_between(start, due) == hours * H


@PROPERTY
@given(start=instants, days=st.integers(1, 15))
def test_working_days_are_office_days_of_working_time(db, start, days):
    due = sla.add_working_time(start, days, DAYS)
    assert sla.working_time_between(start, due) == days * 7 * H


@PROPERTY
@given(end=instants, hours=st.integers(1, 100))
def test_subtracting_working_time_undoes_adding_it(db, end, hours):
    start = sla.subtract_working_time(end, hours)
    assert sla.working_time_between(start, end) == hours * H
    assert sla.add_working_time(start, hours, HOURS) <= end
