"""PostgreSQL timestamps parsed by psycopg's own loader (`core.db`), as Django would give them."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from core import db

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_a_connection_reads_timestamps_through_psycopgs_loader():
    with connection.cursor() as cursor:
        # the cursor's own map: Django puts its loader there when the zones disagree
        loader = cursor.cursor.adapters.get_loader(db.TIMESTAMPTZ_OID, 0)
        assert loader is db.UtcTimestampLoader
        cursor.execute(
            "SELECT '2026-12-01 08:30:15.123456+08'::timestamptz,"
            " '2026-06-30 23:59:59-04:30'::timestamptz, NULL::timestamptz"
        )
        first, second, missing = cursor.fetchone()
    assert first == datetime.datetime(2026, 12, 1, 0, 30, 15, 123456, tzinfo=datetime.UTC)
    assert first.tzinfo is datetime.UTC  # what Django's own loader gives
    assert second == datetime.datetime(2026, 7, 1, 4, 29, 59, tzinfo=datetime.UTC)
    assert missing is None


def test_models_read_the_same_aware_times():
    user = get_user_model().objects.create_user("clock", password="x")
    user.refresh_from_db()
    with connection.cursor() as cursor:
        cursor.execute("SELECT date_joined FROM auth_user WHERE id = %s", [user.pk])
        (raw,) = cursor.fetchone()
    assert raw == user.date_joined and raw.tzinfo is datetime.UTC
