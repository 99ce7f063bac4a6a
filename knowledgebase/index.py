"""An in-memory BM25F index of the live articles, as sparse matrices (scipy).

Each live article is a row; each word or character bigram a column. The BM25F weight of every
(article, term) pair is computed once when the index is built, so a query is one sparse
matrix-vector product over the query's own columns (the matrix is kept by column, so the work
is proportional to the articles holding the query's terms): about a millisecond on 10,000
articles. The index is rebuilt when the live articles change (their latest `updated_at`, read
at most every CHECK_SECONDS, and at once after an article is saved in this process) or the day
changes (staleness, articles coming into force). The same index serves both databases.
"""

import dataclasses
import threading
import time

import numpy as np
from django.db.models import Max
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from scipy import sparse

from knowledgebase import textproc
from knowledgebase.models import LIVE_ARTICLES, Article


@dataclasses.dataclass(frozen=True)
class Settings:
    """BM25F's settings: title and phrasings weigh `title_weight` times the body; body length
    matters less than title length. `kb_eval --folds` chooses among others on training folds."""

    k1: float = 1.0
    title_weight: float = 3.0
    title_b: float = 0.75
    body_b: float = 0.5
    # After BM25F (`boost`): an article with a short answer of the kind the question asks for
    # (a figure for 多少, a date for 何时: `textproc.ANSWER_KINDS`) scores `kind_weight` more; one
    # whose title names a place the question names scores `place_weight` more, one whose title
    # names only other places `conflict_weight` less (吉林 asked, 甘肃's policy found).
    kind_weight: float = 0.4
    place_weight: float = 0.2
    conflict_weight: float = 0.4

    def field(self, name: str) -> tuple[float, float]:
        """(weight, b) of the field."""
        return (self.title_weight, self.title_b) if name == "title" else (1.0, self.body_b)


DEFAULT = Settings()
FIELDS = ("title", "body")
STALE_FACTOR = 0.5
CHECK_SECONDS = 1.0  # how stale another process's edit may be seen

_lock = threading.Lock()
_cached: "ArticleIndex | None" = None
_checked_at = 0.0


@dataclasses.dataclass
class ArticleIndex:
    """Live articles' ids, region paths, staleness, whether they are in force and imported, with
    the BM25F weight matrix (by column) and the masks already asked for (by region path)."""

    key: tuple
    ids: np.ndarray
    region_paths: list[tuple[str, ...]]
    stale: np.ndarray
    imported: np.ndarray
    in_force: np.ndarray
    vocabulary: dict[str, int]
    weights: sparse.csc_matrix
    document_frequency: np.ndarray
    kinds: dict[str, np.ndarray] = dataclasses.field(default_factory=dict)
    place_rows: dict[str, np.ndarray] = dataclasses.field(default_factory=dict)
    names_place: np.ndarray | None = None
    settings: Settings = DEFAULT
    masks: dict = dataclasses.field(default_factory=dict)

    @property
    def rows(self) -> dict[int, int]:
        """Row of each article id (built on first use)."""
        if "rows" not in self.masks:
            self.masks["rows"] = {int(pk): row for row, pk in enumerate(self.ids)}
        return self.masks["rows"]

    def selective(self, terms, share: float, keep: int) -> list[str]:
        """The terms found in at most `share` of the articles (at least the `keep` rarest)."""
        known = sorted(
            (self.document_frequency[self.vocabulary[t]], t) for t in terms if t in self.vocabulary
        )
        limit = share * len(self.ids)
        return [t for n, (df, t) in enumerate(known) if df <= limit or n < keep]

    def scores(self, terms: dict[str, float]) -> np.ndarray:
        """BM25F score of every article for the weighted query terms (stale ones halved)."""
        columns = [(self.vocabulary[t], w) for t, w in terms.items() if t in self.vocabulary]
        if not columns:
            return np.zeros(len(self.ids))
        picked = self.weights[:, [column for column, _w in columns]]
        scores = picked @ np.array([weight for _c, weight in columns])
        return np.where(self.stale, scores * STALE_FACTOR, scores)

    def signals(self, query: str) -> "Signals":
        """What the question asks for, against every article: the kind of answer it wants, the
        places it names (`boost` turns them into factors)."""
        n = len(self.ids)
        asked = [self.kinds[kind] for kind in textproc.question_kinds(query) if kind in self.kinds]
        kind = np.logical_or.reduce(asked) if asked else None
        places = textproc.places(query)
        if not places or self.names_place is None:
            return Signals(kind, None, None)
        match = np.zeros(n, dtype=bool)
        for place in places:
            if place in self.place_rows:
                match[self.place_rows[place]] = True
        return Signals(kind, match, self.names_place & ~match)

    def adjusted(self, scores: np.ndarray, query: str) -> np.ndarray:
        """The BM25F scores with the answer-kind and place factors of the index's settings."""
        return boost(scores, self.signals(query), self.settings)

    def ideal(self, terms: dict[str, float], words: list[str]) -> float:
        """The score of an article holding each of the question's own words once in an average
        title: what a score is measured against for the relevance floor (expansions and bigrams
        are left out: they are other ways of matching the same words)."""
        weight, k1 = self.settings.title_weight, self.settings.k1
        saturated = weight * (k1 + 1) / (weight + k1)
        n = len(self.ids)
        total = 0.0
        for word in set(words):
            df = self.document_frequency[self.vocabulary[word]] if word in self.vocabulary else 0
            total += terms.get(word, 1.0) * np.log(1 + (n - df + 0.5) / (df + 0.5))
        return saturated * total

    def region_mask(self, region) -> np.ndarray:
        """Articles that apply in the region: one of their regions contains it, or they name none
        and are the hotline's own (an imported article without regions applies nowhere here)."""
        path = region.path
        if ("region", path) in self.masks:
            return self.masks["region", path]
        self.masks["region", path] = np.array(
            [
                any(path.startswith(p) for p in paths) if paths else not imported
                for paths, imported in zip(self.region_paths, self.imported, strict=True)
            ],
            dtype=bool,
        )
        return self.masks["region", path]

    def home_mask(self, home_path: str) -> np.ndarray:
        """For a question whose region is not known yet: the hotline's own articles, and the
        imported ones naming a region within or above the hotline's (`home_path`)."""
        if ("home", home_path) in self.masks:
            return self.masks["home", home_path]
        self.masks["home", home_path] = np.array(
            [
                not imported
                or any(home_path.startswith(p) or p.startswith(home_path) for p in paths)
                for paths, imported in zip(self.region_paths, self.imported, strict=True)
            ],
            dtype=bool,
        )
        return self.masks["home", home_path]


@dataclasses.dataclass(frozen=True)
class Signals:
    """Per article: has a short answer of the asked kind; its title names a place the question
    names; its title names places, none of them the question's (None: the question gives none)."""

    kind: np.ndarray | None
    place: np.ndarray | None
    conflict: np.ndarray | None


def boost(scores: np.ndarray, signals: Signals, settings: Settings) -> np.ndarray:
    """Scores times (1 + kind_weight) for the asked kind of answer, (1 + place_weight) for the
    question's place in the title, (1 - conflict_weight) for only other places in the title."""
    factor = None
    if signals.kind is not None and settings.kind_weight:
        factor = 1.0 + settings.kind_weight * signals.kind
    if signals.place is not None:
        places = 1.0 + settings.place_weight * signals.place
        places = places - settings.conflict_weight * signals.conflict
        factor = places if factor is None else factor * places
    return scores if factor is None else scores * factor


def current_key() -> tuple:
    """What the index depends on: the latest change to any article (an index lookup), today.

    Every service that changes an article saves `updated_at`. A deleted article stays in the
    index until the next change, harmlessly: hits are re-read from the database.
    """
    last = Article.objects.aggregate(last=Max("updated_at"))["last"]
    return (last, timezone.localdate())


def get_index() -> ArticleIndex:
    """The index of the live articles, rebuilt only when they changed.

    The latest change is read at most every CHECK_SECONDS, so a search usually costs no query
    for it; an article saved in this process forces the next read (`_article_saved`).
    """
    global _cached, _checked_at
    now = time.monotonic()
    cached = _cached
    if (
        cached is not None
        and now - _checked_at < CHECK_SECONDS
        and cached.key[1] == timezone.localdate()
    ):
        return cached
    key = current_key()
    if cached is None or cached.key != key:
        with _lock:
            if _cached is None or _cached.key != key:
                _cached = build_index(key)
    _checked_at = now
    return _cached


@receiver(post_save, sender=Article)
@receiver(post_delete, sender=Article)
def _article_saved(**kwargs) -> None:
    global _checked_at
    _checked_at = 0.0


def _field_terms(article: Article, learned: list[str] = ()) -> dict[str, list[str]]:
    """The terms of the title field (title, other phrasings, and `learned` questions answered
    with the article) and of the body."""
    title_text = " ".join([article.title, *article.questions, *learned])
    title_words = article.search_title.split() + [w for q in learned for w in textproc.words(q)]
    body_words = article.search_body.split()
    return {
        "title": title_words + [textproc.bigram_key(b) for b in textproc.bigrams(title_text)],
        "body": body_words + [textproc.bigram_key(b) for b in textproc.bigrams(article.answer)],
    }


def build_index(
    key: tuple, settings: Settings = DEFAULT, learned: dict[int, list[str]] | None = None
) -> ArticleIndex:
    """Read the live articles (one query for rows, one for regions) and weigh every term.

    `learned` adds questions answered with an article (by id) to its phrasings (`kb_eval
    --learn-questions` adds the training folds' questions this way)."""
    articles = list(
        Article.objects.filter(LIVE_ARTICLES)
        .only(
            "title",
            "questions",
            "answer",
            "search_title",
            "search_body",
            "review_by",
            "effective_date",
            "source",
        )
        .prefetch_related("regions")
        .order_by("pk")
    )
    _store_missing_words(articles)
    vocabulary: dict[str, int] = {}
    learned = learned or {}
    documents = [_field_terms(article, learned.get(article.pk, ())) for article in articles]
    matrices = {}
    for field in FIELDS:
        rows, cols = [], []
        for row, fields in enumerate(documents):
            columns = [vocabulary.setdefault(term, len(vocabulary)) for term in fields[field]]
            cols.extend(columns)
            rows.extend([row] * len(columns))
        matrices[field] = (rows, cols, np.ones(len(cols)))
    weights, document_frequency = _bm25f(matrices, len(articles), len(vocabulary), settings)
    today = key[1]
    return ArticleIndex(
        key=key,
        ids=np.array([a.pk for a in articles], dtype=np.int64),
        region_paths=[tuple(r.path for r in a.regions.all()) for a in articles],
        stale=np.array([bool(a.review_by and a.review_by < today) for a in articles], dtype=bool),
        imported=np.array([a.source == Article.Source.IMPORTED for a in articles], dtype=bool),
        in_force=np.array(
            [not (a.effective_date and a.effective_date > today) for a in articles], dtype=bool
        ),
        vocabulary=vocabulary,
        weights=weights,
        document_frequency=document_frequency,
        settings=settings,
        **_answer_signals(articles),
    )


def _answer_signals(articles: list[Article]) -> dict:
    """Per article: the kinds of its short answers, and the places its title and phrasings name
    (as rows per place), for `ArticleIndex.signals`."""
    kinds = [textproc.answer_kinds(a.answer) for a in articles]
    rows_by_place: dict[str, list[int]] = {}
    names_place = np.zeros(len(articles), dtype=bool)
    for row, article in enumerate(articles):
        for place in textproc.places(" ".join([article.title, *article.questions])):
            rows_by_place.setdefault(place, []).append(row)
            names_place[row] = True
    return {
        "kinds": {
            kind: np.array([kind in found for found in kinds], dtype=bool)
            for kind in textproc.ANSWER_KINDS
        },
        "place_rows": {place: np.array(rows) for place, rows in rows_by_place.items()},
        "names_place": names_place,
    }


def _store_missing_words(articles: list[Article]) -> None:
    """Articles published outside the services (admin, raw inserts) get their words stored."""
    missing = [a for a in articles if not a.search_title]
    for article in missing:
        article.search_title = textproc.joined(" ".join([article.title, *article.questions]))
        article.search_body = textproc.joined(article.answer)
    if missing:  # bulk_update leaves updated_at alone: the index key does not change
        Article.objects.bulk_update(missing, ["search_title", "search_body"], batch_size=500)


def _bm25f(
    matrices: dict, n_docs: int, n_terms: int, settings: Settings
) -> tuple[sparse.csc_matrix, np.ndarray]:
    """Length-normalised, field-weighted term frequencies, saturated, times the idf."""
    shape = (max(n_docs, 1), max(n_terms, 1))
    combined = sparse.csr_matrix(shape)
    for field, (rows, cols, counts) in matrices.items():
        tf = sparse.csr_matrix((counts, (rows, cols)), shape=shape)  # duplicates are summed
        lengths = np.asarray(tf.sum(axis=1)).ravel()
        average = lengths.mean() if n_docs else 1.0
        weight, b = settings.field(field)
        norm = weight / (1 - b + b * lengths / (average or 1.0))
        combined = combined + sparse.diags(norm) @ tf
    combined = combined.tocsc()
    k1 = settings.k1
    combined.data = combined.data * (k1 + 1) / (combined.data + k1)
    document_frequency = np.diff(combined.indptr)
    idf = np.log(1 + (n_docs - document_frequency + 0.5) / (document_frequency + 0.5))
    return (combined @ sparse.diags(idf)).tocsc(), document_frequency


def clear() -> None:
    """Forget the cached index (tests that change articles behind the services' back)."""
    global _cached, _checked_at
    _cached = None
    _checked_at = 0.0
