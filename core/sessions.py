"""Database sessions that end after `SESSION_COOKIE_AGE` without activity (the idle timeout).

Django's own way, `SESSION_SAVE_EVERY_REQUEST`, writes the session row on every request. This
store pushes the expiry forward only when the stored one is more than `REFRESH_AFTER` old: an
active user costs at most one write a minute, and a session left alone expires between
`SESSION_COOKIE_AGE - REFRESH_AFTER` and `SESSION_COOKIE_AGE` after its last request. An expired
session loads as empty, so its user is signed out. Use with `SESSION_ENGINE = "core.sessions"`.
"""

from datetime import timedelta

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone

REFRESH_AFTER = timedelta(minutes=1)


class SessionStore(DatabaseSessionStore):
    """A database session whose expiry slides forward while it is used."""

    def _get_session_from_db(self):
        stored = super()._get_session_from_db()
        if stored is not None:
            full_age = timedelta(seconds=self.get_session_cookie_age())
            if stored.expire_date - timezone.now() < full_age - REFRESH_AFTER:
                # SessionMiddleware saves a modified session: a new expiry, the cookie resent.
                self.modified = True
        return stored
