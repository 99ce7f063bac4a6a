"""Knowledge-base input that used to answer 500: the answer action's articles, the category
filter, and a NUL in /ask/ (which poisoned the session for every later escalation)."""

import pytest
from django.urls import reverse

from cases.models import Case
from tests.apiutil import API, error_of, register, token_client


@pytest.fixture
def article(publish):
    return publish("社会保障卡补办流程", "携带居民身份证到社保卡服务网点申请补办。")


def test_the_answer_action_takes_the_documented_articles_list(users, departments, article):
    case = register(users["agent"], request_type="consultation")
    api = token_client(departments["center"])
    response = api.post(
        f"{API}cases/{case.number}/answer/",
        {"answer": "到社保卡服务网点补办", "articles": [article.pk]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "answered"
    assert list(case.answered_with.all()) == [article]
    assert case.events.get(type="case_answered").data == {"articles": [article.pk]}


def test_an_unknown_article_is_a_400_naming_the_field(users, departments):
    case = register(users["agent"], request_type="consultation")
    api = token_client(departments["center"])
    response = api.post(
        f"{API}cases/{case.number}/answer/", {"answer": "x", "articles": [999999]}, format="json"
    )
    assert response.status_code == 400
    assert (
        "articles.0" in error_of(response)["fields"] or "articles" in error_of(response)["fields"]
    )
    case.refresh_from_db()
    assert case.status == "registered"


@pytest.mark.parametrize("value", ["abc", "²", "1.5"])
def test_a_category_that_is_not_an_id_is_a_400(client, users, value):
    client.force_login(users["agent"])
    assert client.get("/kb/", {"category": value}).status_code == 400


def test_a_nul_question_does_not_poison_the_session(client, article):
    page = reverse("ask:page")
    assert client.post(page, {"question": "社保卡补办"}, HTTP_HX_REQUEST="true").status_code == 200
    refused = client.post(page, {"question": "社保卡\x00补办"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 400
    assert [t["question"] for t in client.session["kb_dialogue"]] == ["社保卡补办"]
    done = client.post(reverse("ask:escalate"), {"name": "李", "phone": "13900001111"})
    assert done.status_code == 200
    assert Case.objects.filter(citizen_phone="13900001111").count() == 1
