"""The departments' side of the API: work list, sign/return/extend/progress/reply, reviews."""

import pytest

from cases import services
from tests.apiutil import API, dispatched, error_of


def test_anonymous_cannot_read_the_work_list(client):
    for url in ("assignments/", "extensions/", "supervisions/"):
        response = client.get(f"{API}{url}")
        assert response.status_code == 401, url
        error_of(response)


def test_work_list_holds_only_the_departments_assignments(users, cgj, scjgj, cgj_api):
    _, mine = dispatched(users["agent"], cgj)
    _, theirs = dispatched(users["agent"], scjgj)
    ids = [a["id"] for a in cgj_api.get(f"{API}assignments/").json()["results"]]
    assert mine.pk in ids and theirs.pk not in ids
    assert cgj_api.get(f"{API}assignments/{theirs.pk}/").status_code == 404
    response = cgj_api.post(f"{API}assignments/{theirs.pk}/sign/", {}, format="json")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_work_list_filters(users, cgj, cgj_api):
    case, assignment = dispatched(users["agent"], cgj)
    rows = cgj_api.get(f"{API}assignments/", {"status": "dispatched", "case": case.number})
    assert [a["id"] for a in rows.json()["results"]] == [assignment.pk]
    assert cgj_api.get(f"{API}assignments/", {"status": "signed"}).json()["results"] == []
    response = cgj_api.get(f"{API}assignments/", {"dispatched_after": "yesterday"})
    assert "dispatched_after" in error_of(response)["fields"]


def test_sign_progress_and_reply(users, cgj, cgj_api):
    case, assignment = dispatched(users["agent"], cgj)
    url = f"{API}assignments/{assignment.pk}/"
    assert cgj_api.post(f"{url}sign/", {}, format="json").json()["status"] == "signed"
    response = cgj_api.post(f"{url}progress/", {"note": "crew sent"}, format="json")
    assert response.status_code == 200
    response = cgj_api.post(
        f"{url}reply/", {"result": "resolved", "content": "Lamp replaced"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["reply_result"] == "resolved"
    case.refresh_from_db()
    assert case.status == "replied"


def test_reply_validation_names_the_fields(users, cgj, cgj_api):
    _, assignment = dispatched(users["agent"], cgj)
    response = cgj_api.post(
        f"{API}assignments/{assignment.pk}/reply/", {"result": "maybe"}, format="json"
    )
    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"result", "content"}


def test_return_then_the_center_reviews_it(users, cgj, cgj_api, supervisor_api):
    case, assignment = dispatched(users["agent"], cgj)
    response = cgj_api.post(
        f"{API}assignments/{assignment.pk}/return/",
        {"reason": "Not ours: gas pipes belong to the gas company"},
        format="json",
    )
    assert response.status_code == 200, response.content
    response = cgj_api.post(
        f"{API}assignments/{assignment.pk}/review-return/", {"accept": True}, format="json"
    )
    assert response.status_code == 403  # only the center reviews
    response = supervisor_api.post(
        f"{API}assignments/{assignment.pk}/review-return/", {"accept": True}, format="json"
    )
    assert response.status_code == 200, response.content
    case.refresh_from_db()
    assert case.status == "registered"


def test_extension_requested_then_decided(users, cgj, cgj_api, supervisor_api, scjgj_api):
    _, assignment = dispatched(users["agent"], cgj)
    services.sign_assignment(assignment, actor=users["handler"])
    response = cgj_api.post(
        f"{API}assignments/{assignment.pk}/extend/",
        {"reason": "Parts on order", "days": 3},
        format="json",
    )
    assert response.status_code == 201, response.content
    extension = response.json()
    assert extension["status"] == "pending"
    assert scjgj_api.get(f"{API}extensions/{extension['id']}/").status_code == 404
    pending = supervisor_api.get(f"{API}extensions/", {"status": "pending"}).json()["results"]
    assert extension["id"] in [e["id"] for e in pending]
    response = supervisor_api.post(
        f"{API}extensions/{extension['id']}/decide/", {"approve": True}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"


def test_extend_validation(users, cgj, cgj_api):
    _, assignment = dispatched(users["agent"], cgj)
    response = cgj_api.post(
        f"{API}assignments/{assignment.pk}/extend/", {"reason": "", "days": 0}, format="json"
    )
    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"reason", "days"}


def test_supervision_answered_by_the_department(users, cgj, cgj_api, scjgj_api):
    case, assignment = dispatched(users["agent"], cgj)
    order = services.supervise_case(
        case,
        actor=users["supervisor"],
        level="normal",
        reason="Overdue",
        due_at=assignment.reply_due_at,
    )
    assert scjgj_api.get(f"{API}supervisions/{order.pk}/").status_code == 404
    assert (
        scjgj_api.post(
            f"{API}supervisions/{order.pk}/answer/", {"answer": "x"}, format="json"
        ).status_code
        == 404
    )
    response = cgj_api.post(f"{API}supervisions/{order.pk}/answer/", {}, format="json")
    assert response.status_code == 400
    response = cgj_api.post(
        f"{API}supervisions/{order.pk}/answer/", {"answer": "Fixed on Monday"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "answered"


@pytest.mark.parametrize("page_size", [1, 100])
@pytest.mark.parametrize("endpoint", ["assignments/", "extensions/", "supervisions/"])
def test_handling_lists_do_not_grow_with_the_page(
    endpoint, page_size, users, cgj, cgj_api, django_assert_max_num_queries
):
    for n in range(3):
        case, assignment = dispatched(users["agent"], cgj, content=f"row {n}")
        services.sign_assignment(assignment, actor=users["handler"])
        services.request_extension(assignment, actor=users["handler"], reason="parts", days=2)
        services.supervise_case(
            case,
            actor=users["supervisor"],
            level="normal",
            reason="late",
            due_at=assignment.reply_due_at,
        )
    with django_assert_max_num_queries(6):
        response = cgj_api.get(f"{API}{endpoint}", {"page_size": page_size})
    assert len(response.json()["results"]) == min(page_size, 3)
