"""The demo knowledge base: the hand-written Changsha FAQ articles of faq.jsonl (seconds)."""

import datetime
import io
from pathlib import Path

from django.db.models import Q

from knowledgebase.importexport import ImportResult, import_articles
from knowledgebase.models import Article, ArticleVersion

FAQ = Path(__file__).with_name("faq.jsonl")


def demo_lines() -> list[str]:
    """The FAQ lines: demo articles, each owned by the department that answers it."""
    return FAQ.read_text(encoding="utf-8").splitlines()


def load_demo_articles(*, published_at: datetime.datetime | None = None) -> ImportResult:
    """Import the demo articles (labelled 演示内容); running it twice changes nothing.

    With `published_at`, the demo's articles published later are dated back to it: the demo's
    past cases cite them, and a case may only cite what was published before it was answered.
    """
    text = "\n".join(demo_lines()) + "\n"
    result = import_articles(io.StringIO(text), fmt="jsonl", source=Article.Source.DEMO)
    if published_at is not None:
        later = Q(published_at__gt=published_at)
        demo = Article.objects.filter(source=Article.Source.DEMO)
        demo.filter(later).update(published_at=published_at, created_at=published_at)
        ArticleVersion.objects.filter(later, article__in=demo).update(published_at=published_at)
    return result
