"""Search the knowledge base in Chinese (or English): `search_articles(query, region=…)`.

Ranking is BM25F over jieba words and character bigrams (see `knowledgebase.index`), in
process and the same on both databases, then weighed by what the question asks for: an article
with a short answer of the asked kind (a figure for 多少) and one naming the question's place
score more, one naming only other places less (`ArticleIndex.signals`, `index.boost`).
Only when no article holds a single term of the query
does PostgreSQL get asked: the titles nearest by trigrams (typos, unknown spellings), through
the GiST trigram index ordered by distance with a limit. See docs/search.md.

Suggestions (the intake panel, the citizens' dialogue) go through `suggest_articles`: only
articles in force, in the case's region (an imported article, someone else's policy Q&A, only
in the regions it names), and only above a relevance floor: no suggestion is better than five
wrong ones. The knowledge pages search everything.
"""

import dataclasses
import re

import numpy as np
from django.db import connection

from cases.routing import synonyms
from departments.models import Department
from knowledgebase import index as kb_index
from knowledgebase import textproc
from knowledgebase.models import Article, ArticleVersion

SNIPPET_LENGTH = 120
PG_TRIGRAM_CANDIDATES = 20
PG_TRIGRAM_LIMIT = 0.1
# A suggestion's score is at least this share of the score of an article holding every word of
# the question once in its title (`ArticleIndex.ideal`). On the shared policy questions the right
# answer, when in the first five, scores 0.35 or more in 97 % of them; unrelated texts (今天天气
# 真好, 我家的猫丢了, 小区停车位被占) reach 0.17–0.23 there (docs/search.md).
SUGGESTION_FLOOR = 0.3
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
    query: str,
    *,
    region=None,
    limit: int = 5,
    user=None,
    local: bool = False,
    floor: float = 0.0,
    in_force: bool = False,
) -> list[ArticleHit]:
    """The live articles best answering the query, current before stale, for the region.

    With `local` and no region, the question is taken to be about the hotline's own area (the
    center's region): imported articles about other places are left out. `floor` drops hits
    scoring under that share of the query's ideal score; `in_force` drops articles whose
    effective date has not come yet.
    """
    terms = with_synonyms(textproc.query_terms(query or ""), query or "")
    if not terms:
        return []
    index = kb_index.get_index()
    if not len(index.ids):
        return []
    scores = index.scores(terms)
    if not scores.any():
        if connection.vendor == "postgresql":
            scores = _trigram_fallback(index, query)
    else:
        if floor:  # on the words alone: the floor says the question's words are there
            ideal = index.ideal(terms, textproc.words(query))
            scores = np.where(scores >= floor * ideal, scores, 0.0)
        scores = index.adjusted(scores, query)
    if region is not None:
        scores = scores * index.region_mask(region)
    elif local:
        scores = scores * index.home_mask(home_path())
    if in_force:
        scores = scores * index.in_force
    return _hits(index, best_rows(scores, limit), scores, terms)


def best_rows(scores: np.ndarray, limit: int) -> list[int]:
    """The rows of the `limit` highest positive scores, best first (ties: the older article),
    without sorting every article."""
    positive = np.flatnonzero(scores > 0)
    if len(positive) > limit:
        positive = positive[np.argpartition(-scores[positive], limit - 1)[:limit]]
    return sorted(positive.tolist(), key=lambda row: (-scores[row], row))


def with_synonyms(terms: dict[str, float], query: str) -> dict[str, float]:
    """The query's terms plus the words of the standard terms for its everyday words (the
    supervisors' synonym table: 噪音 → 噪声), at the weight of an abbreviation's expansion."""
    for term in synonyms.terms_in(query):
        for word in textproc.words(term):
            terms.setdefault(word, textproc.EXPANSION_WEIGHT)
    return terms


def suggest_articles(query: str, *, region=None, limit: int = 5, user=None) -> list[ArticleHit]:
    """What the intake panel and the dialogue offer: articles in force, for the case's region
    (the hotline's own when unknown), above the relevance floor."""
    return search_articles(
        query,
        region=region,
        limit=limit,
        user=user,
        local=True,
        floor=SUGGESTION_FLOOR,
        in_force=True,
    )


def home_path() -> str:
    """The region path of the hotline itself (the 12345 center's region), "" if none is set."""
    center = Department.objects.filter(kind=Department.Kind.CENTER, region__isnull=False)
    return center.values_list("region__path", flat=True).first() or ""


def _trigram_fallback(index, query: str) -> np.ndarray:
    """Scores for the titles nearest the query by trigrams, when no term matched at all.

    `title %% q ORDER BY title <-> q LIMIT n` is answered by the GiST trigram index (migration
    0007) without reading the table; a title with one wrong character scores about 0.15, under
    pg_trgm's default 0.3, hence the lower limit.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_limit(%s)", [PG_TRIGRAM_LIMIT])
        cursor.execute(
            "SELECT id, 1 - (title <-> %s) FROM knowledgebase_article WHERE title %% %s "
            "ORDER BY title <-> %s LIMIT %s",
            [query, query, query, PG_TRIGRAM_CANDIDATES],
        )
        found = cursor.fetchall()
    scores = np.zeros(len(index.ids))
    rows = index.rows
    for pk, similarity in found:
        if pk in rows:  # live articles only: the index holds nothing else
            scores[rows[pk]] = similarity
    return np.where(index.stale, scores * kb_index.STALE_FACTOR, scores)


def _hits(index, rows, scores, terms) -> list[ArticleHit]:
    if not rows:
        return []
    ids = [int(index.ids[row]) for row in rows]
    # By primary key only (no ordering, liveness checked here): the cheapest plan on both.
    found = Article.objects.filter(pk__in=ids).select_related("department", "category")
    articles = [a for a in found.order_by() if a.is_live]
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
