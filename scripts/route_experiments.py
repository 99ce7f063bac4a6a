"""Reproduce the figures of the category-suggestion alternatives tried for issue 17.

Every variant is trained and tested on the same outer folds as `manage.py route_eval --gold …
--folds 5 --seed SEED` (weak lines always in training, a true label weighing 3), with its settings
fixed (not chosen on the folds): so each figure is, if anything, optimistic. None reaches 0.86.

    DEBUG=1 .venv/bin/python scripts/route_experiments.py --seed 12345 \
        --messages /path/to/shared/data/messages

Takes about 5 minutes on the shared 2-core machine (jieba segments ~10,000 messages once).
"""

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np
from scipy.sparse import vstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import StratifiedKFold
from sklearn.naive_bayes import ComplementNB

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")
import django

django.setup()
from cases.routing.classifier import tokenize  # noqa: E402

GOLD_WEIGHT = 3.0


def read(path: Path, key: str | None) -> list[dict]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            title, text = row.get("title") or "", row.get("text") or ""
            words = " ".join(tokenize(title)), " ".join(tokenize(text))
            label = row.get(key) if key else None
            rows.append({"label": label, "raw": (title, text), "words": words})
    return rows


def words(row, title_weight=2):
    return " ".join([row["words"][0]] * title_weight + [row["words"][1]])


def chars(row, title_weight=2):
    return " ".join([row["raw"][0]] * title_weight + [row["raw"][1]])


def word_vectorizer():
    return TfidfVectorizer(
        tokenizer=str.split, token_pattern=None, lowercase=False, min_df=2, sublinear_tf=True
    )


def char_vectorizer():
    return TfidfVectorizer(
        analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True, max_features=100000
    )


def standardised(scores):
    scores = scores - scores.mean(1, keepdims=True)
    return scores / (scores.std(1, keepdims=True) + 1e-9)


class Experiment:
    def __init__(self, gold, weak, unlabelled, seed):
        self.gold, self.weak, self.unlabelled = gold, weak, unlabelled
        self.gold_y = np.array([r["label"] for r in gold])
        self.weak_y = [r["label"] for r in weak]
        self.classes = np.array(sorted(set(self.gold_y)))
        self.folds = list(
            StratifiedKFold(5, shuffle=True, random_state=seed).split(self.gold_y, self.gold_y)
        )

    def run(self, name, scores_for):
        hits = sum(
            (self.classes[scores_for(train, test).argmax(1)] == self.gold_y[test]).sum()
            for train, test in self.folds
        )
        print(f"{name}: top-1 {hits / len(self.gold):.3f}", flush=True)

    def lines(self, train, *, weak=True):
        rows = (self.weak if weak else []) + [self.gold[i] for i in train]
        labels = (self.weak_y if weak else []) + list(self.gold_y[train])
        weights = [1.0] * (len(rows) - len(train)) + [GOLD_WEIGHT] * len(train)
        return rows, labels, weights

    def cnb(self, train, test, *, weak=True, title_weight=2, alpha=0.3):
        rows, labels, weights = self.lines(train, weak=weak)
        vectorizer = word_vectorizer()
        matrix = vectorizer.fit_transform([words(r, title_weight) for r in rows])
        model = ComplementNB(alpha=alpha).fit(matrix, labels, sample_weight=weights)
        tested = vectorizer.transform([words(self.gold[i], title_weight) for i in test])
        return np.log(model.predict_proba(tested))

    def sgd_chars(self, train, test):
        rows, labels, weights = self.lines(train)
        vectorizer = char_vectorizer()
        matrix = vectorizer.fit_transform([chars(r) for r in rows])
        model = SGDClassifier(loss="modified_huber", alpha=1e-4, random_state=0)
        model.fit(matrix, labels, sample_weight=weights)
        return model.decision_function(vectorizer.transform([chars(self.gold[i]) for i in test]))

    def weak_only(self, train, test):
        vectorizer = word_vectorizer()
        matrix = vectorizer.fit_transform([words(r) for r in self.weak])
        model = ComplementNB(alpha=0.3).fit(matrix, self.weak_y)
        return model.predict_proba(vectorizer.transform([words(self.gold[i]) for i in test]))

    def cleaned(self, train, test, keep_above=0.6):
        """Confident learning: weak lines whose label scores under `keep_above` × the best label
        out of fold (model from the other weak lines and the gold training lines) are dropped."""
        rows, _labels, _weights = self.lines(train)
        vectorizer = word_vectorizer()
        matrix = vectorizer.fit_transform([words(r) for r in rows])
        n = len(self.weak)
        weak_matrix, gold_matrix = matrix[:n], matrix[n:]
        weak_y = np.array(self.weak_y)
        index = {c: i for i, c in enumerate(self.classes)}
        scores = np.zeros((n, len(self.classes)))
        inner = StratifiedKFold(5, shuffle=True, random_state=0)
        for fit, check in inner.split(weak_y, weak_y):
            model = ComplementNB(alpha=0.3).fit(
                vstack([weak_matrix[fit], gold_matrix]),
                list(weak_y[fit]) + list(self.gold_y[train]),
                sample_weight=[1.0] * len(fit) + [GOLD_WEIGHT] * len(train),
            )
            scores[check] = model.predict_proba(weak_matrix[check])
        own = scores[np.arange(n), [index[c] for c in weak_y]]
        keep = own >= keep_above * scores.max(1)
        model = ComplementNB(alpha=0.3).fit(
            vstack([weak_matrix[keep], gold_matrix]),
            list(weak_y[keep]) + list(self.gold_y[train]),
            sample_weight=[1.0] * int(keep.sum()) + [GOLD_WEIGHT] * len(train),
        )
        return model.predict_proba(vectorizer.transform([words(self.gold[i]) for i in test]))

    def self_trained(self, train, test, floor=0.8, weight=1.0):
        """Self-training: the unlabelled messages the model labels with at least `floor` are
        added with that label and `weight`."""
        rows, labels, weights = self.lines(train)
        vectorizer = word_vectorizer()
        matrix = vectorizer.fit_transform([words(r) for r in rows + self.unlabelled])
        known, unknown = matrix[: len(rows)], matrix[len(rows) :]
        model = ComplementNB(alpha=0.3).fit(known, labels, sample_weight=weights)
        probabilities = model.predict_proba(unknown)
        sure = probabilities.max(1) >= floor
        guessed = list(self.classes[probabilities.argmax(1)][sure])
        model = ComplementNB(alpha=0.3).fit(
            vstack([known, unknown[sure]]),
            labels + guessed,
            sample_weight=weights + [weight] * len(guessed),
        )
        return model.predict_proba(vectorizer.transform([words(self.gold[i]) for i in test]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=12345)
    parser.add_argument(
        "--messages",
        required=True,
        help="the folder of the shared message files (labelled_dev.jsonl …), passed by path",
    )
    options = parser.parse_args()
    folder = Path(options.messages)
    gold = read(folder / "labelled_dev.jsonl", "category")
    titles = {r["raw"][0] for r in gold}
    weak = read(folder / "unlabelled_with_predicted_category.jsonl", "category_predicted_not_gold")
    unlabelled = [
        r
        for name in ("messages_with_replies.jsonl", "messages_with_votes.jsonl")
        for r in read(folder / name, None)
        if r["raw"][0] not in titles  # a labelled message's copy is not unlabelled
    ]
    e = Experiment(gold, weak, unlabelled, options.seed)
    e.run("complement NB over words (the product, fixed settings)", e.cnb)
    e.run("  title counted 3 times", lambda tr, te: e.cnb(tr, te, title_weight=3))
    e.run("  true labels only", lambda tr, te: e.cnb(tr, te, weak=False))
    e.run("  weak labels only", e.weak_only)
    e.run("SGD (modified Huber) over characters 1-3", e.sgd_chars)
    e.run(
        "ensemble: NB words + SGD characters",
        lambda tr, te: standardised(e.cnb(tr, te)) + standardised(e.sgd_chars(tr, te)),
    )
    e.run("confident learning: weak lines under 0.6 of the best dropped", e.cleaned)
    e.run(f"self-training on {len(unlabelled)} unlabelled messages", e.self_trained)


if __name__ == "__main__":
    main()
