"""Search the knowledge base in Chinese (or English): `search_articles(query, region=…)`.

Ranking is BM25F over jieba words and character bigrams (see `knowledgebase.index`), the same on
both databases. On PostgreSQL the database also answers the question first: a GIN-indexed
full-text match over the stored words (title and phrasings weight A, body C, ranked by
`ts_rank`) plus trigram similarity of titles (typos), and only those candidates are ranked,
so the work stays proportional to the matches. See docs/search.md.

Suggestions (the intake panel, the citizens' dialogue) pass `local=True`: an imported article
(someone else's policy Q&A) is suggested only in the regions it names, so another province's
answer is never offered as this hotline's. The knowledge pages search everything.
"""

import dataclasses
import re

import numpy as np
from django.db import connection

from departments.models import Department
from knowledgebase import index as kb_index
from knowledgebase import textproc
from knowledgebase.models import LIVE_ARTICLES, Article, ArticleVersion

SNIPPET_LENGTH = 120
PG_CANDIDATES = 200
PG_COMMON_SHARE = 0.05
PG_KEEP_WORDS = 3
PG_TRIGRAM_CANDIDATES = 20
PG_TRIGRAM_LIMIT = 0.1
_SENTENCES = re.compile(r"(?<=[。！？；;\n])")


@dataclasses.dataclass
class ArticleHit:
    """One suggested article: its score, whether it is stale, and the best matching sentence."""

    article: Article
    score: float
    stale: bool
    snippet: str
    title: str
    answer: str


def search_articles(
    query: str, *, region=None, limit: int = 5, user=None, local: bool = False
) -> list[ArticleHit]:
    """The live articles best answering the query, current before stale, for the region.

    With `local` and no region, the question is taken to be about the hotline's own area (the
    center's region): imported articles about other places are left out.
    """
    terms = textproc.query_terms(query or "")
    if not terms:
        return []
    index = kb_index.get_index()
    if not len(index.ids):
        return []
    scores = index.scores(terms)
    if connection.vendor == "postgresql":
        scores = scores * _pg_candidate_mask(index, query, terms)
    if region is not None:
        scores = scores * index.region_mask(region)
    elif local:
        scores = scores * index.home_mask(home_path())
    best = [row for row in np.argsort(-scores, kind="stable")[:limit] if scores[row] > 0]
    return _hits(index, best, scores, terms)


def home_path() -> str:
    """The region path of the hotline itself (the 12345 center's region), "" if none is set."""
    center = Department.objects.filter(kind=Department.Kind.CENTER, region__isnull=False)
    return center.values_list("region__path", flat=True).first() or ""


def _pg_candidate_mask(index, query: str, terms: dict[str, float]) -> np.ndarray:
    """Articles the PostgreSQL full-text (GIN) and trigram indexes find for the query."""
    words = [t for t in terms if not t.startswith("#") and "'" not in t and "\\" not in t]
    # Words in most articles narrow nothing and make ts_rank read every row: leave them out.
    words = index.selective(words, PG_COMMON_SHARE, PG_KEEP_WORDS)
    ids: set[int] = set()
    with connection.cursor() as cursor:
        if words:
            tsquery = " | ".join(f"'{w}'" for w in words)
            cursor.execute(
                "SELECT id FROM knowledgebase_article, to_tsquery('simple', %s) query "
                "WHERE search_vector @@ query "
                "ORDER BY ts_rank('{0.1, 0.2, 0.4, 1.0}', search_vector, query) DESC LIMIT %s",
                [tsquery, PG_CANDIDATES],
            )
            ids.update(row[0] for row in cursor.fetchall())
        # `%%` is pg_trgm's "similar" operator, answered by the trigram index; short Chinese
        # titles with one wrong character score about 0.15, under pg_trgm's default 0.3.
        cursor.execute("SELECT set_limit(%s)", [PG_TRIGRAM_LIMIT])
        cursor.execute(
            "SELECT id FROM knowledgebase_article WHERE title %% %s "
            "ORDER BY similarity(title, %s) DESC LIMIT %s",
            [query, query, PG_TRIGRAM_CANDIDATES],
        )
        ids.update(row[0] for row in cursor.fetchall())
    return np.isin(index.ids, np.fromiter(ids, dtype=np.int64, count=len(ids)))


def _hits(index, rows, scores, terms) -> list[ArticleHit]:
    if not rows:
        return []
    ids = [int(index.ids[row]) for row in rows]
    articles = Article.objects.filter(LIVE_ARTICLES, pk__in=ids).select_related(
        "department", "category"
    )
    by_id = {a.pk: a for a in articles}
    published = _published_texts([a for a in articles if a.status != Article.Status.PUBLISHED])
    hits = []
    for row, pk in zip(rows, ids, strict=True):
        article = by_id.get(pk)
        if article is None:  # archived since the index was built
            continue
        title, answer = published.get(pk, (article.title, article.answer))
        hits.append(
            ArticleHit(
                article=article,
                score=round(float(scores[row]), 4),
                stale=bool(index.stale[row]),
                snippet=snippet(answer, terms),
                title=title,
                answer=answer,
            )
        )
    return hits


def _published_texts(articles) -> dict[int, tuple[str, str]]:
    """The live version's title and answer of articles whose next version is being drafted."""
    if not articles:
        return {}
    versions = ArticleVersion.objects.filter(
        article__in=articles, version__in={a.version for a in articles}
    )
    live = {a.pk: a.version for a in articles}
    return {v.article_id: (v.title, v.answer) for v in versions if live[v.article_id] == v.version}


def snippet(answer: str, terms: dict[str, float]) -> str:
    """The sentence of the answer that holds most of the query's terms, shortened."""
    sentences = [s.strip() for s in _SENTENCES.split(answer) if s.strip()] or [answer]
    words = [t for t in terms if not t.startswith("#")]
    best = max(sentences, key=lambda s: sum(1 for w in words if w in s.lower()))
    return best if len(best) <= SNIPPET_LENGTH else best[: SNIPPET_LENGTH - 1] + "…"
