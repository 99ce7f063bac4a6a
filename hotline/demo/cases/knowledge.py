"""Consultations the agents answered on the call from the knowledge base (first-contact
resolution), each citing the article it was answered from, then called back and closed: the
articles' 答复工单数 and helpfulness are lived in."""

from datetime import datetime, timedelta

from cases import services
from cases.models import Case
from hotline.demo.cases.content import CHANNELS, citizen
from hotline.demo.cases.steps import Clock, Demo, Stop, callback
from knowledgebase import services as knowledge
from knowledgebase.demo import load_demo_articles
from knowledgebase.importexport import ImportResult
from knowledgebase.models import LIVE_ARTICLES, Article

ANSWERED_FROM_KNOWLEDGE = 40
PUBLISHED_DAYS_AGO = 180  # before the oldest demo case
RATED = 0.6  # the share of those answers the agent rated the article for (mostly helpful)


def load_knowledge(now: datetime) -> ImportResult:
    """The demo articles, published (dated back) before the oldest demo case."""
    return load_demo_articles(published_at=now - timedelta(days=PUBLISHED_DAYS_AGO))


def build_knowledge_answers(demo: Demo, count: int = ANSWERED_FROM_KNOWLEDGE) -> int:
    """Consultations asked in an article's own words and answered with its text; a few
    articles are asked about often, most seldom (as on a real line)."""
    load_knowledge(demo.now)
    articles = list(
        Article.objects.filter(LIVE_ARTICLES, source=Article.Source.DEMO).order_by("pk")
    )
    if not articles:
        return 0
    demo.rng.shuffle(articles)
    weights = [1 / (rank + 1) ** 0.7 for rank in range(len(articles))]
    for article in demo.rng.choices(articles, weights, k=count):
        _answer_from(demo, article)
    return count


def _answer_from(demo: Demo, article: Article) -> Case:
    rng = demo.rng
    start = demo.now - timedelta(days=rng.uniform(0.1, 150))
    clock = Clock(start.replace(second=0, microsecond=0), demo.now)
    question = rng.choice([article.title, *article.questions]).rstrip("？?")
    case = services.register_case(
        actor=demo.agent(),
        channel=rng.choice(CHANNELS),
        request_type="consultation",
        title=question,
        content=f"来电人咨询：{question}？",
        category=article.category,
        at=clock.t,
        **citizen(rng),
    )
    agent = demo.agent()
    try:
        answered_at = clock.minutes(2, 8, rng)
        services.answer_case(
            case, actor=agent, answer=article.answer, articles=[article], at=answered_at
        )
        if rng.random() < RATED:
            knowledge.record_feedback(
                article, actor=agent, helpful=rng.random() < 0.9, case=case, at=answered_at
            )
        callback(demo, clock, case)
        services.close_case(
            case, actor=demo.agent(), note="回访完毕，办结归档。", at=clock.minutes(2, 30, rng)
        )
    except Stop:  # asked minutes ago: the next step would be in the future
        pass
    case.refresh_from_db()
    return case
