"""The demo knowledge base: the hand-written Changsha FAQ articles of faq.jsonl (seconds)."""

import io
from pathlib import Path

from knowledgebase.importexport import ImportResult, import_articles
from knowledgebase.models import Article

FAQ = Path(__file__).with_name("faq.jsonl")


def demo_lines() -> list[str]:
    """The FAQ lines: demo articles, each owned by the department that answers it."""
    return FAQ.read_text(encoding="utf-8").splitlines()


def load_demo_articles() -> ImportResult:
    """Import the demo articles (labelled 演示内容); running it twice changes nothing."""
    text = "\n".join(demo_lines()) + "\n"
    return import_articles(io.StringIO(text), fmt="jsonl", source=Article.Source.DEMO)
