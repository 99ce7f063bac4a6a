"""kb_eval and bench_search: figures printed, settings chosen on folds, bad input named."""

import json

import pytest
from django.core.management import CommandError, call_command

ARTICLES = [
    ("a1", "社会保障卡补办流程", "携带居民身份证到服务网点申请补办社会保障卡。"),
    ("a2", "住房公积金提取条件", "租房、购房可以提取住房公积金。"),
    ("a3", "失业保险金申领", "非因本人意愿中断就业的，可以申领失业保险金。"),
    ("a4", "护照办理材料", "申请护照须提交居民身份证和证件照。"),
]
QUESTIONS = [
    ("社保卡丢了去哪补办", "a1"), ("公积金租房能取吗", "a2"), ("失业金怎么领", "a3"),
    ("办护照要什么材料", "a4"), ("社会保障卡补办", "a1"), ("住房公积金提取", "a2"),
]  # fmt: skip


@pytest.fixture
def questions(db, tmp_path):
    articles = tmp_path / "articles.jsonl"
    articles.write_text(
        "".join(
            json.dumps({"id": i, "title": t, "answer": a}, ensure_ascii=False) + "\n"
            for i, t, a in ARTICLES
        ),
        encoding="utf-8",
    )
    call_command("import_kb", str(articles))
    path = tmp_path / "questions.jsonl"
    path.write_text(
        "".join(
            json.dumps({"question": q, "article": a}, ensure_ascii=False) + "\n"
            for q, a in QUESTIONS
        ),
        encoding="utf-8",
    )
    return str(path)


def test_kb_eval_prints_the_figures(questions, capsys):
    call_command("kb_eval", questions)
    assert "6 questions over 4 articles" in capsys.readouterr().out


def test_kb_eval_folds_choose_settings_on_the_other_folds(questions, capsys):
    call_command("kb_eval", questions, "--folds", "3")
    out = capsys.readouterr().out
    assert out.count("chose k1 ") == 3 and "on 4 questions; on the other 2:" in out
    assert "held out, 6 questions over 4 articles (3 folds): Recall@1 " in out


def test_kb_eval_folds_choose_the_answer_kind_and_place_factors_too(questions, capsys):
    call_command("kb_eval", questions, "--folds", "2")
    out = capsys.readouterr().out
    assert out.count(", answer kind +") == 2 and out.count(" / other place -") == 2


def test_kb_eval_can_learn_the_training_folds_questions(questions, capsys):
    call_command("kb_eval", questions, "--folds", "3", "--learn-questions")
    out = capsys.readouterr().out
    learned = "(3 folds, training folds' questions learned)"
    assert f"held out, 6 questions over 4 articles {learned}: Recall@1 " in out


def test_kb_eval_learns_questions_only_across_folds(questions):
    with pytest.raises(CommandError, match="--learn-questions needs --folds"):
        call_command("kb_eval", questions, "--learn-questions")


def test_kb_eval_refuses_impossible_folds(questions):
    with pytest.raises(CommandError, match="--folds"):
        call_command("kb_eval", questions, "--folds", "7")


def test_bench_search_prints_the_median(questions, capsys):
    call_command("bench_search", questions, "--rounds", "2")
    out = capsys.readouterr().out
    assert "4 articles" in out and "12 searches: p50 " in out
