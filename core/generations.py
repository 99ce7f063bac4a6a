"""Generations: tell every process that a kind of in-memory reference data changed.

Some reference data is read on every deadline computation or suggestion and kept in memory per
process: the working calendar, the deadline policies, the trained category model. Whoever changes
it bumps that kind's generation, a counter in the shared cache, once the change is committed;
every process compares the generation it loaded at with the shared one at most every
CHECK_SECONDS and reloads when they differ. So an edit made through one gunicorn worker or a
management command is seen by every other process within seconds.

The counters live in Django's default cache: with `CACHE_URL` (Redis) they are shared by all the
processes of the installation; with the local-memory default they reach this process only, which
is what a single development server needs. When the cache cannot be reached, a process keeps
what it has and says so in the log; `/healthz` reports the cache as down.
"""

import logging
import time

from django.core.cache import cache
from django.db import transaction

CHECK_SECONDS = 1.0
logger = logging.getLogger(__name__)


def _key(name: str) -> str:
    return f"generation:{name}"


def bump(name: str) -> None:
    """Announce a change of `name` to every process, after the current transaction commits."""
    transaction.on_commit(lambda: _increment(name))


def _increment(name: str) -> None:
    key = _key(name)
    try:
        if not cache.add(key, 1, timeout=None):
            cache.incr(key)
    except Exception:  # a cache outage must not undo a committed edit
        logger.warning("could not announce a change of %s: the cache is unreachable", name)


def current(name: str) -> int | None:
    """The shared generation of `name` (0 before any change), or None if the cache is down."""
    try:
        return cache.get(_key(name), 0)
    except Exception:
        logger.warning("could not read the generation of %s: the cache is unreachable", name)
        return None


class Watch:
    """The generation one in-memory copy was loaded at, compared at most every CHECK_SECONDS."""

    def __init__(self, name: str):
        self.name = name
        self.seen: int | None = None
        self.checked_at = float("-inf")

    def changed(self) -> bool:
        """Whether another process (or this one) announced a change since the last look."""
        now = time.monotonic()
        if now - self.checked_at < CHECK_SECONDS:
            return False
        self.checked_at = now
        shared = current(self.name)
        if shared is None or shared == self.seen:
            return False
        first_look, self.seen = self.seen is None, shared
        return not first_look
