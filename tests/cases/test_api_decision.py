"""The API operations of the decision queue, supervision review and joint consultation: each
answers the anonymous 401, a department that does not see the case 404, succeeds for the
rightful caller and refuses a wrong state with 409, changing nothing."""

import datetime

from django.utils import timezone
from rest_framework.test import APIClient

from cases import services
from cases.models import Case, CaseEvent, Consultation, SupervisionOrder
from tests.apiutil import API, dispatched, error_of


def replied(agent, handler, department):
    case, assignment = dispatched(agent, department)
    services.sign_assignment(assignment, actor=handler)
    services.reply_assignment(assignment, actor=handler, result="resolved", content="已处理。")
    case.refresh_from_db()
    return case


def unchanged(case: Case):
    """What a refused call must leave as it was."""
    row = Case.objects.filter(pk=case.pk).values().get()
    events = CaseEvent.objects.filter(case=case).count()
    orders = list(SupervisionOrder.objects.filter(case=case).values())
    consultations = list(Consultation.objects.filter(case=case).values())
    return row, events, orders, consultations


def refused(api, url: str, body: dict, case: Case, status: int = 409):
    before = unchanged(case)
    response = api.post(url, body, format="json")
    assert response.status_code == status, response.content
    error_of(response)
    assert unchanged(case) == before
    return response


def test_refer_conclude_and_park(users, cgj, agent_api, supervisor_api, scjgj_api):
    agent, handler = users["agent"], users["handler"]
    case = replied(agent, handler, cgj)
    url = f"{API}cases/{case.number}/"
    assert APIClient().post(f"{url}refer-decision/", {}).status_code == 401
    refused(scjgj_api, f"{url}refer-decision/", {}, case, status=404)
    refused(supervisor_api, f"{url}conclude/", {"reason": "已解释"}, case)  # not in the queue
    refused(supervisor_api, f"{url}park/", {"reason": "历史遗留"}, case)
    answer = agent_api.post(f"{url}refer-decision/", {"note": "市民不满意"}, format="json")
    assert answer.status_code == 200 and answer.json()["status"] == "decision"
    refused(agent_api, f"{url}refer-decision/", {}, case)  # already there
    refused(agent_api, f"{url}conclude/", {"reason": "x"}, case, status=403)
    closed = supervisor_api.post(f"{url}conclude/", {"reason": "已解释"}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    other = replied(agent, handler, cgj)
    services.refer_to_decision(other, actor=agent)
    parked = supervisor_api.post(
        f"{API}cases/{other.number}/park/", {"reason": "历史遗留"}, format="json"
    )
    assert parked.status_code == 200 and parked.json()["status"] == "parked"


def test_supervision_review(users, cgj, cgj_api, supervisor_api, scjgj_api):
    case, _assignment = dispatched(users["agent"], cgj)
    due = timezone.now() + datetime.timedelta(days=3)
    order = services.supervise_case(
        case, actor=users["supervisor"], level="leader", reason="市领导关注", due_at=due,
        instruction="一周内办结并报告",
    )  # fmt: skip
    # the department reads the leader's instruction in the case detail, first of all
    detail = cgj_api.get(f"{API}cases/{case.number}/").json()
    assert [i["instruction"] for i in detail["leader_instructions"]] == ["一周内办结并报告"]
    assert list(detail).index("leader_instructions") < list(detail).index("assignments")
    url = f"{API}supervisions/{order.pk}/review/"
    assert APIClient().post(url, {"accept": True}).status_code == 401
    refused(scjgj_api, url, {"accept": True}, case, status=404)
    refused(supervisor_api, url, {"accept": True}, case)  # not answered yet
    services.answer_supervision(order, actor=users["handler"], answer="已安排专人")
    refused(cgj_api, url, {"accept": True}, case, status=403)
    refused(supervisor_api, url, {"accept": False}, case, status=400)  # says why
    back = supervisor_api.post(url, {"accept": False, "note": "不具体"}, format="json")
    assert back.status_code == 200 and back.json()["status"] == "open"
    services.answer_supervision(order, actor=users["handler"], answer="已整改完毕")
    done = supervisor_api.post(url, {"accept": True}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "closed"
    assert cgj_api.get(f"{API}cases/{case.number}/").json()["leader_instructions"] == []


def test_consultation_operations(users, cgj, scjgj, supervisor_api, cgj_api, scjgj_api):
    agent = users["agent"]
    case, _assignment = dispatched(agent, cgj)  # dispatched: no consultation from here
    url = f"{API}cases/{case.number}/consult/"
    body = {"topic": "谁主办", "departments": [cgj.pk, scjgj.pk]}
    assert APIClient().post(url, body, format="json").status_code == 401
    refused(scjgj_api, url, body, case, status=404)
    refused(cgj_api, url, body, case, status=403)
    refused(supervisor_api, url, body, case)
    hard = services.register_case(
        actor=agent, channel="phone", request_type="complaint", content="跨部门难题"
    )
    opened = supervisor_api.post(f"{API}cases/{hard.number}/consult/", body, format="json")
    assert opened.status_code == 201, opened.content
    consultation = opened.json()["id"]
    item = f"{API}consultations/{consultation}/"
    assert cgj_api.get(f"{API}consultations/").json()["results"][0]["id"] == consultation
    assert APIClient().get(item).status_code == 401
    position = cgj_api.post(f"{item}position/", {"position": "我局协办"}, format="json")
    assert position.status_code == 200
    refused(supervisor_api, f"{item}position/", {"position": "x"}, hard, status=403)
    decision = {"department": scjgj.pk, "co_departments": [cgj.pk], "decision": "市场监管主办"}
    refused(cgj_api, f"{item}decide/", decision, hard, status=403)
    decided = supervisor_api.post(f"{item}decide/", decision, format="json")
    assert decided.status_code == 200 and decided.json()["status"] == "decided"
    refused(supervisor_api, f"{item}decide/", decision, hard)  # decided once
    refused(scjgj_api, f"{item}position/", {"position": "迟到"}, hard)
