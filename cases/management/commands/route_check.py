"""Does the routing agree with what happened? For each dispatched case, the top suggestion
against the department the center's dispatch finally went to (the main assignment that was not
returned or taken back); prints the share that agree and the commonest disagreements."""

from collections import Counter

from django.core.management.base import BaseCommand

from cases.choices import LEFT_ASSIGNMENT_STATUSES, AssignmentRole
from cases.models import Assignment
from cases.routing.suggestions import suggest


def handled_by() -> dict:
    """Case → the department its last center dispatch (not returned or taken back) went to."""
    assignments = (
        Assignment.objects.filter(role=AssignmentRole.MAIN, parent__isnull=True)
        .exclude(status__in=LEFT_ASSIGNMENT_STATUSES)
        .select_related("case__category", "case__region", "department")
        .order_by("case_id", "dispatched_at", "id")
    )
    return {a.case: a.department for a in assignments}


class Command(BaseCommand):
    help = "Share of dispatched cases whose top routing suggestion names their department."

    def add_arguments(self, parser):
        parser.add_argument("--show", type=int, default=10, help="disagreements listed")

    def handle(self, *args, show: int, **options):
        agree, misses = 0, Counter()
        cases = handled_by()
        for case, department in cases.items():
            found = suggest(case, limit=1)
            top = found[0].department if found else None
            if top == department:
                agree += 1
            else:
                misses[(top.name if top else "—", department.name)] += 1
        total = len(cases) or 1
        self.stdout.write(
            f"{agree} of {len(cases)} dispatched cases: the top suggestion names the department "
            f"that handled them ({100 * agree / total:.1f} %)"
        )
        for (top, handled), n in misses.most_common(show):
            self.stdout.write(f"  {n:4d}  suggested {top}, handled by {handled}")
