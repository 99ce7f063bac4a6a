"""Rows as plain tuples, written a batch at a time: COPY on PostgreSQL, executemany on SQLite."""

import datetime
import functools
import json
import queue
import threading
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

    FIRST_CHUNK, LAST_CHUNK = 10_000, 400_000  # doubling: few reserves in a big load

    def __init__(self, model):
        self.model, self.free, self.chunk = model, [], self.FIRST_CHUNK
        if connection.vendor != "postgresql":
            self.next_sqlite = (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1

    def take(self) -> int:
        if not self.free:
            self.free = self._reserve(self.chunk)[::-1]
            self.chunk = min(self.chunk * 2, self.LAST_CHUNK)
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
        if connection.vendor == "postgresql":
            copy_batch(cursor.cursor, batch)
            return
        for model in MODELS:
            if batch.rows[model]:
                marks = ", ".join(["%s"] * len(_columns(model)))
                cursor.executemany(
                    f"INSERT INTO {_table(model)} ({_names(model)}) VALUES ({marks})",
                    sqlite_rows(batch.rows[model]),
                )


def copy_batch(cursor, batch: Batch) -> None:
    """COPY the batch through a psycopg cursor (PostgreSQL), its text index rows with it."""
    cursor.execute("SET LOCAL synchronous_commit = off")  # a generator's commit need not wait
    cursor.execute("SET LOCAL hotline.bulk_text = 'on'")  # the text trigger stands aside
    for model in MODELS:
        if batch.rows[model]:
            with cursor.copy(f"COPY {_table(model)} ({_names(model)}) FROM STDIN") as copy:
                for row in batch.rows[model]:
                    copy.write_row(row)
    if batch.texts:
        with cursor.copy(f"COPY {textsearch.TABLE} (case_id, grams) FROM STDIN") as copy:
            for row in batch.texts:
                copy.write_row(row)
    # The services' writes later in this transaction index their cases again.
    cursor.execute("SET LOCAL hotline.bulk_text = 'off'")


class BatchWriter:
    """Writes batches on a second thread while the generator builds the next one.

    Only inside a transaction on PostgreSQL (a bulk load): the thread COPYs through this
    connection's own psycopg connection, so its rows join the caller's transaction, and
    psycopg's connection lock makes the generator's own queries (ids) wait for a COPY to end.
    At most one batch waits while another is written.
    """

    def __init__(self):
        self.raw = connection.connection
        self.queue: queue.Queue = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="synthetic-writer", daemon=True)
        self.thread.start()

    def put(self, batch: Batch) -> None:
        self._raise()
        self.queue.put(batch)

    def close(self) -> None:
        """Wait for every batch to be written; raise what the thread met."""
        self.queue.put(None)
        self.thread.join()
        self._raise()

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        while (batch := self.queue.get()) is not None:
            if self.error is None:  # after an error, only drain: the transaction is lost
                try:
                    with self.raw.cursor() as cursor:
                        copy_batch(cursor, batch)
                except BaseException as error:  # re-raised on the generator's thread
                    self.error = error


@functools.cache
def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@functools.cache
def _names(model) -> str:
    return ", ".join(connection.ops.quote_name(f.column) for f in _columns(model))


def sqlite_rows(rows):
    """Rows with datetimes as Django stores them on SQLite (naive UTC text, comparable)."""
    adapt = connection.ops.adapt_datetimefield_value
    for row in rows:
        yield tuple(adapt(v) if isinstance(v, datetime.datetime) else v for v in row)
