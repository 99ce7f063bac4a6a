"""The article workflow: draft → review → publish → new version → stale → archived, and who."""

import pytest

from core.errors import ActionForbidden, InvalidInput, TransitionNotAllowed
from knowledgebase import selectors, services
from knowledgebase.models import Article, ArticleVersion


@pytest.fixture
def draft(users, departments):
    return services.create_article(
        actor=users["editor"],
        department=departments["sub-12333"],
        title="社会保障卡补办流程",
        questions=["社保卡丢了怎么办", " "],
        answer="到网点补办。",
    )


def test_the_whole_life_of_an_article(draft, users, past):
    editor, reviewer = users["editor"], users["reviewer"]
    assert draft.status == "draft" and draft.questions == ["社保卡丢了怎么办"]
    services.submit_article(draft, actor=editor)
    article = services.send_back_article(draft, actor=reviewer, comment="写明工本费")
    assert article.status == "sent_back" and article.review_comment == "写明工本费"
    services.update_article(article, actor=editor, answer="到网点补办，工本费按规定收取。")
    services.submit_article(article, actor=editor)
    article = services.publish_article(article, actor=reviewer)
    assert (article.status, article.version, article.review_comment) == ("published", 1, "")
    assert "补办" in article.search_body.split()
    # a new version: the published one is kept
    article = services.update_article(
        article, actor=editor, answer="线上也可补办。", review_by=past
    )
    assert article.status == "draft" and article.version == 1
    services.submit_article(article, actor=editor)
    article = services.publish_article(article, actor=reviewer)
    versions = ArticleVersion.objects.filter(article=article).order_by("version")
    assert [(v.version, v.answer) for v in versions] == [
        (1, "到网点补办，工本费按规定收取。"),
        (2, "线上也可补办。"),
    ]
    # stale: listed for its department
    assert article.is_stale
    assert list(selectors.stale_articles(editor)) == [article]
    # archived: out of the live set for good
    services.archive_article(article, actor=editor)
    assert not Article.objects.get(pk=article.pk).is_live
    with pytest.raises(TransitionNotAllowed):
        services.update_article(article, actor=editor, answer="x")


@pytest.mark.parametrize("username", ["agent", "handler", "reviewer"])
def test_only_the_departments_editors_draft(username, users, departments):
    with pytest.raises(ActionForbidden):
        services.create_article(
            actor=users[username], department=departments["sub-12333"], title="t", answer="a"
        )
    assert not Article.objects.filter(title="t").exists()


def test_an_editor_of_another_department_cannot_edit(draft, users, departments):
    users["handler"].memberships.create(department=departments["cgj"], role="editor")
    with pytest.raises(ActionForbidden):
        services.update_article(draft, actor=users["handler"], answer="x")
    assert Article.objects.get(pk=draft.pk).answer == "到网点补办。"


def test_only_reviewers_publish_or_send_back(draft, users):
    services.submit_article(draft, actor=users["editor"])
    for username in ("editor", "agent"):
        with pytest.raises(ActionForbidden):
            services.publish_article(draft, actor=users[username])
        with pytest.raises(ActionForbidden):
            services.send_back_article(draft, actor=users[username], comment="no")
    assert Article.objects.get(pk=draft.pk).status == "in_review"


def test_refused_steps_name_the_problem(draft, users):
    with pytest.raises(TransitionNotAllowed):
        services.publish_article(draft, actor=users["reviewer"])
    services.submit_article(draft, actor=users["editor"])
    with pytest.raises(InvalidInput) as refusal:
        services.send_back_article(draft, actor=users["reviewer"], comment="  ")
    assert refusal.value.field == "comment"
    with pytest.raises(TransitionNotAllowed):
        services.submit_article(draft, actor=users["editor"])


def test_bad_content_is_refused(users, departments):
    with pytest.raises(InvalidInput) as refusal:
        services.create_article(
            actor=users["editor"], department=departments["sub-12333"], title="x" * 129, answer="a"
        )
    assert refusal.value.field == "title"


def test_sub_center_articles_are_shared_with_12345_agents(draft, users):
    assert list(selectors.visible_articles(users["agent"])) == []  # a draft is the editors'
    services.submit_article(draft, actor=users["editor"])
    services.publish_article(draft, actor=users["reviewer"])
    assert [a.pk for a in selectors.visible_articles(users["agent"])] == [draft.pk]


def test_feedback_and_answered_counts(draft, users):
    services.submit_article(draft, actor=users["editor"])
    article = services.publish_article(draft, actor=users["reviewer"])
    services.record_feedback(article, actor=users["agent"], helpful=True)
    services.record_feedback(article, actor=users["agent"], helpful=False)
    services.record_feedback(article, actor=users["agent"], helpful=True)
    with pytest.raises(ActionForbidden):
        services.record_feedback(article, actor=users["handler"], helpful=True)
    row = selectors.get_article_for(users["agent"], article.pk)
    assert (row.helped, row.not_helped, row.answered_count) == (2, 1, 0)
