"""The intake page's knowledge suggestions: worth reading, in force, and answered with the
published text."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from knowledgebase import index
from knowledgebase import services as kb
from tests.cases.workbench import INTAKE


@pytest.fixture(autouse=True)
def fresh_index():
    index.clear()
    yield
    index.clear()


@pytest.fixture
def publish(users, departments):
    def _publish(title, answer, **fields):
        article = kb.create_article(
            actor=users["editor"],
            department=departments["sub-12333"],
            title=title,
            answer=answer,
            **fields,
        )
        kb.submit_article(article, actor=users["editor"])
        return kb.publish_article(article, actor=users["reviewer"])

    return _publish


def assist(client, content):
    response = client.get(
        reverse("cases:intake_assist"), {"content": content, "request_type": "consultation"}
    )
    return response.content.decode()


def test_answer_with_an_article_under_revision_sends_the_published_answer(
    client_for, users, publish
):
    # given a published article whose next version is being drafted
    article = publish("失业保险金申领条件", "已办理失业登记的，可申领失业保险金。")
    kb.update_article(article, actor=users["editor"], answer="草稿：尚未审核的新答案。")

    # when the agent answers with it, leaving the answer box empty
    data = {**INTAKE, "answer": "", "intent": f"answer:{article.pk}"}
    response = client_for("agent").post(reverse("cases:new"), data)

    # then the case carries the published answer, not the draft
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.answer == "已办理失业登记的，可申领失业保险金。"
    assert list(case.answered_with.all()) == [article]


def test_answer_with_an_article_never_published_is_refused(client_for, users, departments):
    draft = kb.create_article(
        actor=users["editor"], department=departments["sub-12333"], title="草稿", answer="未发布。"
    )
    data = {**INTAKE, "answer": "", "intent": f"answer:{draft.pk}"}

    response = client_for("agent").post(reverse("cases:new"), data)

    assert response.status_code == 400
    assert not Case.objects.exists()


def test_no_suggestion_is_better_than_unrelated_ones(client_for, publish):
    publish("失业保险金申领条件", "已办理失业登记的，可申领失业保险金。")
    publish("社会保障卡补办流程", "携带居民身份证到服务网点申请补办。")
    agent = client_for("agent")

    assert "失业保险金申领条件" in assist(agent, "请问失业保险金怎么申领？")
    # shares one word (申请) with an article, but is about something else
    unrelated = assist(agent, "楼下饭店的油烟太大，申请有关部门来处理一下")
    assert "失业保险金申领条件" not in unrelated and "社会保障卡补办流程" not in unrelated


def test_an_article_not_yet_in_force_is_not_suggested(client_for, publish):
    soon = timezone.localdate() + datetime.timedelta(days=10)
    publish("失业保险金新标准", "下月起失业保险金按新标准发放。", effective_date=soon)

    assert "失业保险金新标准" not in assist(client_for("agent"), "失业保险金新标准是多少")
