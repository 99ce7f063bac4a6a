"""Everyday words → the terms the classification, the articles and the rules use (噪音 → 噪声).

The table (`cases.models.Synonym`) is edited by center supervisors in the admin and kept in
memory per process: a save in this process reloads it at once, other processes notice through
the "synonyms" generation (`core.generations`) within a second.
"""

import threading

from django.db.models import Case, IntegerField, Q, When
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cases.models import Category, Synonym
from core import generations

GENERATION = "synonyms"
MAX_HOPS = 2  # 路灯不亮 → 路灯 → 照明, and no further (a loop in the table stops here)

_lock = threading.Lock()
_table: dict[str, tuple[str, ...]] | None = None
_watch = generations.Watch(GENERATION)


def table() -> dict[str, tuple[str, ...]]:
    """Every everyday word with the terms it stands for."""
    global _table
    if _table is None or _watch.changed():
        with _lock:
            loaded: dict[str, list[str]] = {}
            for word, term in Synonym.objects.values_list("word", "term"):
                loaded.setdefault(word, []).append(term)
            _table = {word: tuple(terms) for word, terms in loaded.items()}
    return _table


def terms_in(text: str) -> list[str]:
    """The standard terms for the everyday words found in the text (and for those terms in
    turn, up to MAX_HOPS), in the order found, without repeats and without words of the text."""
    if not text:
        return []
    words = table()
    found: list[str] = []
    current = text
    for _hop in range(MAX_HOPS):
        new = [
            term
            for word, terms in words.items()
            if word in current
            for term in terms
            if term not in text and term not in found
        ]
        if not new:
            break
        found.extend(dict.fromkeys(new))
        current = " ".join(new)
    return found


def expanded(text: str) -> str:
    """The text followed by the standard terms of its everyday words (what rules and the
    classifier read)."""
    extra = terms_in(text)
    return f"{text} {' '.join(extra)}" if extra else text


def matching_categories(query: str, *, limit: int = 12) -> list[Category]:
    """Active categories whose name holds the query or a standard term of its everyday words
    (噪音 finds 噪声污染), then those whose description holds such a term, deepest first."""
    query = (query or "").strip()
    if not query:
        return []
    terms = [query, *terms_in(query)]
    by_name = Q()
    for term in terms:
        by_name |= Q(name__icontains=term)
    by_description = Q()
    for term in terms[1:]:
        by_description |= Q(description__icontains=term)
    found = (
        Category.objects.filter(is_active=True)
        .filter(by_name | by_description if terms[1:] else by_name)
        .annotate(name_first=Case(When(by_name, then=0), default=1, output_field=IntegerField()))
        .select_related("parent")
        .order_by("name_first", "-level", "code")
    )
    return list(found[:limit])


@receiver(post_save, sender=Synonym)
@receiver(post_delete, sender=Synonym)
def _synonyms_changed(**kwargs) -> None:
    global _table
    _table = None
    generations.bump(GENERATION)


def invalidate() -> None:
    """Forget the table in this process (tests whose rows roll back)."""
    global _table
    _table = None
