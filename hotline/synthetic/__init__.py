"""Synthetic load: many realistic cases with assignments, callbacks and events, written fast.

Rows are built as plain tuples (no model instances, no services) and written with COPY on
PostgreSQL (psycopg 3's `cursor.copy`) or `executemany` on SQLite, a batch of days at a time,
one transaction per batch. They are consistent with what the services write: case numbers from
`cases.numbers.allocate_case_numbers_by_day`, deadlines from `cases.sla.due_at` on the working
calendar, statuses that follow the lifecycle and the case's age, and one event per transition.
"""

from hotline.synthetic.generator import Generator

__all__ = ["Generator"]
