"""Replay recent closed cases against the draft rules before they are published.

For every case closed in the last N days the draft rule set picks a department exactly as
`suggest` would (the case's stored category and region, its text, its registration date);
the result is compared with where the case actually went (its last main department).
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone

from cases.choices import Status
from cases.models import Case
from departments import ruleset as rules
from departments.routing import facts_for, rule_suggestions
from departments.ruleset import RuleSet

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
    """The cases closed in the last `days` days, with what routing reads joined in."""
    since = timezone.now() - datetime.timedelta(days=days)
    return (
        Case.objects.filter(status=Status.CLOSED, closed_at__gte=since)
        .select_related("category", "region", "main_department")
        .order_by("closed_at")
    )


def _actual_department(case: Case, last_main: dict[int, str]) -> str:
    if case.main_department_id:
        return case.main_department.name
    return last_main.get(case.pk, "")


def _last_main_departments(case_ids: list[int]) -> dict[int, str]:
    from cases.models import Assignment

    rows = (
        Assignment.objects.filter(case_id__in=case_ids, role="main", parent__isnull=True)
        .order_by("dispatched_at")
        .values_list("case_id", "department__name")
    )
    return dict(rows)


def simulate(days: int = 30, draft: RuleSet | None = None) -> SimulationResult:
    """Replay the cases closed in the last `days` days against the draft rules."""
    rules.published()  # loads the departments territorial targets resolve to
    draft = draft if draft is not None else rules.build_draft()
    result = SimulationResult(days=days)
    cases = list(closed_cases(days))
    last_main = _last_main_departments([c.pk for c in cases])
    moves: dict[tuple[str, str], Move] = {}
    outcomes = Counter()
    for case in cases:
        went = _actual_department(case, last_main)
        found = rule_suggestions(facts_for(case, guess_category=False), draft)
        if not found:
            outcomes["no_rule"] += 1
            continue
        top = found[0]
        if top.department.name == went:
            outcomes["unchanged"] += 1
            continue
        move = moves.setdefault((went, top.department.name), Move(went, top.department.name))
        move.count += 1
        move.rule = top.rule.name
        if len(move.examples) < EXAMPLES_PER_MOVE:
            move.examples.append(case.number)
    result.cases, result.unchanged, result.no_rule = (
        len(cases),
        outcomes["unchanged"],
        outcomes["no_rule"],
    )
    result.moves = sorted(moves.values(), key=lambda m: -m.count)
    return result
