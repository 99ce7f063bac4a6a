"""A big load on PostgreSQL: secondary indexes, foreign keys and triggers set aside, then rebuilt.

Maintaining fifty-odd btree and GIN indexes row by row, queueing a deferred foreign-key check
for every reference of every row and calling the text trigger for every case cost several
times the COPY itself. Inside one transaction the generator drops them, writes its rows,
then builds every index once (a sort per index), adds the foreign keys back (one anti-join per
key: every reference is still checked) and enables the triggers again. DDL is transactional on
PostgreSQL, so a crash or an error anywhere leaves the database exactly as it was before.

Primary keys, unique constraints, check constraints and partial or expression indexes (one
open main assignment per case: few rows, and a rebuilt predicate would read back in another
form) stay in place throughout.
"""

from dataclasses import dataclass, field

from django.db import connection

# A thirty-one-day stretch of the aggregates and every index build get this much memory.
WORK_MEM = "64MB"
MAINTENANCE_WORK_MEM = "256MB"


@dataclass
class SetAside:
    """What was dropped from `tables`, to be put back in the same transaction."""

    tables: list[str]
    keep: tuple[str, ...] = ()  # indexes left in place (what the load itself reads by)
    later: tuple[str, ...] = ()  # indexes dropped but left for the caller to build
    indexes: list[str] = field(default_factory=list)  # CREATE INDEX statements
    foreign_keys: list[tuple[str, str, str]] = field(default_factory=list)  # table, name, def
    triggers: list[tuple[str, str]] = field(default_factory=list)  # table, name

    def drop(self) -> None:
        """Drop the secondary indexes and foreign keys, disable the triggers (in a transaction)."""
        assert connection.in_atomic_block, "a bulk load runs in one transaction"
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute(f"SET LOCAL maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
            # Checks still pending in this transaction run now: ALTER TABLE refuses a table
            # with pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                """SELECT i.tablename, i.indexname, i.indexdef FROM pg_indexes i
                   WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
                     AND NOT i.indexname = ANY(%s)
                     AND NOT EXISTS (SELECT 1 FROM pg_index x
                                     WHERE x.indexrelid = (quote_ident(i.indexname))::regclass
                                       AND (x.indpred IS NOT NULL OR x.indexprs IS NOT NULL))
                     AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                                     WHERE c.conindid = (quote_ident(i.indexname))::regclass
                                       AND c.contype IN ('p', 'u', 'x'))
                   ORDER BY i.tablename, i.indexname""",
                [self.tables, list(self.keep)],
            )
            rows = cursor.fetchall()
            self.indexes = [definition for _table, name, definition in rows
                            if name not in self.later]  # fmt: skip
            for _table, name, _definition in rows:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
            cursor.execute(
                """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
                   FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)
                   ORDER BY 1, 2""",
                [self.tables],
            )
            self.foreign_keys = cursor.fetchall()
            for table, name, _definition in self.foreign_keys:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {_quote(name)}")
            cursor.execute(
                """SELECT tgrelid::regclass::text, tgname FROM pg_trigger
                   WHERE NOT tgisinternal AND tgenabled <> 'D'
                     AND tgrelid::regclass::text = ANY(%s) ORDER BY 1, 2""",
                [self.tables],
            )
            self.triggers = cursor.fetchall()
            for table, name in self.triggers:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {_quote(name)}")

    def restore(self) -> None:
        """Build the indexes, check and add the foreign keys, enable the triggers."""
        with connection.cursor() as cursor:
            for definition in self.indexes:
                cursor.execute(definition)
            for table, name, definition in self.foreign_keys:
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {_quote(name)} {definition}")
            for table, name in self.triggers:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {_quote(name)}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys' own mode


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)
