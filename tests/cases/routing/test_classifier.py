"""The learned category suggestion: training, persistence, the commands and its use in suggest."""

import json
import re

import pytest
from django.core.management import CommandError, call_command

from cases.routing import classifier
from cases.routing.suggestions import facts_for, suggest
from tests.routing_world import (
    LIGHTS,
    category,
    closed_case,
    make_rule,
)

pytestmark = pytest.mark.usefixtures("fresh_caches")

FOOD_TEXTS = [
    "餐馆后厨卫生很差，苍蝇乱飞",
    "饭店的菜里吃出了虫子，食品安全有问题",
    "路边小吃店卫生脏乱差，吃了拉肚子",
    "外卖餐馆没有卫生许可证",
    "食堂饭菜变质，学生吃了呕吐",
    "超市卖过期食品",
]
LIGHT_TEXTS = [
    "小区门口的路灯坏了好几天，晚上很黑",
    "路灯一直不亮，行人看不清路",
    "马路上的路灯白天还亮着，浪费电",
    "井盖丢失，路灯倒了，很危险",
    "街边路灯闪烁不停",
    "这条路没有路灯，晚上走路害怕",
]


@pytest.fixture
def model_file(settings, tmp_path):
    settings.ROUTER_MODEL_PATH = tmp_path / "category.joblib"
    return settings.ROUTER_MODEL_PATH


def small_model():
    texts = FOOD_TEXTS + LIGHT_TEXTS
    return classifier.train(texts, ["070801"] * 6 + [LIGHTS] * 6)


def test_training_on_a_small_set_ranks_the_right_category_first():
    model = small_model()
    [ranked] = classifier.top_k(model, ["饭店卫生太差了，菜里有虫"], 3)
    assert ranked[0][0] == "070801"
    assert len(ranked) == 2 and ranked[0][1] > ranked[1][1]
    assert abs(sum(p for _c, p in ranked) - 1) < 1e-6


def test_one_category_is_not_enough_to_train():
    with pytest.raises(ValueError, match="two categories"):
        classifier.train(FOOD_TEXTS, ["070801"] * 6)


def test_saved_model_suggests_categories_as_objects(model_file):
    assert classifier.suggest_categories("路灯坏了") == []  # nothing trained yet
    classifier.save(small_model())
    guesses = classifier.suggest_categories("路灯坏了，晚上很黑", k=3)
    assert guesses[0][0] == category(LIGHTS)
    assert classifier.suggest_categories("   ") == []


def test_a_model_file_that_cannot_be_read_means_no_suggestion(model_file, caplog):
    # a model pickled when the classifier lived in another module (departments.classifier)
    model_file.write_bytes(b"cdepartments.classifier\ntokenize\n.")
    assert classifier.suggest_categories("路灯坏了，晚上很黑") == []
    assert "run train_router" in caplog.text


def test_suggest_guesses_the_category_when_the_agent_has_not_chosen_one(model_file):
    classifier.save(small_model())
    make_rule("Facilities → 城管局", category_code=LIGHTS, to="cgj")
    [found] = suggest({"content": "路灯一直不亮，晚上看不清路"})
    assert found.department.code == "cgj"
    assert "category 公共设施 guessed from the text" in found.reason


def test_train_router_learns_from_closed_cases(users, model_file, capsys):
    for text in FOOD_TEXTS[:3]:
        closed_case(users, to="scjgj", handler=users["handler2"], content=text,
                    category=category("070801"))  # fmt: skip
    for text in LIGHT_TEXTS[:3]:
        closed_case(users, to="cgj", handler=users["handler"], content=text,
                    category=category(LIGHTS))  # fmt: skip
    call_command("train_router", "--min-cases", "6")
    assert "Trained on 6 closed cases in 2 categories" in capsys.readouterr().out
    assert model_file.exists()
    assert classifier.suggest_categories("餐馆卫生差")[0][0].code == "070801"


def test_train_router_refuses_too_few_cases(db, model_file):
    with pytest.raises(CommandError, match="need at least 20 cases"):
        call_command("train_router")
    assert not model_file.exists()


def write_lines(path, texts, labels):
    rows = [{"title": "", "text": t, "category": c} for t, c in zip(texts, labels, strict=True)]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return str(path)


def test_route_eval_prints_top1_top3_and_time(tmp_path, capsys):
    train = write_lines(tmp_path / "train.jsonl", FOOD_TEXTS[:5] + LIGHT_TEXTS[:5],
                        ["食品"] * 5 + ["路灯"] * 5)  # fmt: skip
    test = write_lines(tmp_path / "test.jsonl", [FOOD_TEXTS[5], LIGHT_TEXTS[5]], ["食品", "路灯"])
    call_command("route_eval", "--train", train, "--test", test)
    out = capsys.readouterr().out
    assert "tested on 2: top-1 " in out and "top-3 1.000" in out and "ms per suggestion" in out


def test_route_eval_cross_validates_with_weak_lines_always_in_training(tmp_path, capsys):
    gold = write_lines(tmp_path / "gold.jsonl", FOOD_TEXTS + LIGHT_TEXTS,
                       ["食品"] * 6 + ["路灯"] * 6)  # fmt: skip
    call_command("route_eval", "--gold", gold, "--folds", "3", "--seed", "1")
    out = capsys.readouterr().out
    assert out.count("split ") == 3 and "all: tested on 12:" in out
    # the latency an agent waits: jieba segmenting the raw text, then the model
    assert re.search(r"as intake makes them, jieba included: \d+\.\d ms", out)


def test_route_eval_names_a_bad_file(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "x"}\n', encoding="utf-8")
    with pytest.raises(CommandError, match=r"bad\.jsonl:1: not JSON with a category"):
        call_command("route_eval", "--train", str(bad), "--test", str(bad))
    with pytest.raises(CommandError, match="no such file"):
        call_command("route_eval", "--train", "missing.jsonl", "--test", str(bad))


def test_a_weak_guess_is_mentioned_but_not_routed_on(model_file):
    texts = FOOD_TEXTS[:3] + LIGHT_TEXTS[:3] + ["公交车晚点", "公交司机态度差", "公交线路太少"]
    texts += ["工资被拖欠", "老板不发工资", "拖欠农民工工资"]
    labels = ["070801"] * 3 + [LIGHTS] * 3 + ["0502"] * 3 + ["080508"] * 3
    classifier.save(classifier.train(texts, labels))
    make_rule("Facilities → 城管局", category_code=LIGHTS, to="cgj")
    facts = facts_for({"content": "你好，请问一下"})
    assert facts.category is None
    assert facts.notes[0].startswith("category unclear from the text")


def test_the_classifications_own_lines_drop_the_catch_all_name():
    texts, labels = classifier.taxonomy_lines(
        [
            ("城乡建设", ["城乡规划", "违章建筑"]),
            ("城乡建设", ["其他", "其他"]),
            ("交通运输", ["其他", "出租车管理"]),
        ]
    )
    assert texts == ["城乡规划 违章建筑", "出租车管理"] and labels == ["城乡建设", "交通运输"]


def test_taxonomy_lines_come_from_the_categories_names_and_description(
    db, django_assert_num_queries
):
    with django_assert_num_queries(1):  # the whole classification at once, whatever its size
        texts, labels = classifier.taxonomy_from_categories({LIGHTS, "0502"})
    lights = texts[labels.index(LIGHTS)]
    assert lights.startswith("城市设施管理 公共设施 ") and "下水道" in lights  # the description
    # a second-level label gathers a line for itself and one for each category below it
    assert labels.count("0502") == 1 + category("0502").children.count()
    lines = [t for t, label in zip(texts, labels, strict=True) if label == "0502"]
    assert any(t.startswith("公共汽车 公交线路 ") for t in lines)


def test_the_classifications_words_overrule_a_word_the_messages_place_elsewhere(db):
    # 下水道 appears only in a food message; the description of 公共设施 names it
    texts = [*FOOD_TEXTS, "餐馆把泔水倒进下水道", *LIGHT_TEXTS, "路灯坏了，下水道旁边很黑"]
    labels = ["070801"] * 7 + [LIGHTS] * 7
    texts[0] += "，下水道"
    plain = classifier.train(texts, labels)
    taught = classifier.train(
        texts, labels, taxonomy=classifier.taxonomy_from_categories(set(labels))
    )
    [plain_top] = classifier.top_k(plain, ["下水道"], 1)
    [taught_top] = classifier.top_k(taught, ["下水道"], 1)
    assert plain_top[0][0] == "070801"
    assert taught_top[0][0] == LIGHTS


def test_route_eval_adds_the_classifications_lines_and_chooses_their_weight(tmp_path, capsys):
    gold = write_lines(tmp_path / "gold.jsonl", FOOD_TEXTS + LIGHT_TEXTS,
                       ["食品"] * 6 + ["路灯"] * 6)  # fmt: skip
    taxonomy = tmp_path / "taxonomy.csv"
    taxonomy.write_text("一级分类,二级分类,三级分类\n食品,餐饮卫生,其他\n路灯,市政设施,路灯照明\n")
    call_command("route_eval", "--gold", gold, "--folds", "3", "--taxonomy", str(taxonomy))
    out = capsys.readouterr().out
    assert out.count("classification lines weigh 30") == 3 and "all: tested on 12:" in out
    with pytest.raises(CommandError, match="no such file"):
        call_command("route_eval", "--gold", gold, "--taxonomy", str(tmp_path / "missing.csv"))
