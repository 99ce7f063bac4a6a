"""The learned category suggestion: the three most likely categories for a case's text.

scikit-learn over jieba-segmented text: TF-IDF of the words (title counted twice), then a
complement naive Bayes, which copes well with noisy and unevenly sized categories (word pairs,
character n-grams and a logistic regression or linear SVM did worse on the shared messages; see
docs/routing.md). Its normalised scores rank the categories the agent sees. Trained from closed
cases and the classification's own words (each category's names and description, a line weighing
`TAXONOMY_WEIGHT` messages: top-1 0.819 → 0.880 held out) by `manage.py train_router`, kept
under var/ with joblib and loaded once per process (reloaded when the file changes).
"""

import logging
import pickle
import re
from pathlib import Path

import jieba
import joblib
from django.conf import settings
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.naive_bayes import ComplementNB
from sklearn.pipeline import Pipeline

from cases.choices import Status
from cases.models import Case, Category
from core.progress import progress

jieba.setLogLevel(60)
logger = logging.getLogger(__name__)
NOISE = re.compile(r"^[\s\W_]+$")
TITLE_WEIGHT = 2  # the title says in a few words what the text circles around
ALPHA = 0.3  # smoothing; chosen on the cross-validation described in docs/routing.md
# Each category's own words (its names below the first level and its description) are a training
# line of that category weighing this many messages: the classification's vocabulary (中介机构管理,
# 物价监督, 公共汽车 under 城乡建设 …) settles what the messages and the weak labels leave unclear.
TAXONOMY_WEIGHT = 30.0
CATCH_ALL = "其他"  # "other": a name that says nothing about its category
_loaded: dict = {"path": None, "mtime": None, "model": None}


def model_path() -> Path:
    return Path(
        getattr(settings, "ROUTER_MODEL_PATH", settings.VAR_DIR / "router" / "category.joblib")
    )


def tokenize(text: str) -> list[str]:
    """jieba words without whitespace and punctuation (module-level so joblib can pickle it)."""
    return [w for w in jieba.lcut(text) if not NOISE.match(w)]


def message_text(title: str, text: str, title_weight: int = TITLE_WEIGHT) -> str:
    """The text the model reads: the title (weighted) and the body."""
    return " ".join([title or ""] * title_weight + [text or ""]).strip()


def build_pipeline(*, alpha: float = ALPHA, tokenizer=tokenize) -> Pipeline:
    """TF-IDF over jieba words and a complement naive Bayes (robust to noisy, skewed labels).

    `route_eval --folds` passes texts already segmented (`tokenizer=str.split`) to try settings
    without segmenting again."""
    words = TfidfVectorizer(
        tokenizer=tokenizer, token_pattern=None, lowercase=False, min_df=2, sublinear_tf=True
    )
    return Pipeline([("words", words), ("classifier", ComplementNB(alpha=alpha))])


def train(
    texts: list[str],
    labels: list[str],
    weights: list[float] | None = None,
    *,
    taxonomy: tuple[list[str], list[str]] = ([], []),
    taxonomy_weight: float = TAXONOMY_WEIGHT,
    **settings,
) -> Pipeline:
    """A fitted pipeline (optionally weighting some lines more); needs two distinct labels.

    `taxonomy`: the classification's own lines (texts, labels; `taxonomy_lines`), each weighing
    `taxonomy_weight` messages; lines of a label no message has are left out."""
    if len(set(labels)) < 2:
        raise ValueError("training needs at least two categories")
    known = set(labels)
    extra = [(t, label) for t, label in zip(*taxonomy, strict=True) if label in known and t.strip()]
    weights = list(weights) if weights is not None else [1.0] * len(texts)
    texts = list(texts) + [t for t, _label in extra]
    labels = list(labels) + [label for _t, label in extra]
    weights += [taxonomy_weight] * len(extra)
    return build_pipeline(**settings).fit(texts, labels, classifier__sample_weight=weights)


def taxonomy_lines(paths) -> tuple[list[str], list[str]]:
    """(label, [names below the first level…, description]) pairs → (texts, labels), one line per
    category; the catch-all name 其他 is dropped, and a category with no other word is left out."""
    texts, labels = [], []
    for label, names in paths:
        words = [name for name in names if name and name != CATCH_ALL]
        if words:
            texts.append(" ".join(words))
            labels.append(label)
    return texts, labels


def taxonomy_from_categories(codes) -> tuple[list[str], list[str]]:
    """The classification's lines for the labels `codes` (category codes), from the database in
    one query: for each labelled category, one line per category of its subtree (itself
    included) with the names from the second level down to it and its description."""
    codes = set(codes)
    rows = Category.objects.filter(is_active=True).values_list(
        "id", "parent_id", "code", "name", "level", "description"
    )
    by_id = {row[0]: row for row in rows}
    paths = []
    for row in by_id.values():
        chain, node = [], row
        while node is not None:
            chain.append(node)
            node = by_id.get(node[1])
        chain.reverse()  # the first level first
        names = [node[3] for node in chain if node[4] > 1] + [row[5]]
        paths += [(node[2], names) for node in chain if node[2] in codes]
    return taxonomy_lines(paths)


def top_k(model: Pipeline, texts: list[str], k: int = 3) -> list[list[tuple[str, float]]]:
    """For each text the k most likely labels with their probabilities."""
    probabilities = model.predict_proba(texts)
    classes = model.classes_
    ranked = []
    for row in probabilities:
        order = row.argsort()[::-1][:k]
        ranked.append([(str(classes[i]), float(row[i])) for i in order])
    return ranked


def training_set_from_cases(*, closed_only: bool = True) -> tuple[list[str], list[str]]:
    """Texts and category codes of the cases that have a category: by default only the closed
    ones, whose category survived the handling; the demo, whose few closed cases were all
    categorised by the same hand, trains on every case."""
    cases = Case.objects.filter(category__isnull=False)
    if closed_only:
        cases = cases.filter(status=Status.CLOSED)
    rows = cases.values_list("title", "content", "category__code")
    texts, labels = [], []
    for title, content, code in progress(rows.iterator(2000), desc="Cases", unit="case"):
        texts.append(message_text(title, content))
        labels.append(code)
    return texts, labels


def save(model: Pipeline, path: Path | None = None) -> Path:
    """Write the model with joblib (creating var/router/)."""
    path = path or model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, path)
    return path


def load() -> Pipeline | None:
    """The saved model, cached per process until its file changes; None when never trained, or
    when the file cannot be read back (written by an older layout of the code, or damaged):
    intake then simply suggests no category, and the log says to run `train_router`."""
    path = model_path()
    if not path.exists():
        return None
    mtime = path.stat().st_mtime
    if _loaded["path"] != path or _loaded["mtime"] != mtime:
        _loaded.update(path=path, mtime=mtime, model=_read(path))
    return _loaded["model"]


def _read(path: Path) -> Pipeline | None:
    try:
        return joblib.load(path)
    except (ImportError, AttributeError, EOFError, ValueError, pickle.UnpicklingError) as error:
        logger.warning("the category model %s cannot be read (%s): run train_router", path, error)
        return None


def suggest_categories(text: str, k: int = 3) -> list[tuple[Category, float]]:
    """The k most likely categories for the text, with probabilities; [] without a model."""
    model = load()
    if model is None or not (text or "").strip():
        return []
    ranked = top_k(model, [text], k)[0]
    by_code = Category.objects.in_bulk([code for code, _p in ranked], field_name="code")
    return [(by_code[code], p) for code, p in ranked if code in by_code]
