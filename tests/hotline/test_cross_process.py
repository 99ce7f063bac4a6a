"""A change made through one process is seen by another running process within seconds.

The second process (tests/hotline/peer_process.py) shares the test database and a Redis cache
with the test: the deadline clock learns of calendar and policy edits through the shared
generation (core.generations), the compiled rules and the knowledge index through the versions
they read from the database.
"""

import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.test import override_settings

from cases.models import DeadlinePolicy, WorkingDay
from departments import rule_services
from departments.models import Department, Region
from departments.tree import move_node
from knowledgebase import services as kb
from tests.workers import worker_number

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
# One Redis database per pytest-xdist worker (two on this 2-core machine): each test flushes
# its own, so a test on the other worker cannot wipe its counters.
CACHE_URL = f"redis://127.0.0.1:6379/{6 + worker_number() % 2}"
SHARED_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
}
WAIT_SECONDS = 15


class Peer:
    """The second process: one JSON question per line in, one JSON answer per line out."""

    def __init__(self):
        db = connection.settings_dict
        url = (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
        env = os.environ | {"DATABASE_URL": url, "CACHE_URL": CACHE_URL, "DEBUG": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.hotline.peer_process"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert json.loads(self.process.stdout.readline()) == {"ready": True}

    def ask(self, **question):
        self.process.stdin.write(json.dumps(question) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())["answer"]

    def until(self, expected, **question):
        """Ask until the answer is `expected` (or WAIT_SECONDS pass); return the last answer."""
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            answer = self.ask(**question)
            if answer == expected or time.monotonic() > deadline:
                return answer
            time.sleep(0.2)

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=10)


@pytest.fixture
def peer(transactional_city):
    redis.Redis.from_url(CACHE_URL).flushdb()
    with override_settings(CACHES=SHARED_CACHE):
        peer = Peer()
        yield peer
        peer.close()


def test_a_calendar_edit_reaches_the_other_process(peer):
    monday = datetime.date(2030, 1, 7)
    assert peer.ask(ask="workday", date=monday.isoformat()) is True
    WorkingDay.objects.create(date=monday, is_workday=False, name="test holiday", source="test")
    assert peer.until(False, ask="workday", date=monday.isoformat()) is False


def test_a_deadline_policy_edit_reaches_the_other_process(peer):
    assert peer.ask(ask="policy", request_type="complaint") == [15, "working_days"]
    policy = DeadlinePolicy.objects.get(stage="reply", request_type="complaint", urgency="")
    policy.limit = 20
    policy.save()
    assert peer.until([20, "working_days"], ask="policy", request_type="complaint") == [
        20,
        "working_days",
    ]


def test_a_rule_change_reaches_the_other_process(peer, django_user_model):
    text = "小区门口的共享单车乱停放，堵住了消防通道。"
    before = peer.ask(ask="route", text=text)
    assert before != "jtj"
    supervisor = django_user_model.objects.get(username="supervisor")
    rule_services.create_rule(
        actor=supervisor,
        fields={
            "name": "共享单车 → 交通运输局",
            "include_words": ["共享单车"],
            "department": Department.objects.get(code="jtj"),
            "priority": 1,
        },
        reason="交通运输局职责清单",
    )
    assert peer.until("jtj", ask="route", text=text) == "jtj"


def test_a_published_article_reaches_the_other_process(peer, django_user_model):
    query = "犬只登记年检"
    assert peer.ask(ask="search", query=query) == []
    editor = django_user_model.objects.get(username="editor")
    reviewer = django_user_model.objects.get(username="reviewer")
    article = kb.create_article(
        actor=editor,
        department=Department.objects.get(code="sub-12333"),
        title="犬只登记年检在哪里办",
        answer="携带犬只免疫证明到辖区派出所办理犬只登记年检。",
    )
    kb.submit_article(article, actor=editor)
    kb.publish_article(article, actor=reviewer)
    assert peer.until([article.pk], ask="search", query=query) == [article.pk]


def test_a_moved_region_reaches_the_other_process(peer):
    address = "坡子街街道新华社区"
    before = peer.ask(ask="address", text=address)
    street = Region.objects.get(code="430103002")  # 坡子街街道, 天心区
    assert before.startswith(street.path)
    move_node(street, new_parent=Region.objects.get(code="430104"))  # under 岳麓区
    street.refresh_from_db()
    assert peer.until(
        before.replace("430103/430103002/", "430104/430103002/"), ask="address", text=address
    ).startswith(street.path)
