"""Build the demo city: regions, categories, departments, users and demo cases, then make it
look used: the dashboards' daily statistics, the trained category learner and one deadline sweep.
"""

import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from cases import sla
from cases.models import ReplyReviewPolicy
from cases.routing import classifier
from cases.services.review import seed_demo_policies
from hotline.dashboards.stats import refresh_all_stats
from hotline.demo import cases as demo_cases
from hotline.demo import missing_data_files, reference
from hotline.demo import rules as demo_rules
from hotline.sweep import sweep_deadlines


class Command(BaseCommand):
    help = "Load the demo city from hotline/demo/data. Running it twice changes nothing."

    def handle(self, *args, verbosity: int = 1, **options):
        # A thousand demo transitions would bury the summary: their log lines only with -v 2.
        events_log = logging.getLogger("cases.events")
        level = events_log.level
        if verbosity < 2:
            events_log.setLevel(logging.WARNING)
        try:
            self._load()
        finally:
            events_log.setLevel(level)

    def _load(self):
        missing = missing_data_files()
        if missing:
            raise CommandError(
                f"The demo data at {settings.DEMO_DATA_DIR} is incomplete: {', '.join(missing)} "
                "missing. Restore the folder from the repository (git checkout -- "
                "hotline/demo/data) or cut it again with scripts/cut_demo_data.py."
            )
        with transaction.atomic():
            regions = reference.load_regions()
            categories = reference.load_categories()
            departments = reference.load_departments(regions)
            users = reference.load_users(departments)
            rules = demo_rules.load_rules()
            sla.seed_deadline_policies()
            sla.seed_calendar()
        # before the cases, which cite them: dated back before the oldest of them
        knowledge = demo_cases.load_knowledge(timezone.now())
        rules_before = ReplyReviewPolicy.objects.count()
        built = demo_cases.build_demo_cases()
        # issue 14: the center reviews complaints' and reports' replies (the demo cases are laid
        # out before the rule, so their replies went straight through, but for the last few that
        # build_demo_cases replies once the rule is in force: the review queue's)
        seed_demo_policies()
        reviewed = ReplyReviewPolicy.objects.count() - rules_before
        self.stdout.write(
            f"Demo city {reference.CITY_NAME}: {len(regions)} regions, {categories} categories, "
            f"{len(departments)} departments."
        )
        self.stdout.write(f"Responsibility rules added: {rules}.")
        self.stdout.write(f"Knowledge articles added: {knowledge.created}.")
        self.stdout.write(f"Demo cases built through the lifecycle services: {built}.")
        self.stdout.write(f"Reply review rules added: {reviewed}.")
        self.stdout.write(f"Dashboard statistics: {refresh_all_stats()} daily rows.")
        self.stdout.write(self._train_category_learner())
        urged = sum(n for key, n in sweep_deadlines(refresh=False).items())
        self.stdout.write(f"Deadline sweep: {urged} urges.")
        self.stdout.write(f"Demo users (password {reference.DEMO_PASSWORD!r}): {', '.join(users)}")

    def _train_category_learner(self) -> str:
        """Train intake's category suggestion on the demo cases (train_router uses closed ones)."""
        texts, labels = classifier.training_set_from_cases(closed_only=False)
        if len(set(labels)) < 2:
            return "Category learner not trained: fewer than two categories among the cases."
        taxonomy = classifier.taxonomy_from_categories(set(labels))
        classifier.save(classifier.train(texts, labels, taxonomy=taxonomy))
        return f"Category learner trained on {len(texts)} demo cases."
