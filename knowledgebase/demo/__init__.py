"""The demo knowledge base: the hand-written Changsha FAQ articles of faq.jsonl (seconds)."""

import datetime
import io
from pathlib import Path

from django.utils import timezone

from knowledgebase.importexport import ImportResult, import_articles
from knowledgebase.models import Article, ArticleVersion

FAQ = Path(__file__).with_name("faq.jsonl")


def demo_lines() -> list[str]:
    """The FAQ lines: demo articles, each owned by the department that answers it."""
    return FAQ.read_text(encoding="utf-8").splitlines()


def load_demo_articles(*, published_at: datetime.datetime | None = None) -> ImportResult:
    """Import the demo articles (labelled 演示内容); running it twice changes nothing.

    With `published_at`, the articles this call creates are dated back to it: the demo's past
    cases cite them, and a case may only cite what was published before it was answered. What
    was there before is left as it is: `make run` loads the demo at every start, and a version
    an editor published since keeps its own date.
    """
    started = timezone.now()
    text = "\n".join(demo_lines()) + "\n"
    result = import_articles(io.StringIO(text), fmt="jsonl", source=Article.Source.DEMO)
    if published_at is not None:
        created = Article.objects.filter(source=Article.Source.DEMO, created_at__gte=started)
        ids = list(created.values_list("pk", flat=True))
        Article.objects.filter(pk__in=ids).update(
            published_at=published_at, created_at=published_at
        )
        ArticleVersion.objects.filter(article__in=ids).update(published_at=published_at)
    return result
