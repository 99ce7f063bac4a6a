"""Train the category suggestion from the cases the center has closed."""

from django.core.management.base import BaseCommand, CommandError

from cases.routing import classifier


class Command(BaseCommand):
    help = "Train the category suggestion on closed cases and save it under var/."

    def add_arguments(self, parser):
        parser.add_argument("--min-cases", type=int, default=20, help="refuse below this many")

    def handle(self, *args, min_cases: int, **options):
        texts, labels = classifier.training_set_from_cases()
        if len(texts) < min_cases or len(set(labels)) < 2:
            raise CommandError(
                f"{len(texts)} closed cases in {len(set(labels))} categories: need at least "
                f"{min_cases} cases in two categories (--min-cases) to train"
            )
        taxonomy = classifier.taxonomy_from_categories(set(labels))
        path = classifier.save(classifier.train(texts, labels, taxonomy=taxonomy))
        self.stdout.write(
            f"Trained on {len(texts)} closed cases in {len(set(labels))} categories and "
            f"{len(taxonomy[0])} lines of the classification's own words; saved {path}"
        )
