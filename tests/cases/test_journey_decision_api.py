"""Two journeys through the API only, as the center's and the departments' systems make them.

An unsatisfied callback never closes the case: it waits in the supervisors' decision queue,
is reopened, replied again and closed on a satisfied callback. A disputed return is decided
through a joint consultation (会商) where both departments record their positions with their
own tokens; the decided main department and co-handler are dispatched.
"""

from cases.models import Callback, Case
from tests.apiutil import API, error_of, token_client


def _ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def _work(api, number: str, step: str, body=None) -> dict:
    """The department's own assignment of the case, found through its work list, then `step`."""
    rows = _ok(api.get(f"{API}assignments/", {"case": number}))["results"]
    open_ = [a for a in rows if a["status"] in ("dispatched", "signed")]
    assert open_, rows
    return _ok(api.post(f"{API}assignments/{open_[0]['id']}/{step}/", body or {}, format="json"))


def _callback(api, number: str, **body):
    return api.post(f"{API}cases/{number}/callback/", {"reached": True, **body}, format="json")


def test_an_unsatisfied_citizen_goes_to_the_decision_queue_then_is_heard(
    agent_api, supervisor_api, cgj_api, cgj
):
    # given a case registered and dispatched, signed and replied by 城管局's system
    fields = {"channel": "phone", "request_type": "complaint", "content": "工地夜间施工扰民"}
    case = _ok(agent_api.post(f"{API}cases/", {**fields, "dispatch_to": cgj.code}), 201)
    number = case["number"]
    _work(cgj_api, number, "sign")
    _work(cgj_api, number, "reply", {"result": "resolved", "content": "已责令停工。"})

    # when the citizen is unsatisfied, closing in the same step is refused: nothing recorded
    unhappy = {"resolved": False, "satisfaction": "unsatisfied", "note": "仍在施工"}
    refused = _callback(agent_api, number, **unhappy, then="close")
    assert refused.status_code == 409 and error_of(refused)["code"] == "callback_required"
    assert not Callback.objects.filter(case__number=number).exists()
    # the agent sends it to the decision queue instead
    assert _ok(_callback(agent_api, number, **unhappy, then="decision"))["status"] == "decision"
    detail = _ok(supervisor_api.get(f"{API}cases/{number}/"))
    assert {"reopen", "park", "conclude"} <= set(detail["allowed_actions"])
    assert _ok(agent_api.get(f"{API}cases/{number}/"))["allowed_actions"] == []
    assert agent_api.post(f"{API}cases/{number}/conclude/", {"reason": "x"}).status_code == 403

    # then the supervisor reopens it; the department replies again
    reopened = _ok(supervisor_api.post(f"{API}cases/{number}/reopen/", {"reason": "市民不满意"}))
    assert (reopened["status"], reopened["reopen_count"]) == ("dispatched", 1)
    _work(cgj_api, number, "sign")
    _work(cgj_api, number, "reply", {"result": "resolved", "content": "已停工并罚款。"})

    # and the case closes only on a callback after this reply
    early = agent_api.post(f"{API}cases/{number}/close/", {}, format="json")
    assert early.status_code == 409 and error_of(early)["code"] == "callback_required"
    happy = {"resolved": True, "satisfaction": "satisfied", "then": "close"}
    closed = _ok(_callback(agent_api, number, **happy))
    assert closed["status"] == "closed" and closed["satisfaction"] == "satisfied"
    types = [e["type"] for e in _ok(agent_api.get(f"{API}cases/{number}/events/"))]
    assert types.count("case_referred") == 1 and types[-1] == "case_closed"


def test_a_dispute_is_decided_through_a_joint_consultation(
    agent_api, supervisor_api, cgj_api, scjgj_api, cgj, scjgj, departments
):
    # given a case 城管局 returns as not its own, and a dispute the supervisor opens on it
    fields = {"channel": "phone", "request_type": "complaint", "content": "餐馆油烟扰民"}
    number = _ok(agent_api.post(f"{API}cases/", {**fields, "dispatch_to": cgj.code}), 201)["number"]
    _work(cgj_api, number, "return", {"reason": "油烟归市场监管", "suggested_department": scjgj.pk})
    dispute = {"reason": "互相推诿"}
    disputed = _ok(supervisor_api.post(f"{API}cases/{number}/open-dispute/", dispute))
    assert disputed["status"] == "disputed"

    # when the supervisor invites both departments to a joint consultation
    invite = {"topic": "油烟扰民由谁主办", "departments": [cgj.pk, scjgj.pk]}
    consultation = _ok(
        supervisor_api.post(f"{API}cases/{number}/consult/", invite, format="json"), 201
    )
    url = f"{API}consultations/{consultation['id']}/"
    # each records its position with its own token; a department not invited sees nothing
    _ok(cgj_api.post(f"{url}position/", {"position": "城管只管露天烧烤"}, format="json"))
    _ok(scjgj_api.post(f"{url}position/", {"position": "可以主办，需城管协助"}, format="json"))
    outsider = token_client(departments["zjj"])
    assert outsider.get(url).status_code == 404
    assert outsider.post(f"{url}position/", {"position": "x"}, format="json").status_code == 404
    decision = {"department": scjgj.pk, "co_departments": [cgj.pk], "decision": "市场监管主办"}
    assert cgj_api.post(f"{url}decide/", decision, format="json").status_code == 403

    # then the supervisor decides: 市场监管局 main, 城管局 co-handler, both dispatched at once
    decided = _ok(supervisor_api.post(f"{url}decide/", decision, format="json"))
    assert decided["status"] == "decided" and decided["main_department"] == scjgj.pk
    assert [p["position"] for p in decided["positions"]] == [
        "城管只管露天烧烤",
        "可以主办，需城管协助",
    ]
    case = _ok(supervisor_api.get(f"{API}cases/{number}/"))
    assert case["status"] == "dispatched" and case["main_department"] == scjgj.pk
    open_ = {
        (a["department"], a["role"]) for a in case["assignments"] if a["status"] == "dispatched"
    }
    assert open_ == {(scjgj.pk, "main"), (cgj.pk, "co")}
    types = [e["type"] for e in _ok(supervisor_api.get(f"{API}cases/{number}/events/"))]
    assert types[-4:] == [
        "consultation_opened",
        "consultation_position",
        "consultation_position",
        "consultation_decided",
    ]
    assert Case.objects.get(number=number).disputes.get().status == "decided"
    # the record is closed: a position comes too late now
    again = cgj_api.post(f"{url}position/", {"position": "改变主意"}, format="json")
    assert again.status_code == 409
