"""Export the knowledge articles in the format import_kb reads."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from knowledgebase.importexport import write_export


class Command(BaseCommand):
    help = "Write every article that is not archived as JSON Lines (or CSV) to FILE or stdout."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, nargs="?")
        parser.add_argument("--format", choices=["jsonl", "csv"], help="default: by extension")

    def handle(self, *args, file: Path | None = None, format=None, **options):
        fmt = format or ("csv" if file and file.suffix.lower() == ".csv" else "jsonl")
        if file is None:
            count = write_export(sys.stdout, fmt=fmt)
        else:
            with file.open("w", encoding="utf-8", newline="") as handle:
                count = write_export(handle, fmt=fmt)
        self.stderr.write(f"{count} articles exported.")
