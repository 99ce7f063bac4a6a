"""Measure the category suggestion: top-1, top-3 and the time per suggestion.

Either one split (`--train A.jsonl [B.jsonl …] --test C.jsonl`) or k-fold cross-validation
over gold lines with weak lines always in training (`--gold G.jsonl --weak W.jsonl --folds 5
--seed 12345`): each gold line is tested exactly once, by a model that never saw it, whose
settings (smoothing, title weight, weight of the classification's own lines: `GRID`) were
chosen by an inner 3-fold cross-validation on that split's training lines only, so no figure
comes from settings tuned on its own test lines (the texts are segmented once for all the
settings). Lines are `{"title", "text", "category"}`; lines without `category` use
`category_predicted_not_gold` (the weak labels of the shared messages) and weigh a third of a
true label in training. `--taxonomy CSV` adds the classification's own lines (`classifier.
taxonomy_lines`: the names below the first level, labelled with the first), as `train_router`
adds the categories' names and descriptions.
"""

import csv
import itertools
import json
import time
from pathlib import Path

import numpy as np
from django.core.management.base import BaseCommand, CommandError
from sklearn.model_selection import StratifiedKFold

from cases.routing import classifier

LABEL_KEYS = ("category", "category_predicted_not_gold")
GOLD_WEIGHT = 3.0  # a true label counts three times a predicted one in training
# (smoothing, title weight, weight of a line of the classification); the product's settings
# first: on a tie the inner cross-validation keeps them.
PRODUCT = (classifier.ALPHA, classifier.TITLE_WEIGHT, classifier.TAXONOMY_WEIGHT)
GRID = [PRODUCT] + [
    setting
    for setting in itertools.product((0.1, 0.3, 0.5), (2, 3), (10.0, 30.0))
    if setting != PRODUCT
]
INNER_FOLDS = 3
MIN_TO_CHOOSE = 30  # gold lines in a split's training part needed to choose its settings


def read_lines(paths: list[str]) -> tuple[list[str], list[str], list[float]]:
    """Texts, labels and training weights of JSON lines files (a true label weighs more)."""
    texts, labels, weights = [], [], []
    for name in paths:
        path = Path(name)
        if not path.exists():
            raise CommandError(f"{name}: no such file")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                key = next(k for k in LABEL_KEYS if row.get(k))
            except (ValueError, StopIteration) as error:
                raise CommandError(f"{name}:{number}: not JSON with a category") from error
            texts.append(classifier.message_text(row.get("title", ""), row.get("text", "")))
            labels.append(row[key])
            weights.append(GOLD_WEIGHT if key == "category" else 1.0)
    return texts, labels, weights


def read_segmented(
    paths: list[str],
) -> tuple[list[tuple[str, str]], list[str], list[float], list[tuple[str, str]]]:
    """Like `read_lines`, with each line's title and text segmented once (space-joined words);
    the raw title and text come last, to time suggestions the way intake makes them."""
    parts, labels, weights, raw = [], [], [], []
    for name in paths:
        path = Path(name)
        if not path.exists():
            raise CommandError(f"{name}: no such file")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                key = next(k for k in LABEL_KEYS if row.get(k))
            except (ValueError, StopIteration) as error:
                raise CommandError(f"{name}:{number}: not JSON with a category") from error
            title, text = row.get("title", "") or "", row.get("text", "") or ""
            parts.append(
                (" ".join(classifier.tokenize(title)), " ".join(classifier.tokenize(text)))
            )
            labels.append(row[key])
            weights.append(GOLD_WEIGHT if key == "category" else 1.0)
            raw.append((title, text))
    return parts, labels, weights, raw


def read_taxonomy(name: str | None, *, segment: bool = True) -> tuple[list[str], list[str]]:
    """The classification's own lines from a CSV with a header row whose rows are paths of names
    from the first level down (`一级分类,二级分类,三级分类`): the label is the first name, the
    line the names below it (segmented by jieba, like the messages, unless `segment` is False)."""
    if not name:
        return [], []
    path = Path(name)
    if not path.exists():
        raise CommandError(f"{name}: no such file")
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))[1:]
    paths = [(row[0], row[1:]) for row in rows if len(row) > 1]
    texts, labels = classifier.taxonomy_lines(paths)
    if segment:
        texts = [" ".join(classifier.tokenize(t)) for t in texts]
    return texts, labels


def _documents(parts, title_weight: int) -> list[str]:
    return [" ".join([title] * title_weight + [text]) for title, text in parts]


def _pick(values: list, rows) -> list:
    return [values[i] for i in rows]


def evaluate(model, texts: list[str], labels: list[str]) -> tuple[int, int, float]:
    """(top-1 hits, top-3 hits, seconds spent) suggesting one text at a time."""
    top1 = top3 = 0
    started = time.perf_counter()
    for text, label in zip(texts, labels, strict=True):
        ranked = [code for code, _p in classifier.top_k(model, [text], 3)[0]]
        top1 += ranked[0] == label
        top3 += label in ranked
    return top1, top3, time.perf_counter() - started


def time_as_intake(model, raw: list[tuple[str, str]], title_weight: int) -> float:
    """Seconds spent suggesting for raw (title, text) pairs one at a time, segmenting each with
    jieba first as `suggest_categories` does: the latency an agent waits at intake."""
    started = time.perf_counter()
    for title, text in raw:
        words = " ".join(classifier.tokenize(classifier.message_text(title, text, title_weight)))
        classifier.top_k(model, [words], 3)
    return time.perf_counter() - started


class Command(BaseCommand):
    help = "Train the category suggestion on labelled lines and measure it on unseen ones."

    def add_arguments(self, parser):
        parser.add_argument("--train", nargs="+", default=[], help="training JSON lines")
        parser.add_argument("--test", nargs="+", default=[], help="test JSON lines")
        parser.add_argument("--gold", help="cross-validate over these lines")
        parser.add_argument("--weak", nargs="*", default=[], help="always in training")
        parser.add_argument("--folds", type=int, default=5)
        parser.add_argument("--seed", type=int, default=12345)
        parser.add_argument(
            "--taxonomy", help="CSV of the classification's names (first level = the label)"
        )

    def handle(self, *args, **options):
        if options["gold"]:
            self._cross_validate(options)
            return
        if not (options["train"] and options["test"]):
            raise CommandError("give --train and --test, or --gold (with --weak and --folds)")
        (train_x, train_y, weights), (test_x, test_y, _w) = (
            read_lines(options["train"]),
            read_lines(options["test"]),
        )
        taxonomy = read_taxonomy(options["taxonomy"], segment=False)
        model = classifier.train(train_x, train_y, weights, taxonomy=taxonomy)
        top1, top3, seconds = evaluate(model, test_x, test_y)
        self._report("split 1", len(train_x), top1, top3, seconds, len(test_x))
        self._report("all", None, top1, top3, seconds, len(test_x))

    def _cross_validate(self, options) -> None:
        gold, gold_y, gold_w, gold_raw = read_segmented([options["gold"]])
        weak, weak_y, weak_w, _raw = (
            read_segmented(options["weak"]) if options["weak"] else ([], [], [], [])
        )
        taxonomy = read_taxonomy(options["taxonomy"])
        grid = GRID if taxonomy[0] else list(dict.fromkeys((a, t, 0.0) for a, t, _w in GRID))
        folds = StratifiedKFold(options["folds"], shuffle=True, random_state=options["seed"])
        totals, product_seconds = [0, 0, 0.0, 0], 0.0
        for n, (train, test) in enumerate(folds.split(gold, gold_y), 1):
            lines = (gold, gold_y, gold_w, weak, weak_y, weak_w)
            alpha, title_weight, taxonomy_weight = self._choose(*lines, train, taxonomy, grid)
            documents = _documents(weak + gold, title_weight)
            rows = list(range(len(weak))) + [len(weak) + i for i in train]
            model = classifier.train(
                _pick(documents, rows),
                weak_y + _pick(gold_y, train),
                weak_w + _pick(gold_w, train),
                taxonomy=taxonomy,
                taxonomy_weight=taxonomy_weight,
                alpha=alpha,
                tokenizer=str.split,
            )
            tested = [len(weak) + i for i in test]
            top1, top3, seconds = evaluate(model, _pick(documents, tested), _pick(gold_y, test))
            name = f"split {n} (chose smoothing {alpha}, title weight {title_weight}"
            name += f", classification lines weigh {taxonomy_weight:g})" if taxonomy[0] else ")"
            self._report(name, len(rows), top1, top3, seconds, len(test))
            for i, value in enumerate((top1, top3, seconds, len(test))):
                totals[i] += value
            product_seconds += time_as_intake(model, _pick(gold_raw, test), title_weight)
        self._report("all", None, *totals)
        self.stdout.write(
            "(time per suggestion on text already segmented by jieba; as intake makes them, "
            f"jieba included: {1000 * product_seconds / totals[3]:.1f} ms)"
        )

    def _choose(
        self, gold, gold_y, gold_w, weak, weak_y, weak_w, train, taxonomy, grid
    ) -> tuple[float, int, float]:
        """The setting with the best top-1 over an inner cross-validation of `train` only."""
        labels = _pick(gold_y, train)
        smallest = min(np.unique(labels, return_counts=True)[1])
        if smallest < 2 or len(train) < MIN_TO_CHOOSE:
            return grid[0]  # too few lines to choose on: the product's settings
        inner = StratifiedKFold(min(INNER_FOLDS, smallest), shuffle=True, random_state=0)
        splits = list(inner.split(train, labels))
        scores = {}
        for alpha, title_weight, taxonomy_weight in grid:
            documents = _documents(weak + [gold[i] for i in train], title_weight)
            hits = 0
            for fit, check in splits:
                rows = list(range(len(weak))) + [len(weak) + i for i in fit]
                model = classifier.train(
                    _pick(documents, rows),
                    weak_y + _pick(labels, fit),
                    weak_w + [gold_w[train[i]] for i in fit],
                    taxonomy=taxonomy,
                    taxonomy_weight=taxonomy_weight,
                    alpha=alpha,
                    tokenizer=str.split,
                )
                predicted = model.predict(_pick(documents, [len(weak) + i for i in check]))
                hits += sum(p == labels[i] for p, i in zip(predicted, check, strict=True))
            scores[alpha, title_weight, taxonomy_weight] = hits
        return max(grid, key=lambda setting: scores[setting])

    def _report(self, name, trained, top1, top3, seconds, tested):
        trained_on = f"trained on {trained}, " if trained is not None else ""
        self.stdout.write(
            f"{name}: {trained_on}tested on {tested}: top-1 {top1 / tested:.3f}, "
            f"top-3 {top3 / tested:.3f}, {1000 * seconds / tested:.1f} ms per suggestion"
        )
