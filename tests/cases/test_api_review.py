"""Issue 14 through the API: take back and reassign, approve and send back a reply, extensions.

Each operation: anonymous 401, another department 404, the case's own department 403, the
supervisor's success, and a refusal (409) that leaves nothing changed.
"""

import pytest

from cases import services
from cases.models import Case, ReplyReviewPolicy
from tests.apiutil import API, dispatched, error_of
from tests.cases.test_transitions import snapshot


def signed(users, cgj):
    case, assignment = dispatched(users["agent"], cgj)
    services.sign_assignment(assignment, actor=users["handler"])
    return case, assignment


def in_review(users, cgj):
    ReplyReviewPolicy.objects.create(review=True)
    case, assignment = signed(users, cgj)
    services.reply_assignment(assignment, actor=users["handler"], result="resolved", content="已修")
    return case, assignment


# operation: (how to bring a case to where it is allowed, its body)
OPERATIONS = {
    "take-back": (signed, {"reason": "派错部门"}),
    "approve-reply": (in_review, {"note": "答复完整"}),
    "send-back-reply": (in_review, {"reason": "未说明结果"}),
}


@pytest.mark.parametrize("operation", OPERATIONS)
def test_who_may_call_the_operation(operation, users, cgj, client, cgj_api, scjgj_api, agent_api):
    build, body = OPERATIONS[operation]
    case, _assignment = build(users, cgj)
    url = f"{API}cases/{case.number}/{operation}/"
    before = snapshot(case)
    assert client.post(url, body, content_type="application/json").status_code == 401
    response = scjgj_api.post(url, body, format="json")
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"
    response = cgj_api.post(url, body, format="json")  # the department sees it; not its step
    assert response.status_code == 403 and error_of(response)["code"] == "forbidden"
    assert agent_api.post(url, body, format="json").status_code == 403
    assert snapshot(case) == before


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_refused_operation_is_a_409_that_changes_nothing(operation, users, cgj, supervisor_api):
    _build, body = OPERATIONS[operation]
    case, _assignment = dispatched(users["agent"], cgj)
    if operation == "take-back":  # replied: too late to take back
        services.sign_assignment(_assignment, actor=users["handler"])
        services.reply_assignment(
            _assignment, actor=users["handler"], result="resolved", content="x"
        )
    before = snapshot(case)
    response = supervisor_api.post(f"{API}cases/{case.number}/{operation}/", body, format="json")
    assert response.status_code == 409, response.content
    assert error_of(response)["code"] == "transition_not_allowed"
    assert snapshot(case) == before


def test_take_back_and_reassign(users, cgj, scjgj, supervisor_api):
    case, assignment = signed(users, cgj)
    url = f"{API}cases/{case.number}/take-back/"
    response = supervisor_api.post(
        url, {"reason": "改派", "co_departments": [cgj.pk]}, format="json"
    )
    assert response.status_code == 400 and "department" in error_of(response)["fields"]
    body = {"reason": "应由市场监管局办理", "department": scjgj.pk}
    response = supervisor_api.post(url, body, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "dispatched"
    rows = {row["id"]: row for row in data["assignments"]}
    assert rows[assignment.pk]["status"] == "withdrawn"
    assert [r["department"] for r in rows.values() if r["status"] == "dispatched"] == [scjgj.pk]


def test_take_back_without_a_department_waits_registered(users, cgj, supervisor_api, cgj_api):
    case, assignment = signed(users, cgj)
    response = supervisor_api.post(
        f"{API}cases/{case.number}/take-back/", {"reason": "先收回"}, format="json"
    )
    assert response.json()["status"] == "registered"
    row = cgj_api.get(f"{API}assignments/{assignment.pk}/").json()  # history stays readable
    assert row["status"] == "withdrawn" and row["withdrawn_at"]


def test_approve_and_send_back(users, cgj, supervisor_api, cgj_api):
    case, assignment = in_review(users, cgj)
    url = f"{API}cases/{case.number}/"
    assert supervisor_api.get(url).json()["allowed_actions"] == [
        "approve_reply",
        "send_back_reply",
    ]
    response = supervisor_api.post(f"{url}send-back-reply/", {"reason": " "}, format="json")
    assert response.status_code == 400 and "reason" in error_of(response)["fields"]
    response = supervisor_api.post(f"{url}send-back-reply/", {"reason": "不完整"}, format="json")
    assert response.json()["status"] == "in_progress"
    assert cgj_api.get(f"{API}assignments/{assignment.pk}/").json()["status"] == "signed"
    body = {"result": "resolved", "content": "已修复并回访"}
    cgj_api.post(f"{API}assignments/{assignment.pk}/reply/", body, format="json")
    assert supervisor_api.get(url).json()["status"] == "reply_review"
    response = supervisor_api.post(f"{url}approve-reply/", {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "replied"


def test_the_suggested_department_is_named_in_the_assignment(users, cgj, scjgj, cgj_api):
    _case, assignment = signed(users, cgj)  # signed, inside the window: may still return
    body = {"reason": "属于市场监管", "suggested_department": scjgj.pk}
    response = cgj_api.post(f"{API}assignments/{assignment.pk}/return/", body, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "return_requested"
    assert data["return_suggested_department"] == scjgj.pk
    assert data["return_suggested_department_name"] == scjgj.name


def test_an_extension_is_refused_while_one_is_pending(users, cgj, cgj_api):
    case, assignment = signed(users, cgj)
    url = f"{API}assignments/{assignment.pk}/extend/"
    assert cgj_api.post(url, {"reason": "需勘查", "days": 3}, format="json").status_code == 201
    assert (
        "request_extension"
        not in cgj_api.get(f"{API}cases/{case.number}/").json()["allowed_actions"]
    )
    before = snapshot(case)
    response = cgj_api.post(url, {"reason": "再延", "days": 2}, format="json")
    assert response.status_code == 409 and error_of(response)["code"] == "transition_not_allowed"
    assert snapshot(case) == before
    response = cgj_api.post(url, {"reason": "太长", "days": 30}, format="json")
    assert response.status_code == 400 and "days" in error_of(response)["fields"]
    assert Case.objects.get(pk=case.pk).status == "in_progress"
