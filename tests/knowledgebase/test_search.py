"""Search in Chinese and English: segmentation, phrasings, typos, regions, staleness.

Runs on SQLite by default and on PostgreSQL with DATABASE_URL (the GIN and trigram path).
"""

import datetime

import pytest
from django.db import connection

from departments.models import Region
from knowledgebase import services, textproc
from knowledgebase.search import search_articles

POSTGRES_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigram fallback is PostgreSQL's"
)


def titles(hits):
    return [hit.title for hit in hits]


def test_segmentation_keeps_domain_words_and_drops_stopwords():
    words = textproc.words("社会保障卡补办流程是什么？")
    assert "社会保障卡" in words and "补办" in words and "流程" in words
    assert "什么" not in words and "？" not in words


def test_abbreviations_are_expanded_in_the_query():
    terms = textproc.query_terms("社保卡补办")
    assert "社会保障卡" in terms and "补办" in terms
    assert terms[textproc.bigram_key("补办")] == textproc.BIGRAM_WEIGHT


def test_abbreviation_finds_the_full_name(publish):
    publish("社会保障卡补办流程", "携带居民身份证到社保卡服务网点申请补办。")
    publish("居民身份证丢失如何补办", "到派出所户籍窗口申请补领。")
    hits = search_articles("社保卡补办")
    assert titles(hits)[0] == "社会保障卡补办流程"
    assert hits[0].score > 0 and not hits[0].stale
    assert "补办" in hits[0].snippet


def test_other_phrasings_are_searched(publish):
    publish("失业保险金怎么申领", "通过掌上12333申领。", questions=["失业了能领钱吗"])
    publish("住房公积金提取", "租房可以提取。")
    assert titles(search_articles("失业了能领钱吗"))[0] == "失业保险金怎么申领"


def test_a_typo_still_finds_the_article(publish):
    publish("社会保障卡补办流程", "携带居民身份证到服务网点申请补办。")
    publish("住房公积金提取", "租房可以提取。")
    assert titles(search_articles("社报卡补办"))[:1] == ["社会保障卡补办流程"]


def test_english_questions_are_searched(publish):
    publish("How to renew a passport", "Apply at the exit-entry office with your ID card.")
    publish("Where to pay a parking fine", "Pay online or at any bank.")
    assert titles(search_articles("renew my passport"))[0] == "How to renew a passport"
    assert search_articles("zzzz qqqq") == []


def test_title_weighs_more_than_the_body(publish):
    publish("公积金贷款额度", "额度按缴存余额计算，与养老保险无关。")
    publish("养老保险缴费基数", "基数按上年度社会平均工资确定。")
    assert titles(search_articles("养老保险"))[0] == "养老保险缴费基数"


def test_region_filters_articles(publish):
    yuelu, tianxin = Region.objects.get(code="430104"), Region.objects.get(code="430103")
    street = yuelu.children.first()
    publish("施工噪音投诉渠道（岳麓区）", "由岳麓区城管执法局查处。", regions=[yuelu])
    publish("施工噪音如何投诉", "拨打12345反映。")
    assert len(search_articles("施工噪音投诉", region=street)) == 2
    assert titles(search_articles("施工噪音投诉", region=tianxin)) == ["施工噪音如何投诉"]
    assert len(search_articles("施工噪音投诉")) == 2


def test_stale_articles_rank_below_current_ones_and_are_marked(publish, past):
    long_ago = past - datetime.timedelta(days=400)
    publish("退休人员养老金资格认证", "刷脸认证。", effective_date=long_ago, review_by=past)
    publish("养老金资格认证办法", "刷脸认证。")
    hits = search_articles("养老金资格认证")
    assert [hit.stale for hit in hits] == [False, True]
    assert hits[0].title == "养老金资格认证办法"


def test_archived_and_unpublished_articles_are_never_suggested(publish, users, departments):
    article = publish("社会保障卡补办流程", "到网点补办。")
    services.create_article(
        actor=users["editor"],
        department=departments["sub-12333"],
        title="社保卡挂失",
        answer="拨打12333。",
    )
    assert titles(search_articles("社保卡")) == ["社会保障卡补办流程"]
    services.archive_article(article, actor=users["reviewer"])
    assert search_articles("社保卡") == []


def test_a_published_version_stays_live_while_the_next_is_drafted(publish, users):
    article = publish("社会保障卡补办流程", "旧答案：到网点补办。")
    services.update_article(article, actor=users["editor"], answer="新答案：线上补办。")
    hits = search_articles("社保卡补办")
    assert hits[0].article.pk == article.pk
    assert hits[0].answer == "旧答案：到网点补办。"


def test_an_article_published_outside_the_services_is_found(departments):
    from knowledgebase.models import Article

    Article.objects.create(
        title="灵活就业人员如何缴纳养老保险",
        answer="到社保经办窗口登记缴纳。",
        department=departments["rsj"],
        status="published",
        version=1,
    )
    assert titles(search_articles("灵活就业怎么交养老保险")) == ["灵活就业人员如何缴纳养老保险"]
    assert "养老保险" in Article.objects.get().search_title.split()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigram fallback is PostgreSQL's"
)
def test_postgres_falls_back_to_the_nearest_titles_when_no_term_matches(publish):
    publish("How to renew a passport", "Apply at the exit-entry office with your ID card.")
    publish("Where to pay a parking fine", "Pay online or at any bank.")
    assert titles(search_articles("pasport renewl")) == ["How to renew a passport"]


@POSTGRES_ONLY
def test_postgres_answers_the_fallback_from_the_gist_index_in_distance_order(publish):
    publish("How to renew a passport", "Apply at the exit-entry office with your ID card.")
    with connection.cursor() as cursor:
        # A tiny table would be read whole or bitmap-scanned and sorted: ask whether the index
        # can give the rows in distance order at all.
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM knowledgebase_article WHERE title %% %s "
            "ORDER BY title <-> %s LIMIT 20",
            ["pasport", "pasport"],
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "article_title_trgm_gist" in plan and "Sort" not in plan


def test_the_index_is_searched_without_reading_every_article(
    publish, django_assert_max_num_queries
):
    publish("社会保障卡补办流程", "携带居民身份证到服务网点申请补办。")
    search_articles("社保卡补办")  # builds the index
    with django_assert_max_num_queries(2):  # the hits, and at most the freshness check
        assert titles(search_articles("社保卡补办")) == ["社会保障卡补办流程"]
