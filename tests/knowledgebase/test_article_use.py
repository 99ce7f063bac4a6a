"""A knowledge article's 答复工单数 opens exactly the cases it counts: the center's count links to
the case list filtered by the article (page and API); a department, whose list would hold
fewer, reads the number without a link."""

import re

import pytest
from django.urls import reverse

from cases import services
from tests.apiutil import API, error_of, register, user_client


@pytest.fixture
def cited(publish, users):
    """An article two answered consultations cite, a third answered without it."""
    article = publish("社会保障卡补办流程", "携带居民身份证到社保卡服务网点申请补办。")
    other = publish("灵活就业人员参保", "到社保经办窗口办理参保登记。")
    agent = users["agent"]
    citing = []
    for content in ("社保卡丢了怎么补办", "社保卡坏了怎么换"):
        case = register(agent, request_type="consultation", content=content)
        citing.append(
            services.answer_case(case, actor=agent, answer="到网点补办", articles=[article])
        )
    unrelated = register(agent, request_type="consultation", content="没有单位怎么交社保")
    services.answer_case(unrelated, actor=agent, answer="到窗口登记", articles=[other])
    return article, {c.number for c in citing}


def listed_numbers(html: str) -> set[str]:
    return set(re.findall(r"/cases/(\d{13})/", html))


def test_the_centers_count_opens_exactly_the_cases_it_counts(client, users, cited):
    article, numbers = cited
    client.force_login(users["agent"])
    page = client.get(reverse("kb:detail", args=[article.pk])).content.decode()
    link = f"{reverse('cases:list')}?article={article.pk}"
    assert f'<strong id="answered-count"><a href="{link}">2</a></strong>' in page
    listing = client.get(reverse("kb:list")).content.decode()
    assert f'<a href="{link}">2</a>' in listing

    opened = client.get(link, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert opened.status_code == 200
    html = opened.content.decode()
    assert listed_numbers(html) == numbers
    assert "引用知识条目“社会保障卡补办流程”答复" in html  # the list says what it shows

    api = user_client(users["agent"]).get(f"{API}cases/", {"article": article.pk})
    assert {row["number"] for row in api.json()["results"]} == numbers


def test_a_department_reads_the_count_without_a_link(client, users, cited):
    article, _numbers = cited
    client.force_login(users["handler"])
    page = client.get(reverse("kb:detail", args=[article.pk])).content.decode()
    assert '<strong id="answered-count">2</strong>' in page
    assert "?article=" not in page
    # the filter itself walks the department's window: none of those cases is theirs
    opened = client.get(reverse("cases:list"), {"article": article.pk})
    assert opened.status_code == 200 and listed_numbers(opened.content.decode()) == set()


@pytest.mark.parametrize("value", ["999999", "abc", "99999999999999999999", "-1"])
def test_an_unknown_article_is_refused_in_chinese(users, cited, value):
    api = user_client(users["agent"])
    response = api.get(f"{API}cases/", {"article": value}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    error = error_of(response)
    assert "article" in error["fields"]
    assert re.search(r"[\u4e00-\u9fff]", str(error["fields"]["article"]))


def test_a_case_answered_from_the_knowledge_base_names_its_articles(client, users, cited):
    article, numbers = cited
    client.force_login(users["agent"])
    number = sorted(numbers)[0]
    page = client.get(reverse("cases:detail", args=[number]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    link = f'<a href="{reverse("kb:detail", args=[article.pk])}">{article.title}</a>'
    assert "答复引用的知识条目" in html and link in html
