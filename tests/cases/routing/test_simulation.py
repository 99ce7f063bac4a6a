"""Rule simulation on closed cases, and tracing returns and disputes back to their rules."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases import services
from cases.events import EventType
from cases.models import CaseEvent
from cases.routing import ruleset as compiled
from cases.routing.feedback import blame, rule_trouble
from cases.routing.simulation import simulate
from departments import rule_services
from tests.routing_world import (
    FOOD,
    LIGHTS,
    POZIJIE,
    TIANXIN,
    category,
    closed_case,
    department,
    handler_of,
    make_rule,
    region,
    register,
)

pytestmark = pytest.mark.usefixtures("fresh_caches")


@pytest.fixture
def food_cases(users):
    """Three food cases closed by 城管局 and one lighting case closed by 城管局."""
    for _n in range(3):
        closed_case(users, to="cgj", handler=users["handler"], category=category("070801"))
    closed_case(users, to="cgj", handler=users["handler"], category=category("030501"))


def test_simulation_counts_the_cases_a_draft_would_send_elsewhere(users, food_cases):
    rule = make_rule("Food → 城管局", category_code=FOOD, to="cgj")
    rule_services.change_rule(
        rule,
        actor=users["supervisor"],
        fields={"department": department("scjgj")},
        reason="food belongs to 市场监管局",
        draft=True,
    )
    result = simulate(30)
    assert (result.cases, result.unchanged, result.changed, result.no_rule) == (4, 0, 3, 1)
    [move] = result.moves
    assert (move.went_to, move.would_go_to, move.count) == (
        "长沙市城市管理和综合执法局",
        "长沙市市场监督管理局",
        3,
    )
    assert move.rule == "Food → 城管局" and len(move.examples) == 3


def test_the_published_rules_replay_unchanged(food_cases):
    make_rule("Food → 城管局", category_code=FOOD, to="cgj")
    result = simulate(30)
    assert (result.unchanged, result.changed, result.no_rule) == (3, 0, 1)


def test_cases_closed_before_the_window_are_not_replayed(food_cases):
    from cases.models import Case

    past = timezone.now() - datetime.timedelta(days=40)
    Case.objects.update(created_at=past, closed_at=past)
    assert simulate(30).cases == 0


def test_simulate_rules_command_prints_the_moves(users, food_cases, capsys):
    make_rule("Food draft → 市场监管局", category_code=FOOD, to="scjgj", is_draft=True)
    call_command("simulate_rules", "--days", "30")
    out = capsys.readouterr().out
    assert "4 cases closed in the last 30 days: 0 unchanged, 3 would go elsewhere" in out
    assert "长沙市城市管理和综合执法局 → 长沙市市场监督管理局" in out


def returned_and_accepted(users, to: str, handler, **fields):
    case = register(users["agent"], **fields)
    assignment = services.dispatch_case(case, actor=users["agent"], department=department(to))
    services.return_assignment(assignment, actor=handler, reason="不属于我局职责")
    services.review_return(assignment, actor=users["supervisor"], accept=True)
    return case, assignment


def test_accepted_returns_and_disputes_are_traced_to_the_rule(users):
    rule = make_rule("Food → 城管局", category_code=FOOD, to="cgj")
    for _n in range(2):
        returned_and_accepted(users, "cgj", users["handler"], category=category("070801"))
    case = register(users["agent"], category=category("070801"))
    assignment = services.dispatch_case(case, actor=users["agent"], department=department("cgj"))
    services.return_assignment(assignment, actor=users["handler"], reason="不归我们管")
    services.open_dispute(case, actor=users["supervisor"], reason="互相推诿")
    # a return no rule explains: the agent chose 住建局 by hand
    returned_and_accepted(users, "zjj", handler_of("zjj"), category=category("030501"))
    now = timezone.now()
    rows = rule_trouble(since=now - datetime.timedelta(days=1), until=now + datetime.timedelta(1))
    assert [(r.rule_id, r.returns, r.disputes) for r in rows] == [(rule.pk, 2, 1), (None, 1, 0)]
    # every dispatch now records the rule it followed, so nothing needs replaying
    assert rows[0].traced_by == {"recorded"} and len(rows[0].examples) == 3


def test_a_recorded_routing_basis_names_the_rule_without_replaying(users):
    _case, assignment = returned_and_accepted(users, "cgj", users["handler"])
    basis = {"source": "rule", "rule": 42, "rule_name": "Old rule"}
    assert blame(assignment, basis) == (42, "Old rule", "recorded")
    assert blame(assignment, {})[2] == "replayed"  # dispatches from before bases were kept
    assert blame(assignment, {"source": "history"})[2] == "recorded"


def test_returns_outside_the_period_are_not_counted(users):
    make_rule("Food → 城管局", category_code=FOOD, to="cgj")
    returned_and_accepted(users, "cgj", users["handler"], category=category("070801"))
    later = timezone.now() + datetime.timedelta(days=2)
    assert rule_trouble(since=later, until=later + datetime.timedelta(days=1)) == []


@pytest.mark.parametrize("returns", [1, 4])
def test_the_returns_report_costs_the_same_queries_however_many_rows(
    users, django_assert_max_num_queries, returns
):
    make_rule("Food → 城管局", category_code=FOOD, to="cgj")
    for _n in range(returns):
        returned_and_accepted(users, "cgj", users["handler"], category=category("070801"))
    now = timezone.now()
    with django_assert_max_num_queries(8):
        rows = rule_trouble(since=now - datetime.timedelta(1), until=now + datetime.timedelta(1))
    assert rows[0].returns == returns


@pytest.mark.parametrize("closed", [1, 4])
def test_simulation_costs_the_same_queries_however_many_cases(
    users, django_assert_max_num_queries, closed
):
    make_rule("Food → 市场监管局", category_code=FOOD, to="scjgj", is_draft=True)
    for _n in range(closed):
        closed_case(users, to="cgj", handler=users["handler"], category=category("070801"))
    with django_assert_max_num_queries(8):
        result = simulate(30)
    assert result.changed == closed


def test_a_dispatch_records_the_rule_it_followed(users):
    # given a rule for street lighting in 天心区 and a case it matches
    rule = make_rule(
        "Street lighting → 城管局", category_code=LIGHTS, region_code=TIANXIN, to="cgj"
    )
    compiled.invalidate()
    case = register(users["agent"], category=category(LIGHTS), region=region(POZIJIE))
    # when the agent dispatches as the rule says, and another case elsewhere by hand
    services.dispatch_case(case, actor=users["agent"], department=department("cgj"))
    manual = register(users["agent"], category=category(LIGHTS), region=region(POZIJIE))
    services.dispatch_case(manual, actor=users["agent"], department=department("jyj"))
    # then the dispatch events say which rule was followed, or that none was
    followed = CaseEvent.objects.get(case=case, type=EventType.DISPATCHED).data["routing"]
    assert (followed["source"], followed["rule"]) == ("rule", rule.pk)
    by_hand = CaseEvent.objects.get(case=manual, type=EventType.DISPATCHED).data["routing"]
    assert by_hand == {"source": "manual"}


def test_cases_the_center_answered_itself_are_not_replayed(users, food_cases):
    # given a food case the agent answered directly and closed: it went to no department
    answered = register(users["agent"], category=category("070801"), request_type="consultation")
    services.answer_case(answered, actor=users["agent"], answer="食品投诉请拨打12315。")
    services.record_callback(answered, actor=users["agent"], reached=True, resolved=True,
                             satisfaction="satisfied")  # fmt: skip
    services.close_case(answered, actor=users["agent"])
    make_rule("Food draft → 市场监管局", category_code=FOOD, to="scjgj", is_draft=True)
    # when the draft is simulated
    result = simulate(30)
    # then only the four dispatched cases count, and no move starts from a blank department
    assert (result.cases, result.changed) == (4, 3)
    assert all(move.went_to for move in result.moves)
