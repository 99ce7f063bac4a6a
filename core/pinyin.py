"""How people in a hurry type Chinese names: pinyin initials (`cgj` for 城管局) or pinyin.

The pickers (departments, co-handlers, categories, regions) match what is typed against a
name's `search_key`: its initials and its spelling, computed once per name by `pypinyin` and
kept in memory (the names are reference data: a few thousand at most).
"""

import functools

from pypinyin import Style, lazy_pinyin


@functools.lru_cache(maxsize=20_000)
def search_key(name: str) -> str:
    """'城管局' → 'cgj chengguanju': the initials, then the whole spelling (no tones, no spaces);
    Latin letters and digits stay as they are ('12345热线' → '12345rx 12345rexian')."""
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default"))
    spelled = "".join(lazy_pinyin(name, errors="default"))
    return f"{initials} {spelled}".lower().replace("  ", " ").strip()


def sort_key(name: str) -> str:
    """Names in the order of a Chinese index: by their spelling."""
    return search_key(name).partition(" ")[2] or name


def matches(query: str, name: str) -> bool:
    """The query is in the name, its initials or its spelling ('cgj', 'chengguan', '城管')."""
    query = query.strip().lower().replace(" ", "")
    if not query:
        return False
    initials, _sep, spelled = search_key(name).partition(" ")
    return query in name.lower() or query in initials or query in spelled
