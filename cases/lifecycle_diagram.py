"""Render both transition tables as the Mermaid diagrams and tables in docs/lifecycle.md.

The document keeps its prose; only the block between the two markers is generated, and a test
fails when it differs from what the tables render (`manage.py lifecycle_diagram --write`).
"""

from pathlib import Path

from django.conf import settings
from django.utils import translation

from cases.choices import (
    ASSIGNMENT_CREATED_BY,
    ASSIGNMENT_INITIAL_STATUS,
    ASSIGNMENT_TRANSITIONS,
    INITIAL_STATUS,
    KNOCK_ONS,
    TRANSITIONS,
    Action,
    AssignmentStatus,
    KnockOn,
    Status,
    Taker,
)

BEGIN = (
    "<!-- BEGIN GENERATED FROM cases.choices.TRANSITIONS and ASSIGNMENT_TRANSITIONS: "
    "do not edit by hand -->"
)
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


def _assignment_label(action) -> str:
    return f"({action.value})" if isinstance(action, KnockOn) else action.value


def render_assignment_mermaid() -> str:
    """The assignment's state diagram; knock-ons (what happens to the others) in brackets."""
    arrows: dict[tuple[AssignmentStatus, AssignmentStatus], list[str]] = {}
    for (source, action), move in ASSIGNMENT_TRANSITIONS.items():
        arrows.setdefault((source, move.target), []).append(_assignment_label(action))
    created = ", ".join(a.value for a in ASSIGNMENT_CREATED_BY)
    lines = ["```mermaid", "stateDiagram-v2"]
    lines.append(f"    [*] --> {ASSIGNMENT_INITIAL_STATUS.value}: {created}")
    for (source, target), actions in arrows.items():
        lines.append(f"    {source.value} --> {target.value}: {', '.join(actions)}")
    ends = [s for s in AssignmentStatus if not any(src == s for src, _ in ASSIGNMENT_TRANSITIONS)]
    lines += [f"    {s.value} --> [*]" for s in ends]
    lines.append("```")
    return "\n".join(lines)


def render_assignment_table() -> str:
    """Every assignment action: from which statuses, to which, and who may take it."""
    rows = ["| action | from | to | by |", "|---|---|---|---|"]
    actions = dict.fromkeys(a for _s, a in ASSIGNMENT_TRANSITIONS)
    for action in actions:
        moves = [(s, m) for (s, a), m in ASSIGNMENT_TRANSITIONS.items() if a == action]
        sources = ", ".join(f"`{s.value}`" for s, _m in moves)
        targets = ", ".join(dict.fromkeys(f"`{m.target.value}`" for _s, m in moves))
        takers = dict.fromkeys(t.label for _s, m in moves for t in Taker if t in m.by)
        if isinstance(action, KnockOn):
            causes = " or ".join(f"`{a.value}`" for a, k in KNOCK_ONS.items() if k == action)
            name = f"({action.value}) {action.label}, after {causes}"
        else:
            name = f"`{action.value}` ({action.label})"
        rows.append(f"| {name} | {sources} | {targets} | {', '.join(takers)} |")
    return "\n".join(rows)


def render_block() -> str:
    with translation.override("en"):  # the document is in English whatever the settings
        parts = [BEGIN, "### Cases (`TRANSITIONS`)", render_mermaid(), render_table()]
        parts += [
            "### Assignments (`ASSIGNMENT_TRANSITIONS`)",
            render_assignment_mermaid(),
            render_assignment_table(),
            END,
        ]
        return "\n\n".join(parts)


def render_document(current: str | None = None) -> str:
    """The document with its generated block replaced by what the table renders now."""
    if current is None:
        current = DOCUMENT.read_text(encoding="utf-8")
    head, _, rest = current.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return head + render_block() + tail
