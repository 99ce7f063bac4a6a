"""Everyday words: the supervisors' synonym table feeds the category search, the knowledge
search and the rules; rule words match whole words, not single characters."""

import pytest
from django.urls import reverse

from cases.models import Synonym
from cases.routing import synonyms
from knowledgebase import index
from knowledgebase import services as kb
from knowledgebase.search import search_articles
from tests.routing_world import LIGHTS, make_rule

from .test_routing import top

pytestmark = pytest.mark.usefixtures("fresh_caches")
NOISE = "040201"


@pytest.fixture(autouse=True)
def fresh_synonyms():
    synonyms.invalidate()
    index.clear()
    yield
    synonyms.invalidate()
    index.clear()


def test_the_seeded_table_says_noise_in_everyday_words():
    assert Synonym.objects.filter(word="噪音", term="噪声").exists()
    assert synonyms.terms_in("楼下噪音") == ["噪声"]
    assert synonyms.terms_in("路灯不亮好几天了") == ["照明"]  # 路灯 is in the text already


def test_an_everyday_word_finds_the_category(client_for):
    page = client_for("agent").get(reverse("cases:intake_categories"), {"category_search": "噪音"})
    assert "噪声污染" in page.content.decode()


def test_a_new_synonym_counts_at_once(client_for):
    def search():
        url = reverse("cases:intake_categories")
        return client_for("agent").get(url, {"category_search": "喧哗"}).content.decode()

    assert "噪声污染" not in search()
    Synonym.objects.create(word="喧哗", term="噪声")
    assert "噪声污染" in search()


def test_an_everyday_word_finds_the_article(users, departments):
    article = kb.create_article(
        actor=users["editor"], department=departments["sub-12333"],
        title="噪声污染如何投诉", answer="拨打12345反映，由生态环境部门查处。",
    )  # fmt: skip
    kb.publish_article(kb.submit_article(article, actor=users["editor"]), actor=users["reviewer"])
    assert [hit.title for hit in search_articles("噪音")] == ["噪声污染如何投诉"]


@pytest.mark.parametrize(
    ("words", "content", "expected"),
    [
        (["夜"], "夜间施工噪音很大", None),  # a character of 夜间 is not the word 夜
        (["夜间"], "夜间施工噪音很大", "gaj"),
        (["噪声"], "楼下噪音很大", "gaj"),  # through the synonym table
        (["路灯"], "路灯杆倒了", "gaj"),  # a word inside a longer one
    ],
)
def test_rule_words_match_words_not_characters(words, content, expected):
    make_rule("Words", category_code=LIGHTS, to="gaj", include_words=words)
    assert top({"category": LIGHTS, "content": content}) == expected
