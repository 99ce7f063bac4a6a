"""Issue 14's journey through the API only: the center keeps its grip on the case.

intake → dispatch → sign → return refused (window passed) → the supervisor takes the case back
and reassigns it → reply → the review sends it back → reply → the review approves → callback
satisfied → closed. Every step is an HTTP call by the system or person who takes it; the only
thing done outside the API is the passing of a working day (the return window's deadline is
moved into the past, as the clock would) and the center's review rule being set up.
"""

import datetime

from django.utils import timezone

from cases.models import Assignment
from cases.services.review import seed_demo_policies
from tests.apiutil import API, error_of


def test_the_center_reviews_takes_back_and_reassigns(
    users, cgj, scjgj, agent_api, supervisor_api, cgj_api, scjgj_api
):
    seed_demo_policies()  # the center reviews complaints before the callback
    # intake and dispatch (the center's agent)
    body = {
        "channel": "phone",
        "request_type": "complaint",
        "content": "芙蓉路工地夜间施工噪音扰民，持续一周。",
        "citizen_name": "李女士",
        "citizen_phone": "13912345678",
        "dispatch_to": cgj.code,
    }
    response = agent_api.post(f"{API}cases/", body, format="json")
    assert response.status_code == 201, response.content
    number = response.json()["number"]
    case_url = f"{API}cases/{number}/"
    first = response.json()["assignments"][0]["id"]

    # 城管局 signs for it
    assert cgj_api.post(f"{API}assignments/{first}/sign/", {}, format="json").status_code == 200

    # a working day passes: the return window closes, and the return is refused (409)
    Assignment.objects.filter(pk=first).update(
        return_due_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    response = cgj_api.post(
        f"{API}assignments/{first}/return/", {"reason": "应由市场监管局处理"}, format="json"
    )
    assert response.status_code == 409
    assert "Take back and reassign" in error_of(response)["message"]

    # the supervisor takes it back and reassigns it to 市场监管局 in one step
    response = supervisor_api.post(
        f"{case_url}take-back/",
        {"reason": "工地噪音归市场监管局", "department": scjgj.pk},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "dispatched"
    second = next(a["id"] for a in response.json()["assignments"] if a["status"] == "dispatched")
    assert cgj_api.get(f"{API}assignments/{first}/").json()["status"] == "withdrawn"

    # 市场监管局 signs and replies; the reply waits for the review
    assert scjgj_api.post(f"{API}assignments/{second}/sign/", {}, format="json").status_code == 200
    reply = {"result": "resolved", "content": "已责令工地停止夜间施工。"}
    response = scjgj_api.post(f"{API}assignments/{second}/reply/", reply, format="json")
    assert response.status_code == 200 and response.json()["status"] == "reply_review"
    assert supervisor_api.get(case_url).json()["status"] == "reply_review"

    # the review sends it back: the department holds the case again
    response = supervisor_api.post(
        f"{case_url}send-back-reply/", {"reason": "请说明复查结果"}, format="json"
    )
    assert response.json()["status"] == "in_progress"
    assert scjgj_api.get(f"{API}assignments/{second}/").json()["status"] == "signed"

    # the department replies again, and the review approves
    reply = {"result": "resolved", "content": "已停工，复查两次未再施工。"}
    response = scjgj_api.post(f"{API}assignments/{second}/reply/", reply, format="json")
    assert response.status_code == 200
    response = supervisor_api.post(f"{case_url}approve-reply/", {"note": "可回访"}, format="json")
    assert response.json()["status"] == "replied"

    # the callback: satisfied, and the case is closed in the same step
    callback = {"reached": True, "resolved": True, "satisfaction": "satisfied", "then": "close"}
    response = agent_api.post(f"{case_url}callback/", callback, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "closed"

    # the timeline tells the whole story, in order
    types = [e["type"] for e in agent_api.get(f"{case_url}events/").json()]
    assert types == [
        "case_registered",
        "case_dispatched",
        "assignment_signed",
        "case_taken_back",
        "case_dispatched",
        "assignment_signed",
        "assignment_replied",
        "reply_sent_back",
        "assignment_replied",
        "reply_approved",
        "callback_recorded",
        "case_closed",
    ]
