"""Import knowledge articles from JSON Lines or CSV: all or nothing, idempotent."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from knowledgebase.importexport import ImportFailed, import_articles
from knowledgebase.models import Article


class Command(BaseCommand):
    help = "Import articles (JSON Lines, or CSV with the same columns); bad lines stop it all."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=["jsonl", "csv"], help="default: by extension")
        parser.add_argument(
            "--source",
            choices=Article.Source.values,
            default=Article.Source.OWN,
            help="what rows without a source are: own (default), demo, or imported (a public "
            "data set such as policy_articles.jsonl: no owner, its issuing unit and regions kept)",
        )

    def handle(self, *args, file: Path, format=None, source=Article.Source.OWN, **options):
        fmt = format or ("csv" if file.suffix.lower() == ".csv" else "jsonl")
        try:
            with file.open(encoding="utf-8-sig", newline="") as handle:
                result = import_articles(handle, fmt=fmt, source=source)
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
