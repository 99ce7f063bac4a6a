"""Two-way transfers, through the API only: each side calls with its own token.

12345 transfers a case to the 12333 sub-center; 12333 acknowledges and answers; the case
reaches the callback queue. 110 hands 12345 a non-police matter; the center dispatches it to
城管局, which signs and replies; 110 reads the answer on its transfer. Another partner line's
token gets 404 for a transfer that is not its own.
"""

import pytest

from tests.apiutil import API, token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines(departments):
    return {
        code: token_client(departments[code])
        for code in ("center", "sub-12333", "hotline-110", "hotline-119", "cgj")
    }


def ok(response, code=200) -> dict:
    assert response.status_code == code, response.content.decode()
    return response.json()


def test_a_transfer_to_12333_is_answered_with_its_token_and_reaches_the_callback(
    lines, departments
):
    center, sub = lines["center"], lines["sub-12333"]
    # given a social-security question the center registers and transfers to 12333
    case = ok(
        center.post(
            f"{API}cases/",
            {"channel": "phone", "request_type": "consultation", "content": "养老保险怎么转移？"},
            format="json",
        ),
        201,
    )
    number = case["number"]
    to = departments["sub-12333"].pk
    moved = ok(center.post(f"{API}cases/{number}/transfer/", {"to": to, "reason": "人社业务"}))
    assert moved["status"] == "transferred"
    # when 12333 finds it in its queue, acknowledges it and answers it
    [transfer] = ok(sub.get(f"{API}transfers/", {"status": "sent"}))["results"]
    assert (transfer["case"]["number"], transfer["direction"]) == (number, "outbound")
    url = f"{API}transfers/{transfer['id']}/"
    got = ok(sub.post(f"{url}acknowledge/", {"reference": "12333-0001"}, format="json"))
    assert (got["status"], got["reference"]) == ("received", "12333-0001")
    assert sub.post(f"{url}acknowledge/", {}, format="json").status_code == 409  # once only
    done = ok(sub.post(f"{url}answer/", {"answer": "已电话告知转移流程。"}, format="json"))
    assert (done["status"], done["answer"]) == ("handled", "已电话告知转移流程。")
    # then the case waits for the center's callback
    detail = ok(center.get(f"{API}cases/{number}/"))
    assert detail["status"] == "replied" and "callback" in detail["allowed_actions"]
    # and another line's token does not see 12333's transfer
    assert lines["hotline-110"].get(url).status_code == 404
    assert lines["hotline-110"].post(f"{url}answer/", {"answer": "x"}).status_code == 404


def test_an_inbound_transfer_from_110_is_handled_and_its_answer_goes_back(lines, departments):
    police, center, cgj = lines["hotline-110"], lines["center"], lines["cgj"]
    # given 110 hands over a non-police matter with its own reference
    body = {
        "reference": "110-20261201-0042",
        "request_type": "complaint",
        "content": "小区门口路灯坏了一周，不属于警情。",
        "citizen_phone": "13812345678",
    }
    sent = ok(police.post(f"{API}transfers/inbound/", body, format="json"), 201)
    number = sent["case"]["number"]
    assert (sent["direction"], sent["status"], sent["answer"]) == ("inbound", "received", "")
    assert police.post(f"{API}transfers/inbound/", body, format="json").status_code == 400
    # when the center dispatches it to 城管局, which signs and replies
    case = ok(center.get(f"{API}cases/{number}/"))
    assert case["channel"] == "transfer"
    department = departments["cgj"].pk
    ok(center.post(f"{API}cases/{number}/dispatch/", {"department": department}, format="json"))
    [assignment] = ok(cgj.get(f"{API}assignments/", {"case": number}))["results"]
    a_url = f"{API}assignments/{assignment['id']}/"
    ok(cgj.post(f"{a_url}sign/"))
    reply = {"result": "resolved", "content": "路灯已修复。"}
    ok(cgj.post(f"{a_url}reply/", reply, format="json"))
    # then 110 reads the answer on its transfer; 119 cannot
    back = ok(police.get(f"{API}transfers/{sent['id']}/"))
    assert (back["status"], back["answer"]) == ("handled", "路灯已修复。")
    assert back["answered_at"]
    assert lines["hotline-119"].get(f"{API}transfers/{sent['id']}/").status_code == 404
    # and 110 never reads the case itself: it is not a department holding it
    assert police.get(f"{API}cases/{number}/").status_code == 404
