"""Import knowledge articles from JSON Lines or CSV: all or nothing, idempotent."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from knowledgebase.importexport import ImportFailed, import_articles


class Command(BaseCommand):
    help = "Import articles (JSON Lines, or CSV with the same columns); bad lines stop it all."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=["jsonl", "csv"], help="default: by extension")

    def handle(self, *args, file: Path, format=None, **options):
        fmt = format or ("csv" if file.suffix.lower() == ".csv" else "jsonl")
        try:
            with file.open(encoding="utf-8-sig", newline="") as handle:
                result = import_articles(handle, fmt=fmt)
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{file} is not UTF-8 text") from None
        except ImportFailed as failure:
            for error in failure.errors:
                self.stderr.write(error)
            raise CommandError(
                f"{len(failure.errors)} bad line(s) in {file}; nothing was imported"
            ) from None
        self.stdout.write(
            f"{file}: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged."
        )
