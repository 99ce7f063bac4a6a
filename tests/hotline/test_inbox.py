"""The center's inbox in three kinds (new cases, answered transfers, unread notices): each kind
keyset-paged in a fixed number of queries, each row linking to where it is handled, and the
figures on the agent's and the supervisor's home counting exactly what the inbox lists."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from departments.tokens import service_user
from notifications.models import Audience, Channel, Notification, TemplateKey
from tests.apiutil import register, user_client

pytestmark = pytest.mark.django_db
INBOX = reverse("cases:inbox")


def answered_transfer(users, departments, to="hotline-110"):
    case = register(users["agent"], content="芙蓉路有人打架")
    services.transfer_case(case, actor=users["agent"], to=departments[to], reason="警情")
    transfer = case.transfers.get()
    services.answer_transfer(transfer, actor=service_user(departments[to]), answer="民警已到场。")
    return transfer


def notice(user, case, *, read=False):
    from django.utils import timezone

    return Notification.objects.create(
        case=case, template=TemplateKey.DISPATCHED, channel=Channel.IN_APP,
        audience=Audience.DEPARTMENT, user=user, body=f"工单 {case.number} 请签收",
        status=Notification.Status.SENT, read_at=timezone.now() if read else None,
    )  # fmt: skip


def figure(page: str, key: str) -> str:
    at = page.index(f'id="inbox-figure-{key}"')
    start = page.index('<strong class="figure">', at) + len('<strong class="figure">')
    return page[start : page.index("</strong>", start)]


def test_answered_transfers_wait_in_the_inbox_until_the_callback(users, departments):
    # given a transfer answered by 110, another still unanswered, and one answered and called back
    waiting = answered_transfer(users, departments)
    services.transfer_case(
        register(users["agent"]), actor=users["agent"], to=departments["hotline-119"], reason="火"
    )
    done = answered_transfer(users, departments, "hotline-120")
    services.complete_callback(
        done.case, actor=users["agent"], reached=True, resolved=True, satisfaction="satisfied",
        then="close",
    )  # fmt: skip
    agent = user_client(users["agent"])

    # when the agent opens the inbox's transfers
    response = agent.get(INBOX, {"kind": "transfers"})

    # then only the answered one still waiting is listed, linking to its case's callback
    page = response.content.decode()
    assert [t.pk for t in response.context["page"].items] == [waiting.pk]
    assert "民警已到场。" in page
    assert reverse("cases:detail", args=[waiting.case.number]) + "#actions" in page
    assert figure(page, "transfers") == "1"
    # and the home's figure is the same, linking to this list
    home = agent.get(reverse("home")).content.decode()
    assert figure(home, "transfers") == "1" and f"{INBOX}?kind=transfers" in home


def test_unread_notices_wait_in_the_inbox_and_open_where_they_are_handled(users, departments):
    # given two unread notices of the agent, one read, and one of someone else
    agent = users["agent"]
    case = register(agent)
    unread = [notice(agent, case), notice(agent, case)]
    notice(agent, case, read=True)
    notice(users["supervisor"], case)
    client = user_client(agent)

    # when the agent opens the inbox's notices
    response = client.get(INBOX, {"kind": "notices"})

    # then the two unread ones are listed, oldest first, each opening the notice (marked read)
    page = response.content.decode()
    assert [n.pk for n in response.context["page"].items] == [n.pk for n in unread]
    assert reverse("notifications:open", args=[unread[0].pk]) in page
    assert figure(page, "notices") == "2"
    assert figure(client.get(reverse("home")).content.decode(), "notices") == "2"
    client.get(reverse("notifications:open", args=[unread[0].pk]))
    assert [n.pk for n in client.get(INBOX, {"kind": "notices"}).context["page"].items] == [
        unread[1].pk
    ]


@pytest.mark.parametrize("kind", ["cases", "transfers", "notices"])
def test_each_kind_is_keyset_paged_in_the_same_queries_at_two_sizes(users, departments, kind):
    # given 12 rows of each kind
    agent = users["agent"]
    for _n in range(12):
        case = register(agent, channel="web")
        notice(agent, case)
        answered_transfer(users, departments)
    client = user_client(agent)

    # when the agent reads pages of 10 and 25, then the page after the first 10
    counts, pages = [], {}
    for size in (10, 25):
        with CaptureQueriesContext(connection) as captured:
            pages[size] = client.get(INBOX, {"kind": kind, "per_page": size}).context["page"]
        counts.append(len(captured))
    rest = client.get(INBOX, {"kind": kind, "per_page": 10, "after": pages[10].next_cursor})

    # then the queries do not grow with the page, and the two pages hold all 12 once
    assert counts[0] == counts[1], counts
    assert len(pages[25].items) == 12 and pages[25].next_cursor == ""
    seen = [row.pk for row in pages[10].items + rest.context["page"].items]
    assert sorted(seen) == sorted(row.pk for row in pages[25].items) and len(set(seen)) == 12
    # the page-size form keeps the kind
    assert f'name="kind" value="{kind}"' in rest.content.decode()


def test_an_unknown_kind_shows_the_cases_and_departments_are_refused(users, departments):
    register(users["agent"], channel="web")
    response = user_client(users["agent"]).get(INBOX, {"kind": "<script>"})
    assert response.status_code == 200 and response.context["kind"] == "cases"
    assert user_client(users["handler"]).get(INBOX, {"kind": "notices"}).status_code == 403


def test_the_supervisor_home_shows_the_inbox_figures(users, departments):
    answered_transfer(users, departments)
    register(users["agent"], channel="app")
    home = user_client(users["supervisor"]).get(reverse("home")).content.decode()
    assert figure(home, "cases") == "1" and figure(home, "transfers") == "1"


def test_every_kind_of_the_inbox_and_the_homes_read_in_chinese(users, departments, settings):
    from tests.hotline.test_screen_text import foreign_words, read_in_chinese

    # given a row of each kind
    settings.LANGUAGE_CODE = "zh-hans"
    agent = users["agent"]
    notice(agent, register(agent, channel="web", content="芙蓉路路灯坏了一周"))
    answered_transfer(users, departments)

    # when the agent and the supervisor read each tab and their home in Chinese
    problems = []
    for who in ("agent", "supervisor"):
        client = user_client(users[who])
        tabs = [f"{INBOX}?kind={kind}" for kind in ("cases", "transfers", "notices")]
        for url in [*tabs, reverse("home"), reverse("cases:reviews"), reverse("cases:decisions")]:
            status, texts = read_in_chinese(client, url)
            problems += [f"{who} {url}: {word}" for word in foreign_words(texts)]
            assert status == 200 or who == "agent", url

    # then no English is left
    assert not problems, problems
