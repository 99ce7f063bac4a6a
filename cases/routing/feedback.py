"""Learning from returns: which rule (or suggestion) sent cases to the wrong department.

Every accepted return and every jurisdiction dispute in a period is traced back to what chose
the department: the routing basis kept in the dispatch event's data (`routing.dispatch_basis`)
when the dispatcher stored it, else a replay of today's rules on the case, which names the rule
that sends the case to the department that returned it. What no rule explains is counted as a
history suggestion or the agent's own choice.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from cases.choices import AssignmentRole
from cases.events import EventType
from cases.models import Assignment, CaseEvent, Dispute
from cases.routing import ruleset as rules
from cases.routing.suggestions import facts_for, rule_target

EXAMPLES = 5
DISPATCH_EVENTS = (EventType.DISPATCHED, EventType.REDISPATCHED, EventType.DISPUTE_DECIDED)


@dataclass
class RuleTrouble:
    """The returns and disputes one rule (or the unruled choices) caused in a period."""

    rule_id: int | None
    rule_name: str
    returns: int = 0
    disputes: int = 0
    traced_by: set[str] = field(default_factory=set)
    examples: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.returns + self.disputes


def _accepted_returns(since, until) -> list[Assignment]:
    events = CaseEvent.objects.filter(
        type=EventType.RETURN_ACCEPTED,
        created_at__gte=since,
        created_at__lt=until,
        assignment__isnull=False,
    ).select_related(
        "assignment__department", "assignment__case__category", "assignment__case__region"
    )
    return [event.assignment for event in events]


def _disputed(since, until) -> list[Assignment]:
    disputes = Dispute.objects.filter(raised_at__gte=since, raised_at__lt=until)
    returned = (
        Assignment.objects.filter(
            case__in=disputes.values("case"), role=AssignmentRole.MAIN, return_count__gt=0
        )
        .select_related("department", "case__category", "case__region")
        .order_by("returned_at", "id")
    )
    latest = {a.case_id: a for a in returned}  # the last one returned before each dispute
    return list(latest.values())


def _bases(assignments: list[Assignment]) -> dict[int, dict]:
    events = CaseEvent.objects.filter(
        type__in=DISPATCH_EVENTS, assignment__in=[a.pk for a in assignments]
    ).values_list("assignment_id", "data")
    return {pk: (data or {}).get("routing") or {} for pk, data in events}


def blame(assignment: Assignment, basis: dict) -> tuple[int | None, str, str]:
    """(rule id, rule or suggestion name, how it was traced) for one wrong dispatch."""
    if basis.get("rule"):
        return basis["rule"], basis.get("rule_name") or f"#{basis['rule']}", "recorded"
    if basis.get("source") == "history":
        return None, _("history suggestion"), "recorded"
    facts = facts_for(assignment.case, guess_category=False, use_address=False)
    for rule in rules.published().matching(facts):
        department, _note = rule_target(rule, facts)
        if department and department.pk == assignment.department_id:
            return rule.id, rule.name, "replayed"
    return None, _("no rule: history suggestion or the agent's choice"), "replayed"


def rule_trouble(*, since: datetime.datetime, until: datetime.datetime) -> list[RuleTrouble]:
    """The rules with the most accepted returns and disputes in [since, until), worst first."""
    rules.published()
    returned, disputed = _accepted_returns(since, until), _disputed(since, until)
    bases = _bases(returned + disputed)
    table: dict = {}
    for kind, assignments in (("returns", returned), ("disputes", disputed)):
        for assignment in assignments:
            rule_id, name, traced = blame(assignment, bases.get(assignment.pk, {}))
            row = table.setdefault(rule_id or name, RuleTrouble(rule_id, name))
            setattr(row, kind, getattr(row, kind) + 1)
            row.traced_by.add(traced)
            if len(row.examples) < EXAMPLES:
                row.examples.append(assignment.case.number)
    return sorted(table.values(), key=lambda r: (-r.total, r.rule_name))
