"""API rate limits hold across the workers of a real gunicorn: the counters live in Redis.

Two sync workers accept from one socket, so consecutive requests on fresh connections land on
either; the access log's pid column shows both served. A limit of N per minute lets exactly N
requests through in all, whichever worker took them, and an anonymous client that forges a new
X-Forwarded-For on every request is still counted by its real address.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import redis
from django.db import connection

from departments import tokens
from departments.models import Department
from tests.workers import worker_number

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
# One Redis database per pytest-xdist worker (two on this 2-core machine): each test flushes
# its own, so a test on the other worker cannot wipe its counters.
CACHE_URL = f"redis://127.0.0.1:6379/{8 + worker_number() % 2}"
LIMIT = 6


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def gunicorn(transactional_city, tmp_path):
    redis.Redis.from_url(CACHE_URL).flushdb()
    db = connection.settings_dict
    port, log = free_port(), tmp_path / "access.log"
    env = os.environ | {
        "DATABASE_URL": f"postgres://{db['USER']}@127.0.0.1:{db['PORT'] or 5432}/{db['NAME']}",
        "CACHE_URL": CACHE_URL,
        "API_THROTTLE_RATE": f"{LIMIT}/minute",
        "DEBUG": "1",
    }
    command = [
        str(Path(sys.executable).with_name("gunicorn")), "hotline.wsgi", "--workers", "2",
        "--bind", f"127.0.0.1:{port}", "--access-logfile", str(log),
        "--access-logformat", "%(p)s %(s)s",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    yield f"http://127.0.0.1:{port}", log
    server.terminate()
    server.wait(timeout=20)


def status_of(url: str, *, headers: dict, body: dict | None = None) -> int:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Connection": "close", "Content-Type": "application/json"} | headers
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def workers_that_answered(log: Path) -> set[str]:
    return {line.split()[0] for line in log.read_text().splitlines() if line.strip()}


def test_two_workers_share_one_token_limit(gunicorn):
    base, log = gunicorn
    _token, key = tokens.issue_token(
        Department.objects.get(code="cgj"), actor=None, name="throttle test"
    )
    statuses = [
        status_of(f"{base}/api/v1/categories/", headers={"Authorization": f"Token {key}"})
        for _ in range(4 * LIMIT)
    ]
    assert statuses.count(200) == LIMIT, statuses
    assert statuses.count(429) == 3 * LIMIT
    assert len(workers_that_answered(log)) == 2


def test_a_forged_forwarded_for_does_not_reset_the_anonymous_limit(gunicorn):
    base, _log = gunicorn
    statuses = [
        status_of(
            f"{base}/api/v1/kb/ask/",
            headers={"X-Forwarded-For": f"203.0.113.{n}"},
            body={"question": "社保卡丢了怎么补办"},
        )
        for n in range(3 * LIMIT)
    ]
    assert statuses.count(200) == LIMIT, statuses
    assert statuses.count(429) == 2 * LIMIT
