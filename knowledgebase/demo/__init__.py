"""The demo knowledge base: the hand-written Changsha FAQ articles of faq.jsonl (seconds)."""

import io
from pathlib import Path

from knowledgebase.importexport import ImportResult, import_articles

FAQ = Path(__file__).with_name("faq.jsonl")


def demo_lines() -> list[str]:
    """The FAQ lines (owned by the 12345 center)."""
    return FAQ.read_text(encoding="utf-8").splitlines()


def load_demo_articles() -> ImportResult:
    """Import the demo articles; running it twice changes nothing."""
    return import_articles(io.StringIO("\n".join(demo_lines()) + "\n"), fmt="jsonl")
