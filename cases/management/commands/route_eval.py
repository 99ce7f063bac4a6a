"""Measure the category suggestion: top-1, top-3 and the time per suggestion.

Either one split (`--train A.jsonl [B.jsonl …] --test C.jsonl`) or k-fold cross-validation
over gold lines with weak lines always in training (`--gold G.jsonl --weak W.jsonl --folds 5
--seed 12345`): each gold line is tested exactly once, by a model that never saw it. Lines are
`{"title", "text", "category"}`; lines without `category` use `category_predicted_not_gold` (the
weak labels of the shared messages) and weigh a third of a true label in training.
"""

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from sklearn.model_selection import StratifiedKFold

from cases.routing import classifier

LABEL_KEYS = ("category", "category_predicted_not_gold")
GOLD_WEIGHT = 3.0  # a true label counts three times a predicted one in training


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


class Command(BaseCommand):
    help = "Train the category suggestion on labelled lines and measure it on unseen ones."

    def add_arguments(self, parser):
        parser.add_argument("--train", nargs="+", default=[], help="training JSON lines")
        parser.add_argument("--test", nargs="+", default=[], help="test JSON lines")
        parser.add_argument("--gold", help="cross-validate over these lines")
        parser.add_argument("--weak", nargs="*", default=[], help="always in training")
        parser.add_argument("--folds", type=int, default=5)
        parser.add_argument("--seed", type=int, default=12345)

    def handle(self, *args, **options):
        if options["gold"]:
            splits = self._folds(options)
        elif options["train"] and options["test"]:
            splits = [(read_lines(options["train"]), read_lines(options["test"]))]
        else:
            raise CommandError("give --train and --test, or --gold (with --weak and --folds)")
        totals = [0, 0, 0.0, 0]
        for n, ((train_x, train_y, weights), (test_x, test_y, _w)) in enumerate(splits, 1):
            model = classifier.train(train_x, train_y, weights)
            top1, top3, seconds = evaluate(model, test_x, test_y)
            self._report(f"split {n}", len(train_x), top1, top3, seconds, len(test_x))
            for i, value in enumerate((top1, top3, seconds, len(test_x))):
                totals[i] += value
        self._report("all", None, *totals)

    def _folds(self, options):
        gold_x, gold_y, gold_w = read_lines([options["gold"]])
        weak_x, weak_y, weak_w = read_lines(options["weak"]) if options["weak"] else ([], [], [])
        folds = StratifiedKFold(options["folds"], shuffle=True, random_state=options["seed"])
        for train, test in folds.split(gold_x, gold_y):
            yield (
                (weak_x + _pick(gold_x, train), weak_y + _pick(gold_y, train),
                 weak_w + _pick(gold_w, train)),
                (_pick(gold_x, test), _pick(gold_y, test), _pick(gold_w, test)),
            )  # fmt: skip

    def _report(self, name, trained, top1, top3, seconds, tested):
        trained_on = f"trained on {trained}, " if trained is not None else ""
        self.stdout.write(
            f"{name}: {trained_on}tested on {tested}: top-1 {top1 / tested:.3f}, "
            f"top-3 {top3 / tested:.3f}, {1000 * seconds / tested:.1f} ms per suggestion"
        )
