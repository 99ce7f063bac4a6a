"""Settings come from the environment, and a production start without secrets stops clearly."""

import ast
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.http import client_address

ROOT = Path(__file__).resolve().parents[2]


def start_server(**env) -> subprocess.CompletedProcess:
    """Load the WSGI application the way a production server does."""
    return run_python(command=["-c", "import hotline.wsgi"], **env)


def run_python(command=("manage.py", "check"), **env) -> subprocess.CompletedProcess:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, *command],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_without_secret_key_stops_with_a_message():
    result = start_server(DEBUG="0", ALLOWED_HOSTS="hotline.example.gov.cn")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_without_allowed_hosts_stops_with_a_message():
    result = start_server(DEBUG="0", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set when DEBUG is off" in result.stderr


def test_maintenance_commands_need_no_secret():
    result = run_python(command=("manage.py", "makemigrations", "--check", "--dry-run"), DEBUG="0")
    assert result.returncode == 0, result.stderr


def test_debug_runs_on_the_embedded_database_without_configuration():
    result = run_python(DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_defaults_are_chinese_first_in_shanghai():
    environment = {k: v for k, v in os.environ.items() if k not in {"LANGUAGE_CODE", "TIME_ZONE"}}
    shown = (
        "from django.conf import settings as s; print(s.LANGUAGE_CODE, s.TIME_ZONE, s.LANGUAGES)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", shown],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=environment | {"DEBUG": "1"},
    )
    assert "zh-hans Asia/Shanghai [('zh-hans', " in result.stdout, result.stderr


# --- production settings: check --deploy, the variables, the proxy, the idle timeout --------

PRODUCTION_ENV = ROOT / "deploy" / "production.env.example"
ENV_EXAMPLE = ROOT / ".env.example"
# Every module that reads the environment through django-environ.
ENV_READERS = [ROOT / "hotline" / "settings.py"]
SECURITY_VARIABLES = [
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
]


def variables_of(path: Path) -> dict[str, str]:
    """The assignments of an env file (comment lines skipped)."""
    lines = (line.strip() for line in path.read_text().splitlines())
    pairs = (line.split("=", 1) for line in lines if line and not line.startswith("#"))
    return dict(pairs)


def documented_variables() -> set[str]:
    """The names `.env.example` lists, set or commented out (`# NAME=value  # meaning`)."""
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), re.MULTILINE))


def variables_read(path: Path) -> set[str]:
    """The first argument of every `env(...)` / `env.<cast>(...)` call of a module."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        is_env = (isinstance(func, ast.Name) and func.id == "env") or (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == "env"
        )
        if is_env and isinstance(node.args[0], ast.Constant):
            names.add(node.args[0].value)
    return names


def check_deploy(variables: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    """`manage.py check --deploy` with exactly `variables` (and PATH) in the environment."""
    environment = {"PATH": os.environ.get("PATH", ""), **variables}
    environment["DATABASE_URL"] = f"sqlite:///{tmp_path / 'deploy.sqlite3'}"
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_production_example_passes_check_deploy(tmp_path):
    result = check_deploy(variables_of(PRODUCTION_ENV), tmp_path)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize("name", SECURITY_VARIABLES)
def test_check_deploy_fails_without_a_security_variable(tmp_path, name):
    variables = variables_of(PRODUCTION_ENV)
    del variables[name]
    result = check_deploy(variables, tmp_path)
    assert result.returncode != 0
    assert "security.W" in result.stderr


def test_every_variable_the_settings_read_is_in_env_example():
    read = set().union(*(variables_read(path) for path in ENV_READERS))
    assert {"DEBUG", "SECRET_KEY", "CACHE_URL", "NUM_PROXIES", "LOG_FORMAT"} <= read  # the parser
    assert read - documented_variables() == set()


def test_the_production_example_sets_only_known_variables():
    known = set().union(*(variables_read(path) for path in ENV_READERS))
    assert set(variables_of(PRODUCTION_ENV)) - known == set()
    assert set(variables_of(PRODUCTION_ENV)) - documented_variables() == set()


def test_cache_url_gives_every_process_the_shared_redis_cache():
    shown = "from django.conf import settings as s; print(s.CACHES['default'])"
    configured = run_python(
        ("manage.py", "shell", "-c", shown), CACHE_URL="redis://127.0.0.1:6379/3"
    )
    default = run_python(("manage.py", "shell", "-c", shown))
    assert "django.core.cache.backends.redis.RedisCache" in configured.stdout, configured.stderr
    assert "redis://127.0.0.1:6379/3" in configured.stdout
    assert "LocMemCache" in default.stdout, default.stderr


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "", "198.51.100.7"),
        (0, "203.0.113.1", "198.51.100.7"),  # a direct client's header is its own word
        (1, "", "198.51.100.7"),
        (1, "203.0.113.1", "203.0.113.1"),
        (1, "10.6.6.6, 203.0.113.1", "203.0.113.1"),  # what the client prepended is ignored
        (2, "10.6.6.6, 203.0.113.1, 10.0.0.2", "203.0.113.1"),
        (2, "203.0.113.1", "203.0.113.1"),
    ],
)
def test_the_client_address_believes_only_our_proxies(settings, proxies, forwarded_for, expected):
    settings.NUM_PROXIES = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.7", **headers)
    assert client_address(request) == expected


def ask_statuses(settings, forwarded_for: list[str]) -> list[int]:
    """Anonymous POSTs to /api/v1/kb/ask/ from one connection address, at 2 a minute."""
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "token": "2/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    api = APIClient(REMOTE_ADDR="198.51.100.7")
    return [
        api.post("/api/v1/kb/ask/", {}, format="json", HTTP_X_FORWARDED_FOR=value).status_code
        for value in forwarded_for
    ]


def test_a_forged_forwarded_for_does_not_escape_the_anonymous_limit(db, settings):
    cache.clear()
    statuses = ask_statuses(settings, [f"203.0.113.{n}" for n in range(4)])
    cache.clear()
    assert statuses == [400, 400, 429, 429]  # 400: no question; the limit counts all the same


def test_behind_a_proxy_each_client_has_its_own_limit(db, settings):
    settings.NUM_PROXIES = 1
    cache.clear()
    statuses = ask_statuses(
        settings, ["10.6.6.1, 203.0.113.9", "10.6.6.2, 203.0.113.9", "203.0.113.9", "203.0.113.10"]
    )
    cache.clear()
    assert statuses == [400, 400, 429, 400]


def test_sessions_end_after_thirty_idle_minutes_by_default(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_ENGINE == "core.sessions"


def _stored_expiry(client):
    return Session.objects.get(pk=client.session.session_key).expire_date


def test_an_idle_session_is_signed_out(client, users):
    client.force_login(users["agent"])
    assert client.get(reverse("home")).status_code == 200
    # given: the last request was longer ago than the idle timeout
    Session.objects.filter(pk=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    # when
    response = client.get(reverse("home"))
    # then
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_request_before_the_timeout_restarts_it(client, users):
    client.force_login(users["agent"])
    Session.objects.filter(pk=client.session.session_key).update(
        expire_date=timezone.now() + timedelta(minutes=2)  # idle for 28 of 30 minutes
    )
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert _stored_expiry(client) > timezone.now() + timedelta(minutes=29)
    assert response.cookies["sessionid"]["max-age"] == 30 * 60


def test_a_fresh_session_is_not_written_again(client, users):
    client.force_login(users["agent"])
    written = _stored_expiry(client)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert _stored_expiry(client) == written
    assert "sessionid" not in response.cookies


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_connections_do_not_compile_plans():
    """JIT is off on our connections: it cost a department's text search 290 ms (issue 18)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
