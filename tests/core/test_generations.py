"""Generations: a change announced after commit is seen by a watcher within CHECK_SECONDS."""

import pytest
from django.db import transaction

from core import generations


@pytest.fixture
def watch(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(generations.time, "monotonic", lambda: clock[0])
    watch = generations.Watch("test-kind")
    watch.clock = clock
    return watch


def test_a_bump_is_seen_once_after_the_interval(watch, db, django_capture_on_commit_callbacks):
    assert watch.changed() is False  # the first look only records the generation
    with django_capture_on_commit_callbacks(execute=True):
        generations.bump("test-kind")
    assert watch.changed() is False  # looked less than CHECK_SECONDS ago
    watch.clock[0] += generations.CHECK_SECONDS
    assert watch.changed() is True
    watch.clock[0] += generations.CHECK_SECONDS
    assert watch.changed() is False  # nothing new since


def test_a_rolled_back_change_is_never_announced(watch, db, django_capture_on_commit_callbacks):
    watch.changed()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        generations.bump("test-kind")
        raise RuntimeError("the edit failed")
    watch.clock[0] += generations.CHECK_SECONDS
    assert watch.changed() is False
