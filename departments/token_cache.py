"""A short-lived, per-process cache of API key → token, user and memberships (issue 18).

Without it every API request read the token (with its user and department) and then the
user's memberships: two queries and a few model instances for an answer that changes a few
times a year. With it a process keeps the live token of each key it saw, for at most
HOTLINE_API_TOKEN_CACHE_SECONDS, and checks on every request, in one `get_many` of the shared
cache, three *stamps*: the token's, its user's, and one for every department and region. A
stamp is a random value, replaced whenever what it covers changes:

- the token is saved (revoked, rotated) or deleted; its user's personal tokens are revoked
  (`tokens.revoke_personal_tokens`, a queryset update: it calls `forget_user`);
- the user is saved (deactivated, a new password, anything) or deleted, or one of their
  memberships is saved or deleted;
- any department or region is saved or deleted (the memberships carry them).

The stamp is replaced at once and again when the transaction commits. An entry is trusted
only with the stamps read *before* its rows were loaded, so a change committed after the load
replaces a stamp the entry was not loaded under, and the next request loads again: a revoked
token, a deactivated user or a changed password stops working on the next request, in every
process that shares the cache. A stamp the cache lost (restart, eviction) comes back as a new
random value, never as an old one. Expiry is checked on every request against the clock. When
the cache cannot be read, every request reads the database, as before.

The stamps live in Django's default cache, so the cache is on only where that cache is shared
by every process (`CACHE_URL`, Redis) and in the test process; with the per-process memory of a
development server it is off unless HOTLINE_API_TOKEN_CACHE_SECONDS says otherwise, because a
token revoked by another process (a management command) would not be seen.
"""

import copy
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from departments.memberships import memberships

logger = logging.getLogger(__name__)
MAX_ENTRIES = 1000
ALL = "apitoken-stamp:all"


def _token_key(token_id: int) -> str:
    return f"apitoken-stamp:token:{token_id}"


def _user_key(user_id: int) -> str:
    return f"apitoken-stamp:user:{user_id}"


@dataclass
class Entry:
    token: object  # ApiToken, with its user (memberships loaded) and department
    stamps: tuple | None  # read before the rows were loaded; None: not yet known
    loaded_at: float


_entries: dict[str, Entry] = {}


def seconds() -> float:
    return float(getattr(settings, "HOTLINE_API_TOKEN_CACHE_SECONDS", 0) or 0)


def _stamps(token_id: int, user_id: int) -> tuple | None:
    """The three stamps of a token (a missing one is created), or None if the cache is down."""
    keys = [ALL, _token_key(token_id), _user_key(user_id)]
    try:
        found = cache.get_many(keys)
        if len(found) < len(keys):
            for key in keys:
                if key not in found:
                    cache.add(key, uuid.uuid4().hex, timeout=None)
            found = cache.get_many(keys)
        return tuple(found.get(key) for key in keys)
    except Exception:
        logger.warning("API token cache: the shared cache is unreachable, reading the database")
        return None


def cached_token(digest: str, load: Callable[[], object | None]):
    """The live token of a key's digest: from this process's entry while its stamps hold,
    else from `load()` (None for a key that is not live; never kept)."""
    ttl = seconds()
    if ttl <= 0:
        return load()
    entry = _entries.get(digest)
    if entry is None:
        token = load()
        if token is None:
            return None
        _keep(digest, token, None)  # the stamps are read before the next load
        return _copy(token)
    current = _stamps(entry.token.pk, entry.token.user_id)
    fresh = time.monotonic() - entry.loaded_at < ttl
    if current is not None and current == entry.stamps and fresh:
        return _copy(entry.token)
    token = load()  # the stamps were read first: a later change shows on the next request
    if token is None:
        _entries.pop(digest, None)
        return None
    same = (token.pk, token.user_id) == (entry.token.pk, entry.token.user_id)
    _keep(digest, token, current if same else None)
    return _copy(token)


def _keep(digest: str, token, stamps: tuple | None) -> None:
    memberships(token.user)  # loaded once, kept on the user
    if len(_entries) >= MAX_ENTRIES:
        _entries.clear()
    _entries[digest] = Entry(token=token, stamps=stamps, loaded_at=time.monotonic())


def _copy(token):
    """A copy for one request: what a request sets on its user or token stays in it."""
    request_token = copy.copy(token)
    request_token.user = copy.copy(token.user)
    return request_token


def note_use(token) -> None:
    """The token's last use was written: the entry knows it (one write a minute, not each)."""
    entry = _entries.get(token.key_hash)
    if entry is not None and entry.token.pk == token.pk:
        entry.token.last_used_at = token.last_used_at


def forget() -> None:
    """Drop this process's entries (tests; the stamps are what other processes obey)."""
    _entries.clear()


# --- the stamps' replacement, by whoever changes what they cover


def _replace(*keys: str) -> None:
    def now():
        try:
            cache.set_many({key: uuid.uuid4().hex for key in keys}, timeout=None)
        except Exception:
            logger.warning("API token cache: could not replace stamps %s", keys)

    now()
    transaction.on_commit(now)


def forget_token(token_id: int) -> None:
    _replace(_token_key(token_id))


def forget_user(user_id: int) -> None:
    _replace(_user_key(user_id))


def token_changed(sender, instance, **kwargs) -> None:
    forget_token(instance.pk)


def user_changed(sender, instance, **kwargs) -> None:
    forget_user(instance.pk)


def membership_changed(sender, instance, **kwargs) -> None:
    forget_user(instance.user_id)


def tree_changed(sender, **kwargs) -> None:
    _replace(ALL)
