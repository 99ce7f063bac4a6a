"""The pages of issue 14 (B): the decision queue, the leader's instruction above everything on
the case page, the consultation record, the callback form that never closes an unhappy case."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import services
from tests.cases.lifecycle_world import register


def replied(w):
    case = register(w)
    assignment = services.dispatch_case(case, actor=w.agent, department=w.dept("cgj"))
    services.sign_assignment(assignment, actor=w.handler)
    services.reply_assignment(assignment, actor=w.handler, result="resolved", content="已处理。")
    case.refresh_from_db()
    return case


def in_decision(w):
    case = replied(w)
    services.complete_callback(
        case, actor=w.agent, reached=True, resolved=False, satisfaction="unsatisfied",
        note="仍未解决", then="decision",
    )  # fmt: skip
    return case


@pytest.mark.parametrize("size", [2, 6])
def test_the_decision_queue_lists_the_cases_in_bounded_queries(
    size, world, client, django_assert_max_num_queries
):
    cases = [in_decision(world) for _ in range(size)]
    client.force_login(world.supervisor)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("cases:decisions"))
    assert response.status_code == 200
    assert [c.number for c in response.context["page"].items] == [c.number for c in cases]
    assert "仍未解决" in response.content.decode()


def test_the_decision_queue_is_keyset_paged_in_fixed_queries_and_counted_on_the_home(world, client):
    # given 12 cases waiting for the supervisors' decision
    cases = [in_decision(world) for _ in range(12)]
    client.force_login(world.supervisor)

    # when the supervisor reads pages of 10 and of 25, then the next page of 10
    counts, pages = [], {}
    for size in (10, 25):
        with CaptureQueriesContext(connection) as captured:
            pages[size] = client.get(reverse("cases:decisions"), {"per_page": size}).context["page"]
        counts.append(len(captured))
    after = {"per_page": 10, "after": pages[10].next_cursor}
    rest = client.get(reverse("cases:decisions"), after).context["page"]

    # then the query count is the same, the oldest comes first and nothing is lost or repeated
    assert counts[0] == counts[1]
    assert [c.number for c in pages[10].items + rest.items] == [c.number for c in cases]
    assert len(pages[25].items) == 12
    # and the home's figure counts the same 12, linking to the queue
    home = client.get(reverse("home")).content.decode()
    at = home.index('id="figure-decisions"')
    assert reverse("cases:decisions") in home[at - 60 : at]
    assert '<strong class="figure">12</strong>' in home[at : at + 200]


def test_the_decision_queue_is_the_supervisors(world, client):
    client.force_login(world.agent)
    assert client.get(reverse("cases:decisions")).status_code == 403


def test_the_callback_form_refuses_to_close_an_unhappy_case(world, client):
    case = replied(world)
    client.force_login(world.agent)
    data = {"reached": "yes", "resolved": "no", "satisfaction": "unsatisfied", "then": "close"}
    response = client.post(reverse("cases:action", args=[case.number, "callback"]), data)
    assert response.status_code == 400
    assert not case.callbacks.exists()
    data["then"] = "decision"
    response = client.post(reverse("cases:action", args=[case.number, "callback"]), data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "decision"
    client.force_login(world.supervisor)
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert 'id="action-conclude"' in page and 'id="action-park"' in page
    response = client.post(
        reverse("cases:action", args=[case.number, "conclude"]), {"reason": "已解释清楚"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "closed"


def test_the_leaders_instruction_heads_the_departments_case_page(world, client):
    case = register(world)
    services.dispatch_case(case, actor=world.agent, department=world.dept("cgj"))
    services.supervise_case(
        case, actor=world.supervisor, level="leader", reason="市领导关注",
        due_at=timezone.now() + datetime.timedelta(days=3), instruction="请务必本周内解决",
    )  # fmt: skip
    client.force_login(world.handler)
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert page.index('id="leader-instructions"') < page.index("<h2>")
    assert "请务必本周内解决" in page
    client.force_login(world.handler2)  # another department sees nothing of the case
    assert client.get(reverse("cases:detail", args=[case.number])).status_code == 404


def test_an_invited_department_records_its_position_on_the_page(world, client):
    case = register(world)
    services.open_consultation(
        case, actor=world.supervisor, topic="谁主办", departments=[world.dept("scjgj")]
    )
    client.force_login(world.handler2)
    url = reverse("cases:action", args=[case.number, "record_position"])
    assert client.post(url, {"position": "我局可主办"}).status_code == 302
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "我局可主办" in page and "谁主办" in page
