"""Assessment metrics on crafted data: every number is worked out by hand in the comments."""

import datetime

import pytest
from django.db.models import Sum

from departments.models import Region
from hotline.dashboards import metrics
from hotline.dashboards.filters import Slice
from hotline.dashboards.selectors import assessment_rows, assessment_table, period_totals
from hotline.dashboards.stats import (
    CATEGORY_ROLLUP_CHANNEL,
    ROLLUP_CHANNEL,
    ROLLUPS,
    refresh_stats,
)
from hotline.models import DailyStat
from tests.hotline.crafted import (
    at,
    make_assignment,
    make_callback,
    make_case,
    make_extension,
    make_reopen,
)

FIRST, LAST = datetime.date(2026, 3, 2), datetime.date(2026, 3, 8)  # Monday to Sunday


def week(**kwargs) -> Slice:
    return Slice(FIRST, LAST, **kwargs)


@pytest.fixture
def crafted_week(departments, users):
    """Department cgj's week, built so that each measure has a known value."""
    cgj, agent = departments["cgj"], users["agent"]

    # a1: dispatched Mon, signed on time, replied on time (Tue, due Wed): resolved, satisfied.
    c1 = make_case(at("2026-03-02", "09:00"), department=cgj)
    make_assignment(c1, cgj, at("2026-03-02", "10:00"), reply_due=at("2026-03-04"),
                         signed_at=at("2026-03-02", "11:00"), replied_at=at("2026-03-03"),
                         status="replied", reply_result="resolved")  # fmt: skip
    make_callback(c1, at("2026-03-04"), resolved=True, satisfaction="satisfied", agent=agent)
    # a2: signed late, replied late (Fri, due Thu), one extension asked; unresolved, unsatisfied,
    # and reopened.
    c2 = make_case(at("2026-03-03", "09:00"), department=cgj)
    a2 = make_assignment(c2, cgj, at("2026-03-03", "10:00"), reply_due=at("2026-03-05"),
                         signed_at=at("2026-03-03", "13:00"), replied_at=at("2026-03-06"),
                         status="replied", reply_result="unresolved")  # fmt: skip
    make_extension(a2, at("2026-03-04"), actor=agent)
    make_callback(c2, at("2026-03-07"), resolved=False, satisfaction="unsatisfied", agent=agent)
    make_reopen(c2, at("2026-03-07", "11:00"), assignment=a2)
    # a3 crosses the start: dispatched the Sunday before, sign due Monday (signed on time), reply
    # due after the period. Its callback did not reach the citizen (not rated).
    c3 = make_case(at("2026-03-01", "15:00"), department=cgj)
    make_assignment(c3, cgj, at("2026-03-01", "16:00"), sign_due=at("2026-03-02", "10:00"),
                    reply_due=at("2026-03-12"), signed_at=at("2026-03-02", "09:30"),
                    status="signed")  # fmt: skip
    make_callback(c3, at("2026-03-07"), reached=False, agent=agent)
    # a4 crosses the end: dispatched Sunday 15:00, sign due Monday after the period.
    c4 = make_case(at("2026-03-08", "14:00"), department=cgj)
    make_assignment(c4, cgj, at("2026-03-08", "15:00"), sign_due=at("2026-03-09", "10:00"))
    # a5: returned within the sign deadline (a response), so it owes no reply. Its case got a
    # callback anyway: resolved, basically satisfied.
    c5 = make_case(at("2026-03-04", "09:00"), department=cgj)
    make_assignment(c5, cgj, at("2026-03-04", "10:00"), reply_due=at("2026-03-06"),
                    returned_at=at("2026-03-04", "11:00"), status="returned")  # fmt: skip
    make_callback(c5, at("2026-03-08"), resolved=True, satisfaction="basically_satisfied",
                  agent=agent)  # fmt: skip
    # A case registered at 23:30 on the last day is in; one at 00:10 the day after is out.
    make_case(at("2026-03-08", "23:30"), department=cgj)
    make_case(at("2026-03-09", "00:10"), department=cgj)
    refresh_stats(FIRST - datetime.timedelta(days=7), LAST + datetime.timedelta(days=7))


def test_totals_of_the_crafted_week(crafted_week, departments):
    totals = period_totals(week(department=departments["cgj"]))

    assert totals == metrics.Totals(
        intake=5,  # c1, c2, c4, c5 and the 23:30 case (c3 is the Sunday before)
        dispatched=4,  # a1, a2, a4, a5 (a3 was dispatched before the period)
        sign_due=4,  # a1, a2, a3, a5 (a4's falls after the period)
        signed_on_time=3,  # a1, a3, and a5 (returned in time); a2 signed late
        reply_due=2,  # a1, a2 (a3 due later, a5 returned)
        replied_on_time=1,  # a1
        replied=2,
        returned=1,
        extensions=1,
        rated_resolution=3,  # c1, c2, c5 (c3's callback did not reach the citizen)
        resolved=2,
        satisfied=1,
        basically_satisfied=1,
        unsatisfied=1,
        reopened=1,
    )


def test_rates_and_score_of_the_crafted_week(crafted_week, departments):
    weights = metrics.Weights()
    totals = period_totals(week(department=departments["cgj"]))

    rates = metrics.rates(totals, weights)

    assert rates == pytest.approx({
        "response_rate": 3 / 4,
        "on_time_reply_rate": 1 / 2,
        "resolution_rate": 2 / 3,
        "satisfaction_rate": (1 + 0.8) / 3,
        "return_rate": 1 / 4,
        "reopen_rate": 1 / 2,
    })  # fmt: skip
    expected = (0.15 * 0.75 + 0.25 * 0.5 + 0.2 * 2 / 3 + 0.25 * 0.6 + 0.075 * 0.75
                + 0.075 * 0.5)  # fmt: skip
    assert metrics.overall_score(rates, weights) == round(100 * expected, 2)


def test_basic_satisfaction_weight_is_configurable(crafted_week, departments):
    totals = period_totals(week(department=departments["cgj"]))

    assert metrics.satisfaction_rate(totals, 0.5) == pytest.approx(1.5 / 3)
    assert metrics.satisfaction_rate(totals, 1.0) == pytest.approx(2 / 3)


def test_score_weights_drop_rates_without_data():
    weights = metrics.Weights(score={"response_rate": 1, "satisfaction_rate": 3})

    score = metrics.overall_score({"response_rate": 0.5, "satisfaction_rate": None}, weights)

    assert score == 50.0


def test_an_empty_period_has_no_rates_and_no_score(db):
    weights = metrics.Weights()
    empty = Slice(datetime.date(2001, 1, 1), datetime.date(2001, 1, 31))

    totals = period_totals(empty)

    assert totals == metrics.Totals()
    assert set(metrics.rates(totals, weights).values()) == {None}
    assert metrics.overall_score(metrics.rates(totals, weights), weights) is None
    assert assessment_rows(empty, "department", weights) == []


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [(0, 0, None), (3, 0, None), (0, 4, 0.0), (1, 4, 0.25)],
)
def test_ratio_never_divides_by_zero(numerator, denominator, expected):
    assert metrics.ratio(numerator, denominator) == expected


def test_change_rate_against_an_empty_previous_period():
    assert metrics.change_rate(5, 0) is None
    assert metrics.change_rate(6, 4) == 0.5


def test_the_period_boundary_follows_local_days(crafted_week, departments):
    monday = week(department=departments["cgj"])
    one_day_later = Slice(FIRST + datetime.timedelta(days=1), LAST + datetime.timedelta(days=1),
                          department=departments["cgj"])  # fmt: skip

    # The Monday intake (c1) leaves, the 00:10 case of the following Monday enters.
    assert period_totals(monday).intake == 5
    assert period_totals(one_day_later).intake == 5 - 1 + 1
    assert period_totals(one_day_later).sign_due == 4 - 2 + 1  # a1, a3 leave; a4 enters


def test_rollup_rows_equal_the_detailed_rows(crafted_week):
    sums = {"n": Sum("intake"), "r": Sum("replied")}
    detailed = DailyStat.objects.exclude(channel__in=ROLLUPS).aggregate(**sums)
    rolled = DailyStat.objects.filter(channel=ROLLUP_CHANNEL).aggregate(**sums)
    by_category = DailyStat.objects.filter(channel=CATEGORY_ROLLUP_CHANNEL).aggregate(**sums)

    assert detailed == rolled == by_category == {"n": 7, "r": 2}


def test_per_district_rows_and_league_table(crafted_week, departments, users):
    scjgj = departments["scjgj"]
    # A second department in another district whose only assignment was signed on time.
    community = Region.objects.filter(level=5, parent__parent__code="430103").first()
    case = make_case(at("2026-03-05", "09:00"), department=scjgj, region=community.code)
    make_assignment(case, scjgj, at("2026-03-05", "10:00"), signed_at=at("2026-03-05", "10:30"),
                    status="signed", reply_due=at("2026-03-20"))  # fmt: skip
    refresh_stats(FIRST, LAST)
    weights = metrics.Weights()

    by_district = {r["key"]: r for r in assessment_rows(week(), "district", weights)}
    table = assessment_table(week(), "department", weights)

    furong = departments["d-430102"].region_id
    tianxin = departments["d-430103"].region_id
    assert by_district[furong]["totals"].dispatched == 4
    assert by_district[tianxin]["totals"].dispatched == 1
    assert by_district[tianxin]["rates"]["response_rate"] == 1.0
    assert [row[1].value for row in table.rows] == ["市场监管局", "城管局"]  # 100.0 before 61.x
    assert table.marks == ["top", "bottom"]


@pytest.mark.parametrize(
    ("scores", "marks"),
    [
        ([90, 80, 70], ["top", "", "bottom"]),
        ([9, 8, 7, 6, 5, 4, 3, 2, 1, 0, -1, -2],
         ["top"] * 5 + ["", ""] + ["bottom"] * 5),
        ([90, None, 10, None], ["top", "", "bottom", ""]),
        ([50], [""]),
        ([], []),
    ],
)  # fmt: skip
def test_league_marks_top_and_bottom_five(scores, marks):
    assert metrics.league_marks(scores) == marks
