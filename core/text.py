"""Wording shared by every floor: how clauses are joined in the reader's language."""

from django.utils.translation import pgettext


def join_clauses(parts) -> str:
    """Clauses as one line with the active language's separator: "a; b" in English, "a；b" in
    Chinese (never the English "; " inside a Chinese sentence). Empty parts are left out."""
    return pgettext("between the clauses of a reason", "; ").join(str(p) for p in parts if p)
