"""What a question asks for, beyond its words: the kind of answer (a figure for 多少, a date for
何时 …) and the place it names. Real articles, real index, real database."""

import numpy as np

from knowledgebase import index as kb_index
from knowledgebase import textproc
from knowledgebase.search import search_articles, suggest_articles


def titles(hits):
    return [hit.title for hit in hits]


def test_the_kind_of_answer_a_question_asks_for():
    assert textproc.question_kinds("定点医院有多少个？") == {"figure"}
    assert textproc.question_kinds("门诊什么时候开放？") == {"time"}
    assert textproc.question_kinds("捐赠物资由哪些单位接收？") == {"office"}
    assert textproc.question_kinds("应急医院位于哪儿？") == {"place"}
    assert textproc.question_kinds("社保卡丢了怎么补办") == set()


def test_the_kinds_of_an_answers_short_sentences():
    assert textproc.answer_kinds("30\n一人一医疗团队，一人一诊疗方案") == {"figure"}
    assert textproc.answer_kinds("2月18日前") >= {"time"}
    long = "携带居民身份证到服务网点申请补办社会保障卡，现场制卡，当场领取，无需再次前往办理。"
    assert textproc.answer_kinds(long) == set()  # only a short sentence says what kind it is


def test_place_names_lose_their_administrative_suffix():
    assert textproc.places("湖北省黄冈市的定点医院") == {"湖北", "黄冈"}
    assert textproc.places("上海市对中小企业的租金政策") == {"上海"}
    assert textproc.places("社保卡丢了怎么补办") == set()


def raw_scores(query):
    """BM25F alone, per title, for checking that the words tie."""
    index = kb_index.get_index()
    scores = index.scores(textproc.query_terms(query))
    return dict(zip(TITLES, scores, strict=False))  # the titles published so far


TITLES = []


def test_a_question_asking_how_many_prefers_the_answer_with_a_figure(publish):
    TITLES[:] = ["定点医院的诊疗方案", "定点医院的救治安排"]
    publish(TITLES[0], "一人一医疗团队，一人一诊疗方案。")
    publish(TITLES[1], "一人一医疗团队。\n30")
    words = raw_scores("定点医院有多少")
    assert words[TITLES[0]] == words[TITLES[1]] > 0  # the words tie: the older comes first …
    assert titles(search_articles("定点医院怎么安排"))[0] == TITLES[1]
    assert titles(search_articles("定点医院诊疗"))[0] == TITLES[0]
    # … but a question asking for a figure gets the answer holding one first.
    assert titles(search_articles("定点医院有多少")) == [TITLES[1], TITLES[0]]


def test_a_question_naming_a_place_prefers_articles_not_about_another_place(publish):
    TITLES[:] = ["甘肃省稳岗返还政策", "各类企业稳岗返还政策", "吉林省稳岗返还政策"]
    publish(TITLES[0], "返还上年度失业保险费的50%。")
    publish(TITLES[1], "返还上年度失业保险费的50%。")
    words = raw_scores("黑龙江稳岗返还政策")
    assert words[TITLES[0]] > words[TITLES[1]] > 0  # on the words, the shorter title wins …
    # … but not when it is another province's and the question names its own.
    assert titles(search_articles("黑龙江稳岗返还政策")) == [TITLES[1], TITLES[0]]
    assert titles(search_articles("稳岗返还政策")) == [TITLES[0], TITLES[1]]  # no place asked
    publish(TITLES[2], "返还上年度失业保险费的50%。")
    index = kb_index.get_index()
    signals = index.signals("吉林稳岗返还政策")
    assert signals.place.tolist() == [False, False, True]
    assert signals.conflict.tolist() == [True, False, False]
    assert titles(search_articles("吉林稳岗返还政策"))[0] == TITLES[2]


def test_the_factors_never_lift_an_unrelated_question_over_the_floor(publish):
    publish("长沙市定点医院有多少家", "共30家。")
    assert suggest_articles("长沙今天几点下雨") == []


def test_learned_questions_find_their_article(publish):
    article = publish("失业保险金怎么申领", "通过掌上12333申领。")
    publish("住房公积金提取", "租房可以提取。")
    plain = kb_index.build_index(kb_index.current_key())
    learned = kb_index.build_index(
        kb_index.current_key(), learned={article.pk: ["丢了工作去哪里领补贴"]}
    )
    terms = textproc.query_terms("丢了工作领补贴")
    assert not plain.scores(terms).any()
    assert learned.ids[learned.scores(terms).argmax()] == article.pk


def test_the_factors_multiply_the_scores():
    signals = kb_index.Signals(
        kind=np.array([True, False, False, True]),
        place=np.array([True, False, False, False]),
        conflict=np.array([False, True, False, False]),
    )
    settings = kb_index.Settings(kind_weight=0.5, place_weight=0.2, conflict_weight=0.4)
    boosted = kb_index.boost(np.ones(4), signals, settings)
    assert boosted.round(3).tolist() == [1.8, 0.6, 1.0, 1.5]
    assert (
        kb_index.boost(np.ones(4), kb_index.Signals(None, None, None), settings).tolist()
        == [1.0] * 4
    )
