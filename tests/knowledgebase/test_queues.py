"""The knowledge workers' pages: their menu, their drafts, the review queue, stale articles."""

import pytest
from django.urls import reverse

from knowledgebase import services as kb

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(users, departments):
    editor, own = users["editor"], departments["sub-12333"]
    draft = kb.create_article(actor=editor, department=own, title="失业金怎么领", answer="草稿")
    waiting = kb.create_article(
        actor=editor, department=own, title="社保卡怎么补办", answer="带证件"
    )
    kb.submit_article(waiting, actor=editor)
    return {"draft": draft, "waiting": waiting}


@pytest.mark.parametrize(
    "username,shown,hidden",
    [
        ("editor", ["失业金怎么领"], []),
        ("reviewer", ["社保卡怎么补办"], ["失业金怎么领"]),
    ],
)
def test_home_gives_knowledge_workers_their_queues(
    client, users, articles, username, shown, hidden
):
    client.force_login(users[username])
    page = client.get(reverse("home")).content.decode()

    assert "Your role has no case queue here." not in page
    assert 'id="knowledge-queues"' in page
    assert reverse("kb:list") in page and reverse("kb:stale") in page  # in the menu
    home_queues = page.split('id="knowledge-queues"')[1]
    for title in shown:
        assert title in home_queues
    for title in hidden:
        assert title not in home_queues


def test_the_review_queue_lists_what_waits_for_a_decision(client, users, articles):
    client.force_login(users["reviewer"])
    response = client.get(reverse("kb:list"), {"queue": "review"})

    assert [a.title for a in response.context["page"]] == ["社保卡怎么补办"]


def test_an_editors_drafts_are_his_departments(client, users, articles):
    client.force_login(users["editor"])
    response = client.get(reverse("kb:list"), {"queue": "drafts"})

    assert [a.title for a in response.context["page"]] == ["失业金怎么领"]


def test_an_agent_has_no_knowledge_queues_but_the_knowledge_base(client, users, articles):
    client.force_login(users["agent"])
    page = client.get(reverse("home")).content.decode()

    assert 'id="knowledge-queues"' not in page
    assert f'href="{reverse("kb:list")}"' in page
    assert "?queue=review" not in page
