"""Measure the search: Recall@1, Recall@5, MRR@10 and time per query over the loaded articles.

With `--folds K` the questions are split into K folds (shuffled with `--seed`); for each fold
the settings (BM25F's k1, title weight, bigram weight; the answer-kind and place factors:
`GRID`) that rank best (MRR@10) on the other folds' questions are chosen, and the fold's
questions are answered with them: every figure printed is on questions that took no part in
choosing the settings. `--learn-questions` also adds the other folds' questions to the articles
they were answered with (as other phrasings, the way answered calls would) before the fold's
questions are asked; the held-out fold's own questions are never added.
"""

import dataclasses
import itertools
import json
import random
import time
from pathlib import Path

import numpy as np
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from knowledgebase import index as kb_index
from knowledgebase import textproc
from knowledgebase.models import Article
from knowledgebase.search import best_rows, search_articles, with_synonyms

DEPTH = 10
GRID = {
    "k1": (0.8, 1.0, 1.2, 1.5),
    "title_weight": (2.0, 3.0, 4.0),
    "bigram_weight": (0.15, 0.25, 0.4),
    "kind_weight": (0.0, 0.2, 0.4, 0.6),
    "place_weight": (0.0, 0.1, 0.2),
    "conflict_weight": (0.0, 0.2, 0.4, 0.6),
}
FACTORS = ("kind_weight", "place_weight", "conflict_weight")


def measures(ranks: np.ndarray) -> tuple[float, float, float]:
    """Recall@1, Recall@5 and MRR@10 of 0-based ranks (DEPTH or more: not found)."""
    found = ranks < DEPTH
    reciprocal = np.where(found, 1.0 / (ranks + 1), 0.0)
    return float(np.mean(ranks < 1)), float(np.mean(ranks < 5)), float(np.mean(reciprocal))


class Command(BaseCommand):
    help = 'Evaluate search on lines of {"question": ..., "article": <the article\'s source id>}.'

    def add_arguments(self, parser):
        parser.add_argument("questions", type=Path)
        parser.add_argument("--folds", type=int, default=0, help="cross-validate the settings")
        parser.add_argument("--seed", type=int, default=12345)
        parser.add_argument(
            "--learn-questions",
            action="store_true",
            help="with --folds: add the other folds' questions to their articles' phrasings",
        )

    def handle(self, *args, questions: Path, folds: int, seed: int, **options):
        pairs = self._read(questions)
        ids = dict(
            Article.objects.filter(external_id__isnull=False).values_list("pk", "external_id")
        )
        if folds:
            if not 2 <= folds <= len(pairs):
                raise CommandError(f"--folds is from 2 to the number of questions ({len(pairs)})")
            self._cross_validate(pairs, ids, folds, seed, learn=options["learn_questions"])
            return
        if options["learn_questions"]:
            raise CommandError("--learn-questions needs --folds")
        kb_index.get_index()  # built once, outside the timing
        ranks = []
        started = time.perf_counter()
        for question, expected in pairs:
            found = [ids.get(h.article.pk) for h in search_articles(question, limit=DEPTH)]
            ranks.append(found.index(expected) if expected in found else DEPTH)
        elapsed = time.perf_counter() - started
        r1, r5, mrr = measures(np.array(ranks))
        self.stdout.write(
            f"{len(pairs)} questions over {len(ids)} articles ({connection.vendor}): "
            f"Recall@1 {r1:.3f}  Recall@5 {r5:.3f}  MRR@10 {mrr:.3f}  "
            f"{1000 * elapsed / len(pairs):.1f} ms/query"
        )

    def _cross_validate(self, pairs, ids, folds: int, seed: int, *, learn: bool) -> None:
        ranks = self._ranks_per_setting(pairs, ids)
        order = list(range(len(pairs)))
        random.Random(seed).shuffle(order)
        held_out = np.full(len(pairs), DEPTH)
        for fold in range(folds):
            test = np.array(order[fold::folds])
            train = np.setdiff1d(np.arange(len(pairs)), test)
            chosen = max(ranks, key=lambda setting: measures(ranks[setting][train])[2])
            if learn:
                held_out[test] = self._ranks_learned(pairs, ids, chosen, train, test)
            else:
                held_out[test] = ranks[chosen][test]
            r1, r5, mrr = measures(held_out[test])
            k1, title, bigram, kind, place, conflict = chosen
            self.stdout.write(
                f"fold {fold + 1}: chose k1 {k1}, title weight {title}, bigram weight {bigram}, "
                f"answer kind +{kind}, place +{place} / other place -{conflict} on "
                f"{len(train)} questions; on the other {len(test)}: "
                f"Recall@1 {r1:.3f}  Recall@5 {r5:.3f}  MRR@10 {mrr:.3f}"
            )
        r1, r5, mrr = measures(held_out)
        learned = ", training folds' questions learned" if learn else ""
        self.stdout.write(
            f"held out, {len(pairs)} questions over {len(ids)} articles ({folds} folds{learned}): "
            f"Recall@1 {r1:.3f}  Recall@5 {r5:.3f}  MRR@10 {mrr:.3f}"
        )

    def _ranks_per_setting(self, pairs, ids) -> dict[tuple, np.ndarray]:
        """For every setting of the grid, the rank of each question's article (DEPTH: missed).

        An index is built per (k1, title weight); the factors are applied to the same scores."""
        key = kb_index.current_key()
        factors = list(itertools.product(*(GRID[name] for name in FACTORS)))
        ranks: dict[tuple, list[int]] = {}
        for k1, title_weight in itertools.product(GRID["k1"], GRID["title_weight"]):
            settings = kb_index.Settings(k1=k1, title_weight=title_weight)
            index = kb_index.build_index(key, settings)
            signals = [index.signals(question) for question, _expected in pairs]
            for bigram_weight in GRID["bigram_weight"]:
                for (question, expected), signal in zip(pairs, signals, strict=True):
                    terms = textproc.query_terms(question, bigram_weight=bigram_weight)
                    scores = index.scores(with_synonyms(terms, question))
                    for factor in factors:
                        boosted = kb_index.boost(
                            scores,
                            signal,
                            dataclasses.replace(
                                settings, **dict(zip(FACTORS, factor, strict=True))
                            ),
                        )
                        rank = self._rank(index, ids, boosted, expected)
                        ranks.setdefault((k1, title_weight, bigram_weight, *factor), []).append(
                            rank
                        )
        return {setting: np.array(found) for setting, found in ranks.items()}

    def _ranks_learned(self, pairs, ids, chosen, train, test) -> np.ndarray:
        """The test questions' ranks over an index whose articles also hold the training
        questions answered with them (chosen settings; the test questions never added)."""
        pks = {external: pk for pk, external in ids.items()}
        learned: dict[int, list[str]] = {}
        for row in train:
            question, expected = pairs[row]
            if expected in pks:
                learned.setdefault(pks[expected], []).append(question)
        k1, title_weight, bigram_weight, *factor = chosen
        settings = kb_index.Settings(
            k1=k1, title_weight=title_weight, **dict(zip(FACTORS, factor, strict=True))
        )
        index = kb_index.build_index(kb_index.current_key(), settings, learned)
        found = []
        for row in test:
            question, expected = pairs[row]
            terms = textproc.query_terms(question, bigram_weight=bigram_weight)
            scores = index.adjusted(index.scores(with_synonyms(terms, question)), question)
            found.append(self._rank(index, ids, scores, expected))
        return np.array(found)

    @staticmethod
    def _rank(index, ids, scores, expected) -> int:
        hits = [ids.get(int(index.ids[row])) for row in best_rows(scores, DEPTH)]
        return hits.index(expected) if expected in hits else DEPTH

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
