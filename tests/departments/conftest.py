"""Fixtures of the departments tests (helpers to build their world are in routing_world.py)."""

import pytest

from cases.routing import ruleset as compiled
from departments import gazetteer


@pytest.fixture
def fresh_caches(db):
    """Each test starts with empty in-memory rule and gazetteer caches (rows roll back)."""
    compiled.invalidate()
    gazetteer.invalidate()
    yield
    compiled.invalidate()
    gazetteer.invalidate()
