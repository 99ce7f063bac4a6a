"""Fixtures shared by the whole suite.

The demo city's reference data (regions, categories, departments, demo users) is loaded once
into the test database; each test runs in a transaction that is rolled back, so every test
starts from the same city. Transactional tests (live server, threads) flush the database at
their end; pytest-django runs them after the others, and they ask for `transactional_city`.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import translation

from cases import sla
from cases.routing import ruleset as compiled_rules
from cases.views import filter_panel
from core.roles import ROLE_PERMISSIONS
from departments import gazetteer
from departments.models import Department
from hotline.demo import reference

# API test clients and fixtures (tokens, cases built through the services).
pytest_plugins = ["tests.apiutil"]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    on_sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if on_sqlite and "postgres" in item.keywords:
            item.add_marker(skip)
    # pytest-django runs the transactional tests after the others, because their flush empties
    # the session's reference city; pytest's own grouping of session-scoped parameters (the
    # Playwright browser) can undo that order, so it is restored here, last.
    items.sort(key=_flushes_the_database)


def _flushes_the_database(item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(
        (marker and marker.kwargs.get("transaction"))
        or "transactional_db" in fixtures
        or "live_server" in fixtures
    )


def load_reference_city() -> None:
    regions = reference.load_regions()
    reference.load_categories()
    departments = reference.load_departments(regions)
    for role in ROLE_PERMISSIONS:  # the roles migration made them; a flush emptied the table
        Group.objects.get_or_create(name=role)
    reference.load_users(departments)
    # The migration seeds these; a transactional test's flush empties them, so seed again.
    sla.seed_deadline_policies()
    sla.seed_calendar()


@pytest.fixture(scope="session", autouse=True)
def router_model_outside_the_checkout(tmp_path_factory):
    """The trained category model of `make run` lives in var/: tests train and read their own."""
    from django.conf import settings

    settings.ROUTER_MODEL_PATH = tmp_path_factory.mktemp("router") / "category.joblib"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_reference_city()


@pytest.fixture
def fresh_caches(db):
    """Empty in-memory rule and gazetteer caches for each routing test (its rows roll back)."""
    compiled_rules.invalidate()
    gazetteer.invalidate()
    yield
    compiled_rules.invalidate()
    gazetteer.invalidate()


@pytest.fixture
def transactional_city(transactional_db):
    """The reference city inside a transactional test (the flush of earlier ones removed it)."""
    if not Department.objects.filter(code="center").exists():
        load_reference_city()


@pytest.fixture
def users(db):
    """The demo users by username."""
    return {
        u.username: u for u in get_user_model().objects.filter(username__in=reference.DEMO_USERS)
    }


@pytest.fixture
def departments(db):
    """Every department of the demo city by code (center, cgj, d-430103, s-430103002 …)."""
    return {d.code: d for d in Department.objects.select_related("region")}


@pytest.fixture
def on_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def english_by_default(settings):
    """Tests assert on the English source strings; the Chinese interface has its own tests."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fresh_filter_options(monkeypatch):
    """The case list's filter options are kept per process and rebuilt when a minute old: each
    test builds them from its own city, and no rebuild lands between two requests a test
    compares (on a slow machine one did: 6 queries, then 9)."""
    filter_panel.forget_filter_choices()
    monkeypatch.setattr(filter_panel, "FILTER_CHOICES_MAX_AGE", 3600.0)
