"""Print (or write into docs/lifecycle.md) the lifecycle diagrams generated from the tables."""

from pathlib import Path

from django.core.management.base import BaseCommand

from cases.lifecycle_diagram import DOCUMENT, render_block, render_document


class Command(BaseCommand):
    help = (
        "Render the case and assignment lifecycles from cases.choices.TRANSITIONS and "
        "ASSIGNMENT_TRANSITIONS (Mermaid + tables)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--write", action="store_true", help="update the document in place")
        parser.add_argument("--path", default=str(DOCUMENT), help="the document to update")

    def handle(self, *args, write=False, path=None, **options):
        if not write:
            self.stdout.write(render_block())
            return
        target = Path(path)
        current = DOCUMENT.read_text(encoding="utf-8")
        target.write_text(render_document(current), encoding="utf-8")
        self.stdout.write(f"wrote {target}")
