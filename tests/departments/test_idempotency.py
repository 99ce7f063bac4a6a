"""An Idempotency-Key survives a crash: a process killed at any step never runs the action twice.

The first request runs in a real process (the API view against the PostgreSQL test database)
that `departments.idempotency.crash_point` kills with SIGKILL at the chosen step; the retry with
the same key then comes from this process.
"""

import datetime
import json
import os
import subprocess
import sys
import threading

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import Case
from departments import tokens
from departments.idempotency import CRASH_ENV, CRASH_POINTS
from departments.models import ApiToken, Department, IdempotencyRecord
from tests.apiutil import API, dispatched, error_of, token_client

NEW_CASE = {
    "channel": "phone",
    "request_type": "complaint",
    "content": "Crash test: construction noise after 22:00 at Wuyi Square",
    "citizen_name": "李四",
    "citizen_phone": "13912345678",
    "region": "430102",
}

FIRST_REQUEST = """
import json, sys, django
django.setup()
from rest_framework.test import APIClient
client = APIClient(HTTP_HOST="localhost")
client.credentials(HTTP_AUTHORIZATION="Token " + sys.argv[1])
response = client.post("/api/v1/cases/", json.loads(sys.argv[2]), format="json",
                       HTTP_IDEMPOTENCY_KEY=sys.argv[3])
print(response.status_code, flush=True)
"""


def first_request_killed_at(point: str, token: str, key: str) -> subprocess.CompletedProcess:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return subprocess.run(
        [sys.executable, "-c", FIRST_REQUEST, token, json.dumps(NEW_CASE), key],
        env={**os.environ, "DATABASE_URL": url, "DEBUG": "1", CRASH_ENV: point,
             "DJANGO_SETTINGS_MODULE": "hotline.settings"},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("point", CRASH_POINTS)
def test_a_retry_after_a_crash_creates_exactly_one_case(transactional_city, point):
    # given: the center's system and its token
    center = Department.objects.get(code="center")
    _token, secret = tokens.issue_token(center, actor=None, name="crash", scope=ApiToken.Scope.API)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")

    # when: the first request's process dies at `point` ...
    result = first_request_killed_at(point, secret, f"crash-{point}")
    assert result.returncode == -9, (result.stdout, result.stderr)
    assert result.stdout == ""  # it never answered
    # ... and the client retries later (long after an unfinished key would be taken over)
    IdempotencyRecord.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    retry = api.post(f"{API}cases/", NEW_CASE, format="json", HTTP_IDEMPOTENCY_KEY=f"crash-{point}")

    # then: one case, whichever step the crash hit
    assert retry.status_code == 201, retry.content
    assert Case.objects.filter(content=NEW_CASE["content"]).count() == 1
    assert retry.json()["number"] == Case.objects.get(content=NEW_CASE["content"]).number
    replayed = retry.get("Idempotent-Replayed") == "true"
    assert replayed == (point == "committed")  # only a committed first request is replayed
    record = IdempotencyRecord.objects.get(key=f"crash-{point}")
    assert record.status_code == 201 and record.response["number"] == retry.json()["number"]


def test_a_failed_action_keeps_nothing_but_its_answer(users, departments):
    # a refused action (409) is an answer: it is stored and replayed, and wrote nothing
    case, assignment = dispatched(users["agent"], departments["cgj"])
    api = token_client(departments["cgj"])
    url = f"{API}assignments/{assignment.pk}/sign/"
    assert api.post(url, {}, format="json").status_code == 200
    first = api.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="again")
    again = api.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="again")
    assert first.status_code == again.status_code == 409
    assert error_of(again)["code"] == error_of(first)["code"]
    assert again["Idempotent-Replayed"] == "true"
    assert case.events.filter(type="assignment_signed").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_wait_for_the_first_and_replay_it(transactional_city):
    # given: eight clients sending the same keyed request at the same moment
    center = Department.objects.get(code="center")
    _token, secret = tokens.issue_token(center, actor=None, name="race", scope=ApiToken.Scope.API)
    barrier, answers = threading.Barrier(8), []

    def send():
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
        barrier.wait()
        try:
            answers.append(api.post(f"{API}cases/", NEW_CASE, format="json",
                                    HTTP_IDEMPOTENCY_KEY="race"))  # fmt: skip
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    # then: one case; every client got its answer (none a 409), seven of them replayed
    assert Case.objects.filter(content=NEW_CASE["content"]).count() == 1
    assert [a.status_code for a in answers] == [201] * 8
    assert len({a.json()["number"] for a in answers}) == 1
    assert sum(a.get("Idempotent-Replayed") == "true" for a in answers) == 7
