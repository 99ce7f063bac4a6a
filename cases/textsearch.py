"""Case text search through an index: the character pairs ("grams") of title, content, address.

A case matches a text when the text is a part of its title, content or address (what the lists
always meant). Every such case holds every pair of neighbouring letters, digits or Chinese
characters of the text, so the index first finds the cases holding all of the text's pairs and
a plain `LIKE '%text%'` then rechecks only those few rows.

- PostgreSQL: the table `cases_case_text` (case_id, grams tsvector) with a GIN index on grams,
  written by a trigger on `cases_case` that calls `case_text_grams(title, content, address)`, a
  SQL function (migration 0007). The bulk generator, which writes 2,000 cases a second, sets
  `hotline.bulk_text` and COPYs the grams it computed in Python (`grams`) instead.
- SQLite: an FTS5 table of the same name (rowid = case id) with the same pairs, written by
  triggers that call the Python function, registered on every connection
  (`install_sqlite_function`).

Triggers, not the services: every write (services, generator, admin, fixtures) keeps the index,
and a case's row and its text index change in one transaction. A separate table, not a column:
the pairs are as big as the case row and would double what every case list reads.

Why pairs and not jieba's words: jieba segments by context, so "噪音扰民" in a query and in a
case may be cut differently, and a word index would miss cases the substring filter finds.
The pairs of a text are always pairs of the case: no miss, and the recheck drops false hits.
A one-character text is a prefix query (every character starts a pair or ends a run).
"""

import re

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

# Runs of letters, digits and Chinese characters (not "_": PostgreSQL's [:alnum:] leaves it out).
_RUN = re.compile(r"[^\W_]+")
# A query's pairs beyond this many add little selectivity and cost index lookups.
MAX_QUERY_GRAMS = 16

TABLE = "cases_case_text"


def gram_set(title: str, content: str, address: str) -> set[str]:
    """The case's pairs and the last character of each run, as `case_text_grams` gives them."""
    found = set()
    for run in _RUN.findall(f"{title} {content} {address}".lower()):
        found.update(run[i : i + 2] for i in range(len(run) - 1))
        found.add(run[-1])
    return found


def grams(title: str, content: str, address: str) -> str:
    """The case's pairs, space-separated (what SQLite's FTS5 table holds)."""
    return " ".join(sorted(gram_set(title, content, address)))


def tsvector(title: str, content: str, address: str) -> str:
    """The case's pairs as PostgreSQL's tsvector input (runs hold no quote or backslash)."""
    return " ".join(f"'{g}'" for g in sorted(gram_set(title, content, address)))


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


def indexed(queryset: QuerySet, text: str) -> QuerySet:
    """The cases whose pairs include all of the text's (through the index), before the recheck."""
    pairs, singles = query_grams(text)
    if not (pairs or singles):
        return queryset  # only punctuation: the recheck alone decides
    if connection.vendor == "postgresql":
        sql = f"SELECT case_id FROM {TABLE} WHERE grams @@ %s::tsquery"
        return queryset.filter(pk__in=RawSQL(sql, [_tsquery(pairs, singles)]))
    sql = f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s"
    return queryset.filter(pk__in=RawSQL(sql, [_fts5_query(pairs, singles)]))


# Chinese characters (the CJK blocks): they have no case, so their pairs are what was typed.
_CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def is_one_chinese_pair(text: str) -> bool:
    """Two Chinese characters (the commonest search: 噪音, 路灯): a case holding their pair
    holds them side by side in its title, content or address, and nothing else does."""
    return len(text) == 2 and all(_CHINESE.fullmatch(ch) for ch in text)


def search(queryset: QuerySet, text: str) -> QuerySet:
    """Cases whose title, content or address contains the text (index first, then recheck).

    Chinese has no case: the recheck is a plain LIKE, never UPPER(); only a text with Latin
    letters is compared without case. A text of two Chinese characters needs no recheck: its
    pair is found only where the two stand together (pairs never span two fields or a
    punctuation mark), and without the LIKE PostgreSQL also judges better how many cases
    match (it took the LIKE for a rare one and sorted a department's whole history for a
    common word)."""
    if is_one_chinese_pair(text):
        return indexed(queryset, text)
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
POSTGRESQL_SCHEMA = [
    # unnest + lead(), not c[i] or substr(t, i, 2): both walk the string from its start on
    # every call, which made the pairs of one case cost 8 ms instead of 0.3 ms.
    r"""CREATE OR REPLACE FUNCTION case_text_grams(title text, content text, address text)
    RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT coalesce(array_to_tsvector(array_agg(g) FILTER (WHERE g IS NOT NULL)), ''::tsvector)
      FROM (
        SELECT CASE WHEN ch = ' ' THEN NULL
                    WHEN nxt IS NULL OR nxt = ' ' THEN ch
                    ELSE ch || nxt END AS g
        FROM (SELECT ch, lead(ch) OVER (ORDER BY i) AS nxt
              FROM unnest(string_to_array(regexp_replace(lower(coalesce(title, '') || ' '
                     || coalesce(content, '') || ' ' || coalesce(address, '')),
                     '[^[:alnum:]]+', ' ', 'g'), NULL)) WITH ORDINALITY AS u(ch, i)) w
      ) pairs
    $$""",
    f"""CREATE TABLE {TABLE} (
        case_id bigint PRIMARY KEY, grams tsvector NOT NULL)""",
    f"""CREATE FUNCTION {TABLE}_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF current_setting('hotline.bulk_text', true) = 'on' THEN RETURN NULL; END IF;
      INSERT INTO {TABLE} (case_id, grams)
      VALUES (NEW.id, case_text_grams(NEW.title, NEW.content, NEW.address))
      ON CONFLICT (case_id) DO UPDATE SET grams = EXCLUDED.grams;
      RETURN NULL;
    END $$""",
    f"""CREATE TRIGGER {TABLE}_insert AFTER INSERT ON cases_case
        FOR EACH ROW EXECUTE FUNCTION {TABLE}_write()""",
    f"""CREATE TRIGGER {TABLE}_update AFTER UPDATE OF title, content, address ON cases_case
        FOR EACH ROW EXECUTE FUNCTION {TABLE}_write()""",
    # No foreign key: Django's test flush truncates the tables it knows without CASCADE.
    f"""CREATE FUNCTION {TABLE}_forget() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN DELETE FROM {TABLE} WHERE case_id = OLD.id; RETURN NULL; END $$""",
    f"""CREATE TRIGGER {TABLE}_delete AFTER DELETE ON cases_case
        FOR EACH ROW EXECUTE FUNCTION {TABLE}_forget()""",
]
# Built after the rows (migration 0009, and the generator after a big load): inserting them
# one by one into the GIN index is many times slower than building it once.
POSTGRESQL_INDEX = f"CREATE INDEX IF NOT EXISTS {TABLE}_gin ON {TABLE} USING gin (grams)"
POSTGRESQL_DROP = [
    f"DROP TABLE IF EXISTS {TABLE}",
    f"DROP TRIGGER IF EXISTS {TABLE}_insert ON cases_case",
    f"DROP TRIGGER IF EXISTS {TABLE}_update ON cases_case",
    f"DROP TRIGGER IF EXISTS {TABLE}_delete ON cases_case",
    f"DROP FUNCTION IF EXISTS {TABLE}_write()",
    f"DROP FUNCTION IF EXISTS {TABLE}_forget()",
    "DROP FUNCTION IF EXISTS case_text_grams(text, text, text)",
]
POSTGRESQL_BACKFILL = (
    f"INSERT INTO {TABLE} (case_id, grams) "
    "SELECT id, case_text_grams(title, content, address) FROM cases_case"
)
SQLITE_SCHEMA = [
    f'CREATE VIRTUAL TABLE {TABLE} USING fts5(grams, tokenize="unicode61 remove_diacritics 0")',
    f"""CREATE TRIGGER {TABLE}_insert AFTER INSERT ON cases_case BEGIN
        INSERT INTO {TABLE}(rowid, grams)
        VALUES (new.id, case_text_grams(new.title, new.content, new.address)); END""",
    f"""CREATE TRIGGER {TABLE}_update AFTER UPDATE OF title, content, address
        ON cases_case BEGIN
        UPDATE {TABLE} SET grams = case_text_grams(new.title, new.content, new.address)
        WHERE rowid = new.id; END""",
    f"""CREATE TRIGGER {TABLE}_delete AFTER DELETE ON cases_case BEGIN
        DELETE FROM {TABLE} WHERE rowid = old.id; END""",
]
SQLITE_DROP = [
    *(f"DROP TRIGGER IF EXISTS {TABLE}_{suffix}" for suffix in ("insert", "update", "delete")),
    f"DROP TABLE IF EXISTS {TABLE}",
]
SQLITE_BACKFILL = (
    f"INSERT INTO {TABLE}(rowid, grams) "
    "SELECT id, case_text_grams(title, content, address) FROM cases_case"
)
