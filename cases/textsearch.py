"""Case text search through an index: the character pairs ("grams") of title, content, address.

A case matches a text when the text is a part of its title, content or address (what the lists
always meant). Every such case holds every pair of neighbouring letters, digits or Chinese
characters of the text, so the index first finds the cases holding all of the text's pairs and
a plain `LIKE '%text%'` then rechecks only those few rows.

- PostgreSQL: `case_text_grams(title, content, address)`, an immutable SQL function, gives the
  pairs as a tsvector, and a GIN index on that expression finds them (migration 0007). Nothing
  to keep in step: the index is maintained by PostgreSQL on every insert and update.
- SQLite: an FTS5 table `cases_case_text` (rowid = case id) holds the same pairs, written by
  triggers that call the same function, registered in Python on every connection
  (`install_sqlite_function`), so every write (services, generator, admin, fixtures) keeps it.

Why pairs and not jieba's words: jieba segments by context, so "噪音扰民" in a query and in a
case may be cut differently, and a word index would miss cases the substring filter finds.
The pairs of a text are always pairs of the case: no miss, and the recheck drops false hits.
A one-character text is a prefix query (every character starts a pair or ends a run).
"""

import re

from django.db import connection
from django.db.models import BooleanField, F, Func, Q, QuerySet
from django.db.models.expressions import RawSQL

# Runs of letters, digits and Chinese characters (not "_": PostgreSQL's [:alnum:] leaves it out).
_RUN = re.compile(r"[^\W_]+")
# A query's pairs beyond this many add little selectivity and cost index lookups.
MAX_QUERY_GRAMS = 16

SQLITE_TABLE = "cases_case_text"


def grams(title: str, content: str, address: str) -> str:
    """The case's pairs, space-separated, as `case_text_grams` computes them on PostgreSQL."""
    text = f"{title} {content} {address}".lower()
    found = set()
    for i in range(len(text)):
        gram = "".join(c for c in text[i : i + 2] if c.isalnum() and c != "_")
        if gram:
            found.add(gram)
    return " ".join(sorted(found))


def query_grams(text: str) -> tuple[list[str], list[str]]:
    """(pairs every match holds, single characters a match holds at the start of a pair)."""
    pairs, singles = [], []
    for run in _RUN.findall(text.lower()):
        if len(run) == 1:
            singles.append(run)
        pairs.extend(run[i : i + 2] for i in range(len(run) - 1))
    unique = list(dict.fromkeys(pairs))[:MAX_QUERY_GRAMS]
    return unique, list(dict.fromkeys(singles))[:MAX_QUERY_GRAMS]


def _tsquery(pairs: list[str], singles: list[str]) -> str:
    # Runs hold letters and digits only: nothing to escape inside the quotes.
    return " & ".join([f"'{p}'" for p in pairs] + [f"'{s}':*" for s in singles])


def _fts5_query(pairs: list[str], singles: list[str]) -> str:
    return " AND ".join([f'"{p}"' for p in pairs] + [f'"{s}"*' for s in singles])


class _Matches(Func):
    """`case_text_grams(title, content, address) @@ 'query'::tsquery` (the GIN index's form)."""

    template = "case_text_grams(%(expressions)s) @@ %(query)s::tsquery"
    output_field = BooleanField()

    def __init__(self, query: str):
        super().__init__(F("title"), F("content"), F("address"))
        self.query = query

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = super().as_sql(compiler, connection, query="%s", **extra_context)
        return sql, (*params, self.query)


def indexed(queryset: QuerySet, text: str) -> QuerySet:
    """The cases whose pairs include all of the text's (through the index), before the recheck."""
    pairs, singles = query_grams(text)
    if not (pairs or singles):
        return queryset  # only punctuation: the recheck alone decides
    if connection.vendor == "postgresql":
        return queryset.filter(_Matches(_tsquery(pairs, singles)))
    match = RawSQL(
        f"SELECT rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH %s",
        [_fts5_query(pairs, singles)],
    )
    return queryset.filter(pk__in=match)


def search(queryset: QuerySet, text: str) -> QuerySet:
    """Cases whose title, content or address contains the text (index first, then recheck).

    Chinese has no case: the recheck is a plain LIKE, never UPPER(); only a text with Latin
    letters is compared without case."""
    lookup = "contains" if text.lower() == text.upper() else "icontains"
    recheck = Q(**{f"title__{lookup}": text}) | Q(**{f"content__{lookup}": text})
    recheck |= Q(**{f"address__{lookup}": text})
    return indexed(queryset, text).filter(recheck)


def install_sqlite_function(sender, connection, **kwargs) -> None:
    """Give every SQLite connection `case_text_grams`, which the index triggers call."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "case_text_grams", 3, _sqlite_grams, deterministic=True
        )


def _sqlite_grams(title, content, address) -> str:
    return grams(title or "", content or "", address or "")


# Both forms, used by migration 0007 (and by nothing else).
POSTGRESQL_FUNCTION = r"""
CREATE OR REPLACE FUNCTION case_text_grams(title text, content text, address text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE COST 1000 AS $$
  SELECT coalesce(array_to_tsvector(array_agg(DISTINCT g)), ''::tsvector)
  FROM (
    SELECT regexp_replace(substr(t, i, 2), '[^[:alnum:]]', '', 'g') AS g
    FROM (SELECT lower(coalesce(title, '') || ' ' || coalesce(content, '') || ' '
                       || coalesce(address, '')) AS t) s,
         generate_series(1, length(t)) AS i
  ) pairs
  WHERE g <> ''
$$
"""
POSTGRESQL_INDEX = (
    "CREATE INDEX IF NOT EXISTS case_text_grams_gin ON cases_case "
    "USING gin (case_text_grams(title, content, address))"
)
SQLITE_SCHEMA = [
    f'CREATE VIRTUAL TABLE {SQLITE_TABLE} USING fts5(grams, tokenize="unicode61 '
    'remove_diacritics 0")',
    f"""CREATE TRIGGER {SQLITE_TABLE}_insert AFTER INSERT ON cases_case BEGIN
        INSERT INTO {SQLITE_TABLE}(rowid, grams)
        VALUES (new.id, case_text_grams(new.title, new.content, new.address)); END""",
    f"""CREATE TRIGGER {SQLITE_TABLE}_update AFTER UPDATE OF title, content, address
        ON cases_case BEGIN
        UPDATE {SQLITE_TABLE} SET grams = case_text_grams(new.title, new.content, new.address)
        WHERE rowid = new.id; END""",
    f"""CREATE TRIGGER {SQLITE_TABLE}_delete AFTER DELETE ON cases_case BEGIN
        DELETE FROM {SQLITE_TABLE} WHERE rowid = old.id; END""",
]
SQLITE_BACKFILL = (
    f"INSERT INTO {SQLITE_TABLE}(rowid, grams) "
    "SELECT id, case_text_grams(title, content, address) FROM cases_case"
)
