"""Measure the search: Recall@1, Recall@5, MRR@10 and time per query over the loaded articles."""

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from knowledgebase import index as kb_index
from knowledgebase.models import Article
from knowledgebase.search import search_articles

DEPTH = 10


class Command(BaseCommand):
    help = 'Evaluate search on lines of {"question": ..., "article": <the article\'s source id>}.'

    def add_arguments(self, parser):
        parser.add_argument("questions", type=Path)

    def handle(self, *args, questions: Path, **options):
        pairs = self._read(questions)
        ids = dict(
            Article.objects.filter(external_id__isnull=False).values_list("pk", "external_id")
        )
        kb_index.get_index()  # built once, outside the timing
        hits1 = hits5 = reciprocal = 0.0
        started = time.perf_counter()
        for question, expected in pairs:
            found = [ids.get(h.article.pk) for h in search_articles(question, limit=DEPTH)]
            if expected in found:
                rank = found.index(expected)
                hits1 += rank == 0
                hits5 += rank < 5
                reciprocal += 1 / (rank + 1)
        elapsed = time.perf_counter() - started
        n = len(pairs)
        self.stdout.write(
            f"{n} questions over {len(ids)} articles ({connection.vendor}): "
            f"Recall@1 {hits1 / n:.3f}  Recall@5 {hits5 / n:.3f}  MRR@10 {reciprocal / n:.3f}  "
            f"{1000 * elapsed / n:.1f} ms/query"
        )

    def _read(self, path: Path) -> list[tuple[str, str]]:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from None
        pairs = []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                pairs.append((str(row["question"]), str(row["article"])))
            except (json.JSONDecodeError, KeyError, TypeError):
                raise CommandError(f"line {number}: expected {{question, article}}") from None
        if not pairs:
            raise CommandError(f"{path} holds no questions")
        return pairs
