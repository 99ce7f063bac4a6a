"""The self-service dialogue: page (htmx, session), API, and escalation to a web case."""

import pytest
from django.urls import reverse

from cases.models import Case
from knowledgebase import dialogue


@pytest.fixture
def card_article(publish):
    return publish(
        "社会保障卡补办流程",
        "携带居民身份证到社保卡服务网点申请补办。",
        policy_document="长沙市社会保障卡管理办法",
    )


def test_ask_answers_with_the_best_article_and_its_source(card_article, publish):
    publish("社会保障卡挂失", "拨打12333挂失社保卡。")
    conversation = []
    turn = dialogue.ask(conversation, "社保卡丢了怎么补办")
    assert turn["answer"]["title"] == "社会保障卡补办流程"
    assert turn["answer"]["source"] == "长沙市社会保障卡管理办法"
    assert [o["title"] for o in turn["others"]] == ["社会保障卡挂失"]
    assert conversation == [turn]


def test_escalation_registers_a_web_case_with_the_questions(card_article):
    conversation = []
    dialogue.ask(conversation, "社保卡丢了怎么补办")
    dialogue.ask(conversation, "外地能补办吗")
    case = dialogue.escalate(conversation, name="王市民", phone="13800001234", client="192.0.2.1")
    assert (case.channel, case.request_type, case.status) == ("web", "consultation", "registered")
    assert (case.citizen_name, case.citizen_phone) == ("王市民", "13800001234")
    assert "社保卡丢了怎么补办" in case.content and "外地能补办吗" in case.content


@pytest.mark.parametrize(
    ("name", "phone", "field"), [("", "13800001234", "name"), ("王", "call me", "phone")]
)
def test_escalation_needs_contact_details(card_article, name, phone, field):
    conversation = []
    dialogue.ask(conversation, "社保卡补办")
    with pytest.raises(dialogue.InvalidInput) as refusal:
        dialogue.escalate(conversation, name=name, phone=phone, client="192.0.2.1")
    assert refusal.value.field == field
    assert not Case.objects.filter(channel="web", citizen_phone=phone).exists()


def test_the_page_keeps_the_conversation_and_escalates(client, card_article):
    page = reverse("ask:page")
    response = client.post(page, {"question": "社保卡补办"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "社会保障卡补办流程" in response.content.decode()
    client.post(page, {"question": "要带什么材料"}, HTTP_HX_REQUEST="true")
    assert [t["question"] for t in client.session["kb_dialogue"]] == ["社保卡补办", "要带什么材料"]
    bad = client.post(reverse("ask:escalate"), {"name": "李", "phone": "12"})
    assert bad.status_code == 400 and 'value="李"' in bad.content.decode()
    done = client.post(reverse("ask:escalate"), {"name": "李", "phone": "13900001111"})
    case = Case.objects.get(citizen_phone="13900001111")
    assert case.number in done.content.decode()
    assert "要带什么材料" in case.content
    assert client.session["kb_dialogue"] == []


def test_an_empty_question_is_answered_with_a_message(client, card_article):
    response = client.post(reverse("ask:page"), {"question": " "}, HTTP_HX_REQUEST="true")
    assert "type a question" in response.content.decode()


def test_api_answers_and_escalates(client, card_article):
    url = "/api/v1/kb/ask/"
    answer = client.post(url, {"question": "社保卡补办"}, content_type="application/json")
    assert answer.status_code == 200
    body = answer.json()
    assert body["answer"]["title"] == "社会保障卡补办流程" and body["case_number"] is None
    escalated = client.post(
        url,
        {
            "conversation": ["社保卡补办"],
            "question": "外地能办吗",
            "escalate": {"name": "赵", "phone": "13700001111"},
        },
        content_type="application/json",
    )
    assert escalated.status_code == 201
    case = Case.objects.get(number=escalated.json()["case_number"])
    assert "社保卡补办" in case.content and "外地能办吗" in case.content


def test_api_refuses_bad_input(client, db):
    url = "/api/v1/kb/ask/"
    assert client.post(url, {}, content_type="application/json").status_code == 400
    response = client.post(url, {"question": "x", "region": "999"}, content_type="application/json")
    assert response.status_code == 400 and "region" in response.content.decode()


def test_agents_pages(client, users, card_article, django_assert_max_num_queries):
    client.force_login(users["agent"])
    assert "社会保障卡补办流程" in client.get(reverse("kb:list")).content.decode()
    assert "社会保障卡补办流程" in client.get(reverse("kb:list"), {"q": "社保卡"}).content.decode()
    detail = client.get(reverse("kb:detail", args=[card_article.pk]))
    assert "长沙市社会保障卡管理办法" in detail.content.decode()
    client.post(reverse("kb:feedback", args=[card_article.pk]), {"helpful": "yes"})
    assert card_article.feedback.filter(helpful=True).count() == 1
    refused = client.post(reverse("kb:action", args=[card_article.pk, "archive"]), follow=True)
    assert "archive" in refused.content.decode().lower()
    card_article.refresh_from_db()
    assert card_article.status == "published"


@pytest.mark.parametrize("count", [2, 12])
def test_the_list_page_query_count_does_not_grow(
    client, users, publish, count, django_assert_max_num_queries
):
    for n in range(count):
        publish(f"文章{n}", "答案。")
    client.force_login(users["agent"])
    with django_assert_max_num_queries(12):
        assert client.get(reverse("kb:list")).status_code == 200


def test_an_editor_drafts_and_revises_through_the_pages(client, users, departments):
    client.force_login(users["editor"])
    bad = client.post(
        reverse("kb:new"), {"title": "x" * 129, "answer": "保留的答案", "kind": "hot_question"}
    )
    assert bad.status_code == 200 and "保留的答案" in bad.content.decode()
    response = client.post(
        reverse("kb:new"),
        {
            "title": "社保卡挂失",
            "questions": "社保卡丢了\n\n卡丢了怎么办",
            "answer": "拨打12333。",
            "kind": "hot_question",
        },
    )
    from knowledgebase.models import Article

    article = Article.objects.get(title="社保卡挂失")
    assert response.status_code == 302
    assert (article.department.code, article.status) == ("sub-12333", "draft")
    assert article.questions == ["社保卡丢了", "卡丢了怎么办"]
    client.post(
        reverse("kb:edit", args=[article.pk]),
        {"title": "社保卡挂失", "answer": "拨打12333或网上挂失。", "kind": "hot_question"},
    )
    article.refresh_from_db()
    assert article.answer == "拨打12333或网上挂失。"
    client.force_login(users["agent"])
    assert client.get(reverse("kb:new")).status_code == 404


@pytest.fixture
def two_subjects(publish):
    # the passport article first: on a tie (材料 alone) the older article ranks first
    publish("护照办理需要什么材料", "申请护照须提交身份证和近期证件照。")
    publish("社会保障卡补办需要什么材料", "补办社保卡请携带居民身份证原件。")
    publish("社会保障卡的用途", "社保卡可用于就医结算和领取待遇。")


def test_a_follow_up_is_read_with_the_topic_of_the_conversation(two_subjects):
    # given a conversation about the social security card
    conversation = []
    first = dialogue.ask(conversation, "社保卡有什么用")
    assert first["answer"]["title"] == "社会保障卡的用途"

    # when the citizen asks a follow-up that names no subject
    second = dialogue.ask(conversation, "那需要什么材料？")

    # then it is answered about the card, not about passports
    assert second["topic"] == "社保卡有什么用"
    assert second["answer"]["title"] == "社会保障卡补办需要什么材料"


def test_a_question_with_its_own_subject_changes_the_topic(two_subjects):
    conversation = []
    dialogue.ask(conversation, "社保卡有什么用")
    turn = dialogue.ask(conversation, "护照怎么办理")
    assert turn["topic"] == "护照怎么办理"
    assert dialogue.ask(conversation, "要带什么材料")["answer"]["title"] == "护照办理需要什么材料"


def test_the_api_reads_a_follow_up_with_the_earlier_questions(client, two_subjects):
    body = {"question": "那需要什么材料？", "conversation": ["社保卡有什么用"]}
    answer = client.post("/api/v1/kb/ask/", body, content_type="application/json").json()
    assert answer["answer"]["title"] == "社会保障卡补办需要什么材料"


def test_when_it_does_not_know_it_says_so_and_offers_the_call_back(client, two_subjects):
    response = client.post(
        reverse("ask:page"), {"question": "今天天气怎么样"}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert client.session["kb_dialogue"][-1]["answer"] is None
    assert "We do not know the answer to this" in page
    assert '<details class="panel escalate" open>' in page


def test_the_api_says_what_the_page_says_when_it_does_not_know(client, two_subjects, settings):
    from django.utils import translation

    # given a question no article clears the floor for, asked in Chinese on the page and the API
    settings.LANGUAGE_CODE = "zh-hans"
    question = {"question": "今天天气怎么样"}
    with translation.override("zh-hans"):
        page = client.post(reverse("ask:page"), question, HTTP_HX_REQUEST="true").content.decode()
        body = client.post(
            "/api/v1/kb/ask/", question, content_type="application/json",
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        ).json()  # fmt: skip

    # then the API has no answer but the same sentence and the call-back offer as the page
    assert body["answer"] is None
    said = body["no_answer"]
    assert said["text"].startswith("这个问题我们暂时无法回答") and said["text"] in page
    assert said["escalation"]["offer"] in page and said["escalation"]["fields"] == ["name", "phone"]


def test_an_answered_question_has_no_no_answer(client, card_article):
    body = client.post(
        "/api/v1/kb/ask/", {"question": "社保卡补办"}, content_type="application/json"
    ).json()
    assert body["answer"]["title"] == "社会保障卡补办流程" and body["no_answer"] is None


def test_the_schema_documents_the_no_answer_sentence_and_the_offer():
    from drf_spectacular.generators import SchemaGenerator

    schemas = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    output = schemas["AskOutput"]["properties"]
    assert "no_answer" in output and "null" in str(output["no_answer"]).lower()
    assert set(schemas["NoAnswer"]["properties"]) == {"text", "escalation"}
    assert set(schemas["EscalationOffer"]["properties"]) == {"offer", "fields"}
