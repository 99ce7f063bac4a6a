"""The API token cache (departments/token_cache.py) stops trusting a token at once.

Each test first makes the token *cached*: two requests (the second loads under stamps read
before the load), then a third that runs no token query at all. Then it changes what the token
depends on, through the services and models a real change goes through, and the very next
request must see the change. No mocks: the real cache, the real database, real time.
"""

import threading
import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from departments import token_cache, tokens
from departments.models import ApiToken, Department, Membership
from hotline.demo.reference import DEMO_PASSWORD
from tests.apiutil import API, dispatched

ME = f"{API}me/"


@pytest.fixture(autouse=True)
def token_cache_on(settings):
    settings.HOTLINE_API_TOKEN_CACHE_SECONDS = 30
    token_cache.forget()
    yield
    token_cache.forget()


def api_for(key: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def token_queries(api) -> int:
    """The request's queries on the token table (0 when the cache answered)."""
    with CaptureQueriesContext(connection) as queries:
        assert api.get(ME).status_code == 200
    return sum('"departments_apitoken"' in q["sql"] for q in queries.captured_queries)


def cached(api) -> APIClient:
    api.get(ME)
    api.get(ME)
    assert token_queries(api) == 0, "the token should be answered from the cache by now"
    return api


def test_a_cached_token_is_read_from_memory_and_refused_once_revoked(departments, users):
    token, key = tokens.issue_token(departments["cgj"], actor=users["deptadmin"], name="ERP")
    api = cached(api_for(key))
    tokens.revoke_token(token, actor=users["deptadmin"])
    assert api.get(ME).status_code == 401


def test_a_rotated_key_stops_at_once_and_the_new_one_works(departments, users):
    token, key = tokens.issue_token(departments["cgj"], actor=users["deptadmin"], name="ERP")
    api = cached(api_for(key))
    new_key = tokens.rotate_token(token, actor=users["deptadmin"])
    assert api.get(ME).status_code == 401
    assert api_for(new_key).get(ME).status_code == 200


def test_a_deactivated_user_is_refused_at_once(departments, users):
    handler = users["handler"]
    _token, key = tokens.issue_token(
        departments["cgj"], actor=users["deptadmin"], name="cli", user=handler
    )
    api = cached(api_for(key))
    handler.is_active = False
    handler.save(update_fields=["is_active"])
    assert api.get(ME).status_code == 401


def test_a_new_password_ends_a_cached_personal_token(users):
    issued = APIClient().post(
        f"{API}auth/token/",
        {"username": "handler", "password": DEMO_PASSWORD, "name": "cli"},
        format="json",
    )
    api = cached(api_for(issued.json()["token"]))
    handler = users["handler"]
    handler.set_password("a-new-long-passphrase")
    handler.save()
    assert api.get(ME).status_code == 401


def test_a_removed_membership_narrows_the_scope_at_once(users, departments):
    case, _ = dispatched(users["agent"], departments["cgj"])
    _token, key = tokens.issue_token(departments["cgj"], actor=users["deptadmin"], name="ERP")
    api = cached(api_for(key))
    listed = api.get(f"{API}cases/").json()["results"]
    assert case.number in [row["number"] for row in listed]
    user = ApiToken.objects.get(key_hash=tokens.hash_key(key)).user
    Membership.objects.filter(user=user).delete()  # each row's delete sends its signal
    assert api.get(f"{API}cases/").json()["results"] == []


def test_a_saved_department_makes_every_cached_token_load_again(users, departments):
    """The memberships carry their departments (kind, path): any department's save counts."""
    _token, key = tokens.issue_token(departments["cgj"], actor=users["deptadmin"], name="ERP")
    api = cached(api_for(key))
    cgj = Department.objects.get(code="cgj")
    cgj.short_name = "城管"
    cgj.save(update_fields=["short_name"])
    assert token_queries(api) == 1
    assert token_queries(api) == 0


def test_an_expiring_token_is_refused_the_moment_it_expires(departments, users):
    token, key = tokens.issue_token(departments["cgj"], actor=users["deptadmin"], name="ERP")
    APIClient().get(ME)  # a process's first request loads the URLs: seconds on a slow machine
    expires_at = timezone.now() + timedelta(seconds=3)  # time enough to cache the token
    ApiToken.objects.filter(pk=token.pk).update(expires_at=expires_at)
    api = cached(api_for(key))
    time.sleep((expires_at - timezone.now()).total_seconds() + 0.1)
    refused = api.get(ME)
    assert refused.status_code == 401
    assert "expired" in refused.json()["error"]["message"]


def test_stamps_lost_by_the_cache_never_revive_a_revoked_token(departments, users):
    token, key = tokens.issue_token(departments["cgj"], actor=users["deptadmin"], name="ERP")
    api = cached(api_for(key))
    tokens.revoke_token(token, actor=users["deptadmin"])
    cache.clear()  # a restarted Redis: every stamp is gone
    assert api.get(ME).status_code == 401


def test_without_the_shared_cache_every_request_reads_the_database(departments, users, settings):
    settings.HOTLINE_API_TOKEN_CACHE_SECONDS = 0
    _token, key = tokens.issue_token(departments["cgj"], actor=users["deptadmin"], name="ERP")
    api = api_for(key)
    api.get(ME)
    assert token_queries(api) == 1


@pytest.mark.django_db(transaction=True)
def test_a_revoke_committed_by_another_thread_is_seen_at_once(transactional_city, settings):
    """Another worker (its own thread and database connection) revokes the token and commits;
    this one, holding the token in its cache, refuses the very next request."""
    settings.HOTLINE_API_TOKEN_CACHE_SECONDS = 30
    department = Department.objects.get(code="cgj")
    token, key = tokens.issue_token(department, actor=None, name="ERP")
    api = cached(api_for(key))
    done = []

    def revoke_elsewhere():
        try:
            tokens.revoke_token(ApiToken.objects.get(pk=token.pk), actor=None)
            done.append(True)
        finally:
            connection.close()

    worker = threading.Thread(target=revoke_elsewhere)
    worker.start()
    worker.join(30)
    assert done
    assert api.get(ME).status_code == 401


REVOKE_IN_ANOTHER_PROCESS = """
from departments import tokens
from departments.models import ApiToken
tokens.revoke_token(ApiToken.objects.get(pk={pk}), actor=None)
"""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_revoke_by_another_process_is_seen_at_once(transactional_city, settings):
    """A second OS process (`manage.py shell`, its own memory) revokes the token; this process,
    holding it in its cache, refuses the next request. Needs PostgreSQL (both processes open
    the test database) and the machine's Redis as the shared cache of the stamps."""
    import os
    import subprocess
    import sys

    from django.core.cache import cache

    # The machine's Redis (CI starts it) as the shared cache of both processes, in a database
    # number of this test's own, emptied first.
    cache_url = "redis://127.0.0.1:6379/5"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": cache_url}
    }
    cache.clear()
    settings.HOTLINE_API_TOKEN_CACHE_SECONDS = 30
    token, key = tokens.issue_token(Department.objects.get(code="cgj"), actor=None, name="ERP")
    api = cached(api_for(key))
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "1",
        "CACHE_URL": cache_url,
    }
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", REVOKE_IN_ANOTHER_PROCESS.format(pk=token.pk)],
        env=environment,
        check=True,
        timeout=120,
    )
    assert api.get(ME).status_code == 401
