"""Helpers for the API tests: clients that carry a real token, and cases built by the services."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from departments import tokens
from departments.models import ApiToken

API = "/api/v1/"
LIST_ENDPOINTS = [
    "cases/",
    "assignments/",
    "extensions/",
    "supervisions/",
    "categories/",
    "regions/",
    "departments/",
]


def token_client(department, *, actor=None, user=None, scope=ApiToken.Scope.API) -> APIClient:
    """A client authenticated as the department's service user (or `user`) by a real token."""
    _token, key = tokens.issue_token(department, actor=actor, name="test", scope=scope, user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def user_client(user) -> APIClient:
    """A client with a browser session for `user`."""
    client = APIClient()
    client.force_login(user)
    return client


def error_of(response) -> dict:
    """The error object of a refusal (asserting the one shape every error has)."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "fields"}, body
    assert body["error"]["message"], body
    return body["error"]


def register(agent, **fields):
    """A case registered by the center through the service."""
    from cases import services

    defaults = {
        "channel": "phone",
        "request_type": "complaint",
        "content": "Street lamp broken on Furong Road for a week",
        "citizen_name": "王小明",
        "citizen_phone": "13812345678",
    }
    return services.register_case(actor=agent, **{**defaults, **fields})


def dispatched(agent, department, **fields):
    """A case registered and dispatched to `department`; returns (case, main assignment)."""
    from cases import services

    case = register(agent, **fields)
    assignment = services.dispatch_case(case, actor=agent, department=department)
    case.refresh_from_db()
    return case, assignment


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """Each test starts with empty rate counters."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def center(departments):
    return departments["center"]


@pytest.fixture
def cgj(departments):
    return departments["cgj"]


@pytest.fixture
def scjgj(departments):
    return departments["scjgj"]


@pytest.fixture
def agent_api(users):
    return user_client(users["agent"])


@pytest.fixture
def supervisor_api(users):
    return user_client(users["supervisor"])


@pytest.fixture
def cgj_api(cgj):
    """城管局's system, with its own token."""
    return token_client(cgj)


@pytest.fixture
def scjgj_api(scjgj):
    """市场监管局's system: a department that holds nothing of cgj's cases."""
    return token_client(scjgj)
