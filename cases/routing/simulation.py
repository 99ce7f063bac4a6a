"""Replay recent closed cases against the draft rules before they are published.

For every case closed in the last N days the draft rule set picks a department exactly as
`suggest` would (the case's stored category and region, its text, its registration date);
the result is compared with where the case actually went (its last main department).
A case the center answered itself (never dispatched) went to no department: a rule's pick for
it is not a move, so such cases are not replayed at all.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.utils import timezone

from cases.choices import AssignmentRole, Status
from cases.models import Assignment, Case
from cases.routing import ruleset as rules
from cases.routing.ruleset import RuleSet
from cases.routing.suggestions import facts_for, rule_suggestions

EXAMPLES_PER_MOVE = 5


@dataclass
class Move:
    """Cases that went to one department and would now go to another."""

    went_to: str
    would_go_to: str
    count: int = 0
    examples: list[str] = field(default_factory=list)
    rule: str = ""


@dataclass
class SimulationResult:
    """How many replayed cases keep their department, move, or find no rule."""

    days: int
    cases: int = 0
    unchanged: int = 0
    no_rule: int = 0
    moves: list[Move] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return sum(m.count for m in self.moves)


def closed_cases(days: int):
    """The dispatched cases closed in the last `days` days, with what routing reads joined in."""
    since = timezone.now() - datetime.timedelta(days=days)
    dispatched = Assignment.objects.filter(case=OuterRef("pk"), role=AssignmentRole.MAIN)
    return (
        Case.objects.filter(status=Status.CLOSED, closed_at__gte=since)
        .filter(Exists(dispatched))
        .select_related("category", "region", "main_department")
        .order_by("closed_at")
    )


def _actual_department(case: Case, last_main: dict[int, str]) -> str:
    if case.main_department_id:
        return case.main_department.name
    return last_main.get(case.pk, "")


def _last_main_departments(case_ids: list[int]) -> dict[int, str]:
    rows = (
        Assignment.objects.filter(case_id__in=case_ids, role="main", parent__isnull=True)
        .order_by("dispatched_at")
        .values_list("case_id", "department__name")
    )
    return dict(rows)


def _replay(case: Case, draft: RuleSet, went: str, result: SimulationResult, moves: dict) -> None:
    found = rule_suggestions(facts_for(case, guess_category=False), draft)
    if not found:
        result.no_rule += 1
        return
    top = found[0]
    if top.department.name == went:
        result.unchanged += 1
        return
    move = moves.setdefault((went, top.department.name), Move(went, top.department.name))
    move.count += 1
    move.rule = top.rule.name
    if len(move.examples) < EXAMPLES_PER_MOVE:
        move.examples.append(case.number)


def simulate(days: int = 30, draft: RuleSet | None = None) -> SimulationResult:
    """Replay the cases closed in the last `days` days against the draft rules."""
    rules.published()  # loads the departments that territorial targets resolve to
    draft = draft if draft is not None else rules.build_draft()
    cases = list(closed_cases(days))
    last_main = _last_main_departments([c.pk for c in cases])
    result, moves = SimulationResult(days=days, cases=len(cases)), {}
    for case in cases:
        _replay(case, draft, _actual_department(case, last_main), result, moves)
    result.moves = sorted(moves.values(), key=lambda m: -m.count)
    return result
