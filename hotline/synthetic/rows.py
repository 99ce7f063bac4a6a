"""Rows as plain tuples, written a batch at a time: COPY on PostgreSQL, executemany on SQLite."""

import datetime
import functools
import json
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Max

from cases import textsearch
from cases.models import Assignment, Callback, Case, CaseEvent, Extension


@dataclass
class Batch:
    """Rows waiting to be written, per model, in field order."""

    rows: dict = field(default_factory=lambda: {m: [] for m in MODELS})
    cases: int = 0
    # (case id, its text pairs as tsvector input): PostgreSQL's text index, written with the
    # cases (the trigger, which computes them in SQL, stands aside: `hotline.bulk_text`).
    texts: list = field(default_factory=list)


MODELS = (Case, Assignment, Extension, Callback, CaseEvent)


class IdPool:
    """Primary keys handed out in chunks: nextval() on PostgreSQL, max(id)+1 on SQLite."""

    CHUNK = 50_000

    def __init__(self, model):
        self.model, self.free = model, []
        if connection.vendor != "postgresql":
            self.next_sqlite = (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1

    def take(self) -> int:
        if not self.free:
            self.free = self._reserve(self.CHUNK)[::-1]
        return self.free.pop()

    def _reserve(self, n: int) -> list[int]:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [self.model._meta.db_table, n],
                )
                return [row[0] for row in cursor.fetchall()]
        start, self.next_sqlite = self.next_sqlite, self.next_sqlite + n
        return list(range(start, start + n))


@functools.cache
def _columns(model) -> list:
    return list(model._meta.concrete_fields)


@functools.cache
def _template(model) -> tuple[tuple, dict, frozenset]:
    """(every column's default in field order, position of each attname, the JSON attnames)."""
    fields = _columns(model)
    jsons = frozenset(f.attname for f in fields if f.get_internal_type() == "JSONField")
    defaults = tuple(
        json.dumps(f.get_default()) if f.attname in jsons else f.get_default() for f in fields
    )
    return defaults, {f.attname: i for i, f in enumerate(fields)}, jsons


def as_row(model, values: dict) -> list:
    """The row of `values` in field order, the other columns at their defaults."""
    defaults, position, jsons = _template(model)
    row = list(defaults)
    for name, value in values.items():
        row[position[name]] = json.dumps(value) if name in jsons else value
    return row


def write_batch(batch: Batch) -> None:
    """Write every row of the batch: COPY on PostgreSQL, executemany on SQLite."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # a generator's batch: its commit need not wait
            cursor.execute("SET LOCAL synchronous_commit = off")
        bulk_text(cursor)
        for model in MODELS:
            rows = batch.rows[model]
            if not rows:
                continue
            table = connection.ops.quote_name(model._meta.db_table)
            names = ", ".join(connection.ops.quote_name(f.column) for f in _columns(model))
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(_columns(model)))
                cursor.executemany(
                    f"INSERT INTO {table} ({names}) VALUES ({marks})", sqlite_rows(rows)
                )
        if connection.vendor == "postgresql" and batch.texts:
            with cursor.cursor.copy(f"COPY {textsearch.TABLE} (case_id, grams) FROM STDIN") as copy:
                for row in batch.texts:
                    copy.write_row(row)
        bulk_text(cursor, "off")  # the services' writes later in this transaction index again


def bulk_text(cursor, value: str = "on") -> None:
    """While on, the generator writes the case text index itself (PostgreSQL's trigger waits)."""
    if connection.vendor == "postgresql":
        cursor.execute(f"SET LOCAL hotline.bulk_text = '{value}'")


def sqlite_rows(rows):
    """Rows with datetimes as Django stores them on SQLite (naive UTC text, comparable)."""
    adapt = connection.ops.adapt_datetimefield_value
    for row in rows:
        yield tuple(adapt(v) if isinstance(v, datetime.datetime) else v for v in row)
