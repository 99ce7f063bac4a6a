"""Render the transition table as the Mermaid diagram and table in docs/lifecycle.md.

The document keeps its prose; only the block between the two markers is generated, and a test
fails when it differs from what the table renders (`manage.py lifecycle_diagram --write`).
"""

from pathlib import Path

from django.conf import settings
from django.utils import translation

from cases.choices import INITIAL_STATUS, TRANSITIONS, Action, Status

BEGIN = "<!-- BEGIN GENERATED FROM cases.choices.TRANSITIONS: do not edit by hand -->"
END = "<!-- END GENERATED -->"
DOCUMENT = Path(settings.BASE_DIR) / "docs" / "lifecycle.md"


def render_mermaid() -> str:
    """The state diagram: one arrow per (from, to) pair, labelled with its actions."""
    arrows: dict[tuple[Status, Status], list[str]] = {}
    for (source, action), target in TRANSITIONS.items():
        arrows.setdefault((source, target), []).append(action.value)
    lines = ["```mermaid", "stateDiagram-v2", f"    [*] --> {INITIAL_STATUS.value}: register"]
    for (source, target), actions in arrows.items():
        lines.append(f"    {source.value} --> {target.value}: {', '.join(actions)}")
    ends = [s for s in Status if not any(src == s for src, _ in TRANSITIONS)]
    lines += [f"    {s.value} --> [*]" for s in ends]
    lines.append("```")
    return "\n".join(lines)


def render_table() -> str:
    """Every action with the statuses it is allowed from and the status it leads to."""
    rows = ["| action | from | to |", "|---|---|---|"]
    for action in Action:
        pairs = [(s, t) for (s, a), t in TRANSITIONS.items() if a == action]
        sources = ", ".join(f"`{s.value}`" for s, _ in pairs)
        targets = ", ".join(dict.fromkeys(f"`{t.value}`" for _, t in pairs))
        rows.append(f"| `{action.value}` ({action.label}) | {sources} | {targets} |")
    return "\n".join(rows)


def render_block() -> str:
    with translation.override("en"):  # the document is in English whatever the settings
        return "\n\n".join([BEGIN, render_mermaid(), render_table(), END])


def render_document(current: str | None = None) -> str:
    """The document with its generated block replaced by what the table renders now."""
    if current is None:
        current = DOCUMENT.read_text(encoding="utf-8")
    head, _, rest = current.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return head + render_block() + tail
