"""The demo knowledge base: hand-written Changsha FAQ articles plus the policy articles on work,
social insurance and housing funds from ../shared/data/knowledge (a few hundred, seconds)."""

import io
import json
from pathlib import Path

from django.conf import settings

from knowledgebase.importexport import ImportResult, import_articles

FAQ = Path(__file__).with_name("faq.jsonl")
POLICY = "knowledge/policy_articles.jsonl"
# Policy articles whose answers concern what 12333 and 12345 are asked about most.
POLICY_WORDS = ("社会保险", "社保", "失业保险", "养老保险", "医疗保险", "公积金", "稳岗", "就业")
POLICY_LIMIT = 300


def demo_lines() -> list[str]:
    """The FAQ lines, then the relevant policy articles (owned by the 12345 center)."""
    lines = FAQ.read_text(encoding="utf-8").splitlines()
    policy = Path(settings.SHARED_DATA_DIR) / POLICY
    if policy.exists():
        with policy.open(encoding="utf-8") as handle:
            relevant = [
                line
                for line in handle
                if any(w in json.loads(line)["answer"] for w in POLICY_WORDS)
            ]
        lines.extend(relevant[:POLICY_LIMIT])
    return lines


def load_demo_articles() -> ImportResult:
    """Import the demo articles; running it twice changes nothing."""
    return import_articles(io.StringIO("\n".join(demo_lines()) + "\n"), fmt="jsonl")
