"""Replay recent closed cases against the draft rules: what would go elsewhere, and where."""

from django.core.management.base import BaseCommand, CommandError

from cases.routing.simulation import simulate


class Command(BaseCommand):
    help = "Replay the cases closed in the last N days against the draft responsibility rules."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args, days: int, **options):
        if days < 1:
            raise CommandError("--days must be at least 1")
        result = simulate(days)
        self.stdout.write(
            f"{result.cases} cases closed in the last {days} days: {result.unchanged} unchanged, "
            f"{result.changed} would go elsewhere, {result.no_rule} match no rule."
        )
        for move in result.moves:
            examples = ", ".join(move.examples)
            self.stdout.write(
                f"  {move.count:5d}  {move.went_to or '-'} → {move.would_go_to} "
                f"(rule '{move.rule}'; e.g. {examples})"
            )
