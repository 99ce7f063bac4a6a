"""Issue 14 on the pages: the reply review queue, and the take-back, approve and send-back forms."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.models import Case, ReplyReviewPolicy


def replied_under_review(register, users, departments, n: int) -> list[Case]:
    ReplyReviewPolicy.objects.get_or_create(request_type="", category=None, department=None)
    cases = []
    for i in range(n):
        case = register(content=f"Case {i}: the pavement is blocked.")
        assignment = services.dispatch_case(
            case, actor=users["agent"], department=departments["cgj"]
        )
        services.sign_assignment(assignment, actor=users["handler"])
        services.reply_assignment(
            assignment, actor=users["handler"], result="resolved", content=f"Cleared {i}."
        )
        cases.append(case)
    return cases


def test_the_review_queue_is_the_supervisors_and_its_queries_do_not_grow(
    client_for, register, users, departments, django_assert_max_num_queries
):
    counts = []
    for added, total in ((2, 2), (10, 12)):
        replied_under_review(register, users, departments, added)
        client = client_for("supervisor")
        with django_assert_max_num_queries(10) as captured:
            response = client.get(reverse("cases:reviews"))
        assert response.status_code == 200
        assert len(response.context["page"].items) == total
        counts.append(len(captured))
    assert counts[0] == counts[1]
    assert "Cleared 9." in response.content.decode()
    assert client_for("agent").get(reverse("cases:reviews")).status_code == 403
    assert client_for("handler").get(reverse("cases:reviews")).status_code == 403


def test_the_review_queue_is_keyset_paged_oldest_reply_first_in_fixed_queries(
    client_for, register, users, departments
):
    # given 12 replies waiting for review
    cases = replied_under_review(register, users, departments, 12)
    client = client_for("supervisor")

    # when the supervisor reads pages of 10 and of 25
    counts, pages = [], {}
    for size in (10, 25):
        with CaptureQueriesContext(connection) as captured:
            pages[size] = client.get(reverse("cases:reviews"), {"per_page": size}).context["page"]
        counts.append(len(captured))

    # then the query count does not depend on the page size, the oldest reply comes first,
    # and the cursor opens the remaining two
    assert counts[0] == counts[1]
    assert [c.number for c in pages[10].items] == [c.number for c in cases[:10]]
    assert len(pages[25].items) == 12 and pages[25].next_cursor == ""
    rest = client.get(reverse("cases:reviews"), {"per_page": 10, "after": pages[10].next_cursor})
    assert [c.number for c in rest.context["page"].items] == [c.number for c in cases[10:]]
    assert "12 cases match." in rest.content.decode()


def test_the_supervisor_home_counts_the_review_queue_and_links_to_it(
    client_for, register, users, departments
):
    # given three replies under review, one of them approved since
    cases = replied_under_review(register, users, departments, 3)
    services.approve_reply(cases[0], actor=users["supervisor"])

    # when the supervisor opens the home page
    page = client_for("supervisor").get(reverse("home")).content.decode()

    # then the figure says 2 and links to the queue that lists exactly those 2
    figure = page[page.index('id="figure-reviews"') - 60 : page.index('id="figure-reviews"') + 200]
    assert reverse("cases:reviews") in figure and '<strong class="figure">2</strong>' in figure
    queue = client_for("supervisor").get(reverse("cases:reviews")).context["page"]
    assert queue.total == 2 and {c.pk for c in queue.items} == {c.pk for c in cases[1:]}


def _post(client, case, name, data):
    return client.post(reverse("cases:action", args=[case.number, name]), data)


def test_send_back_then_approve_on_the_case_page(client_for, register, users, departments):
    (case,) = replied_under_review(register, users, departments, 1)
    client = client_for("supervisor")
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "Approve the reply" in page and "Send the reply back" in page
    response = _post(client, case, "send_back_reply", {"reason": ""})
    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).status == "reply_review"
    assert _post(client, case, "send_back_reply", {"reason": "不完整"}).status_code == 302
    assert Case.objects.get(pk=case.pk).status == "in_progress"
    # the department may not approve: the action is not offered, and refused (409)
    assert _post(client_for("handler"), case, "approve_reply", {}).status_code == 409


def test_take_back_and_reassign_on_the_case_page(client_for, dispatched, departments):
    client = client_for("supervisor")
    page = client.get(reverse("cases:detail", args=[dispatched.number])).content.decode()
    assert "Take back and reassign" in page
    data = {"reason": "派错", "co_departments": [departments["zjj"].pk]}
    response = _post(client, dispatched, "take_back", data)
    assert response.status_code == 400  # co-handlers without a main department
    assert Case.objects.get(pk=dispatched.pk).status == "dispatched"
    data = {"reason": "派错", "department": departments["scjgj"].pk}
    assert _post(client, dispatched, "take_back", data).status_code == 302
    case = Case.objects.get(pk=dispatched.pk)
    assert case.status == "dispatched" and case.main_department.code == "scjgj"


@pytest.mark.parametrize("username", ["agent", "handler"])
def test_only_a_supervisor_is_offered_the_take_back(client_for, dispatched, username):
    page = client_for(username).get(reverse("cases:detail", args=[dispatched.number]))
    assert "Take back and reassign" not in page.content.decode()
    response = _post(client_for(username), dispatched, "take_back", {"reason": "x"})
    assert response.status_code == 409
    assert Case.objects.get(pk=dispatched.pk).status == "dispatched"
