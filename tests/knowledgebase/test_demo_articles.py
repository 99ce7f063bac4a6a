"""The demo knowledge base fits the demo city: Changsha articles, owned, categorised, labelled,
suggested first for the typical demo cases; imported policy Q&A from elsewhere is not."""

import io
import json

import pytest
from django.urls import reverse
from django.utils import translation

from cases.models import Category
from departments.models import Department, Region
from knowledgebase.demo import FAQ, load_demo_articles
from knowledgebase.importexport import (
    UNKNOWN_ISSUER,
    ImportFailed,
    import_articles,
    issuing_unit_of,
    write_export,
)
from knowledgebase.models import Article
from knowledgebase.search import search_articles

CHANGSHA = "430100"
TIANXIN = "430103"

# What an agent types for the typical demo cases → the article that should come first.
TYPICAL_CASES = [
    ("芙蓉路和五一大道路口的井盖丢了，晚上很危险", "井盖缺失、破损怎么反映"),
    ("小区旁边的工地每天夜里12点还在施工，噪音太大睡不着", "夜间施工噪声扰民怎么投诉"),
    ("我们这条路的路灯一直不亮，晚上漆黑一片", "路灯不亮怎么报修"),
    ("家里天花板漏水，报给物业好几次都不来维修", "物业不维修房屋漏水怎么办"),
    ("社保卡丢了，怎么补办", "社会保障卡补办流程"),
    ("住院自己垫付的费用医保怎么报销", "医保费用怎么报销（手工报销）"),
    ("外地户口想落户长沙需要什么条件", "如何落户长沙"),
    ("医保怎么报销", "医保费用怎么报销（手工报销）"),
    ("楼上邻居半夜唱歌太吵", "邻居家太吵、深夜喧哗怎么办"),
    ("路面塌陷有个大坑", "市政道路破损、坑洼怎么反映"),
]
# Public policy Q&A as the shared data set has it (no department, no region).
POLICY_ROWS = [
    {
        "id": "p-beijing",
        "title": "北京市失业人员如何申领失业保险金？",
        "questions": [],
        "answer": "失业人员可通过北京市人力资源和社会保障局网站申领失业保险金，无需到现场。",
    },
    {
        "id": "p-tax",
        "title": "国家税务总局对个人所得税年度汇算有何安排？",
        "questions": [],
        "answer": "纳税人可通过个人所得税App办理年度汇算。",
    },
    {
        "id": "p-changsha",
        "title": "长沙市对井盖安全隐患排查有什么要求？",
        "questions": [],
        "answer": "各井盖权属单位应定期排查井盖缺失、破损等安全隐患。",
    },
    {"id": "p-none", "title": "如何保证一线人员的必要休整？", "questions": [], "answer": "轮休。"},
]


@pytest.fixture
def demo_articles(db):
    load_demo_articles()
    return Article.objects.filter(source=Article.Source.DEMO)


def rows():
    return [json.loads(line) for line in FAQ.read_text(encoding="utf-8").splitlines()]


def test_the_demo_articles_load_and_loading_twice_changes_nothing(demo_articles):
    assert 80 <= demo_articles.count() == len(rows()) <= 120
    assert demo_articles.filter(status=Article.Status.PUBLISHED).count() == demo_articles.count()
    again = load_demo_articles()
    assert (again.created, again.updated) == (0, 0)


def test_every_demo_article_is_complete_and_owned_by_a_real_department(demo_articles):
    departments = set(Department.objects.values_list("code", flat=True))
    leaves = set(Category.objects.filter(level=3).values_list("code", flat=True))
    titles = [row["title"] for row in rows()]
    assert len(set(titles)) == len(titles)
    for row in rows():
        assert row["department"] in departments, row["title"]
        assert row["category"] in leaves, row["title"]
        assert 2 <= len(row["questions"]) <= 4 and row["keywords"], row["title"]
        assert row["kind"] in Article.Kind.values and row["regions"], row["title"]
    article = demo_articles.get(title="井盖缺失、破损怎么反映")
    assert (article.department.code, article.category.code, article.kind) == (
        "cgj",
        "030503",
        "hot_question",
    )
    assert [r.code for r in article.regions.all()] == [CHANGSHA]
    assert demo_articles.filter(category__isnull=True).count() == 0
    district_only = demo_articles.exclude(regions__code=CHANGSHA)
    assert 1 <= district_only.count() <= 5


@pytest.mark.parametrize(("text", "expected"), TYPICAL_CASES)
def test_the_typical_demo_cases_get_the_relevant_article_first(demo_articles, text, expected):
    region = Region.objects.get(code=TIANXIN)
    hits = search_articles(text, region=region, local=True)
    assert [hit.title for hit in hits][:1] == [expected]
    unknown_region = search_articles(text, local=True)
    assert [hit.title for hit in unknown_region][:1] == [expected]


def import_policy(rows=POLICY_ROWS):
    text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    return import_articles(io.StringIO(text), source=Article.Source.IMPORTED)


def test_imported_policy_articles_keep_their_issuing_unit_and_have_no_owner(db):
    assert import_policy().created == 4
    articles = {a.external_id: a for a in Article.objects.prefetch_related("regions")}
    units = {key: (a.issuing_unit, a.department_id) for key, a in articles.items()}
    assert units == {
        "p-beijing": ("北京市", None),
        "p-tax": ("国家税务总局", None),
        "p-changsha": ("长沙市", None),
        "p-none": (UNKNOWN_ISSUER, None),
    }
    assert all(a.source == Article.Source.IMPORTED and a.is_live for a in articles.values())
    # A place of our own becomes the article's region; another province's is not invented.
    assert [r.code for r in articles["p-changsha"].regions.all()] == [CHANGSHA]
    assert not articles["p-beijing"].regions.exists()
    again = import_policy()
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


def test_an_imported_row_cannot_claim_a_department(db):
    with pytest.raises(ImportFailed, match="no owning department"):
        import_policy([POLICY_ROWS[0] | {"department": "center"}])
    assert not Article.objects.filter(external_id="p-beijing").exists()


@pytest.mark.parametrize(
    ("title", "unit"),
    [
        ("西藏对确有特殊困难而不能按期缴纳税款的企业如何延期缴税？", "西藏自治区"),
        ("内江市如何帮助企业复工？", "内江市"),
        ("北京丰台区有哪些便民措施？", "北京丰台区"),
        ("河南省在保障生活物资供应方面有哪些政策？", "河南省"),
        ("目前江西省有哪些措施？", UNKNOWN_ISSUER),
        ("为满足市场需求采取了什么措施？", UNKNOWN_ISSUER),
        ("财政部对捐赠有何规定？", "财政部"),
    ],
)
def test_the_issuing_unit_is_read_from_the_title(title, unit):
    assert issuing_unit_of(title) == unit


def test_another_provinces_article_is_not_suggested_for_a_changsha_case(demo_articles):
    import_policy()
    tianxin = Region.objects.get(code=TIANXIN)
    beijing = Article.objects.get(external_id="p-beijing")
    for region in (tianxin, None):
        hits = search_articles("失业人员怎么申领失业保险金", region=region, local=True, limit=20)
        assert hits and beijing.pk not in [hit.article.pk for hit in hits]
    # The Changsha one applies here, with its issuing unit.
    hits = search_articles("井盖安全隐患排查", region=tianxin, local=True, limit=20)
    assert "长沙市对井盖安全隐患排查有什么要求？" in [hit.title for hit in hits]
    # An explicit search of the knowledge base still finds the other province's answer.
    hits = search_articles("北京市失业人员如何申领失业保险金", limit=5)
    assert hits[0].article.pk == beijing.pk and hits[0].article.issued_by == "北京市"


def test_the_intake_panel_leaves_out_other_provinces_articles(demo_articles, client, users):
    import_policy()
    client.force_login(users["agent"])
    text = "我失业了，想申领失业保险金"
    page = client.get(reverse("cases:intake_assist"), {"content": text}).content.decode()
    assert "失业保险金怎么申领" in page
    assert "北京市失业人员如何申领失业保险金" not in page


def test_the_knowledge_pages_show_the_issuing_unit_and_label_demo_content(
    demo_articles, client, users
):
    import_policy()
    client.force_login(users["agent"])
    found = client.get(reverse("kb:list"), {"q": "北京市失业人员申领失业保险金"}).content.decode()
    assert "北京市失业人员如何申领失业保险金" in found and "Issuing unit: 北京市" in found
    beijing = Article.objects.get(external_id="p-beijing")
    page = client.get(reverse("kb:detail", args=[beijing.pk])).content.decode()
    assert "Issuing unit: 北京市" in page and "Imported from elsewhere" in page
    assert "Demo content" not in page
    assert "<td>Imported from a file</td>" in page  # its version was published by no one
    card = demo_articles.get(title="社会保障卡补办流程")
    page = client.get(reverse("kb:detail", args=[card.pk])).content.decode()
    assert "Demo content" in page and "12333人社服务热线分中心" in page


def test_demo_content_is_labelled_in_chinese(demo_articles, client, users):
    card = demo_articles.get(title="社会保障卡补办流程")
    client.force_login(users["agent"])
    with translation.override("zh-hans"):
        page = client.get(
            reverse("kb:detail", args=[card.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
        ).content.decode()
    assert "演示内容" in page


def test_the_api_says_whether_an_answer_is_demo_content_and_who_issued_it(demo_articles, client):
    import_policy()
    url = "/api/v1/kb/ask/"
    body = client.post(url, {"question": "社保卡丢了怎么补办"}, content_type="application/json")
    answer = body.json()["answer"]
    assert answer["title"] == "社会保障卡补办流程"
    assert answer["demo"] is True and answer["issuing_unit"] == "12333人社服务热线分中心"
    assert all("demo" in other for other in body.json()["others"])
    body = client.post(
        url, {"question": "北京市失业人员如何申领失业保险金"}, content_type="application/json"
    )
    titles = [body.json()["answer"]["title"]] + [o["title"] for o in body.json()["others"]]
    assert "北京市失业人员如何申领失业保险金？" not in titles


def test_imported_articles_round_trip_through_the_export(db):
    import_policy()
    out = io.StringIO()
    write_export(out)
    exported = {json.loads(line)["id"]: json.loads(line) for line in out.getvalue().splitlines()}
    assert exported["p-beijing"]["source"] == "imported"
    assert exported["p-beijing"]["issuing_unit"] == "北京市"
    assert exported["p-beijing"]["department"] == ""
    result = import_articles(io.StringIO(out.getvalue()))
    assert (result.created, result.updated) == (0, 0)


def test_loading_again_leaves_a_version_published_since_with_its_own_date(db, users):
    """`make run` loads the demo at every start: only what a load creates is dated back, never
    a version published since."""
    from datetime import timedelta

    from django.utils import timezone

    from knowledgebase import services

    long_ago = timezone.now() - timedelta(days=180)
    load_demo_articles(published_at=long_ago)
    card = Article.objects.get(title="社会保障卡补办流程")
    assert card.published_at == long_ago
    services.update_article(card, actor=users["editor"], answer=card.answer + "（已更新）")
    services.submit_article(card, actor=users["editor"])
    card = services.publish_article(card, actor=users["reviewer"])
    republished = card.published_at
    assert republished > long_ago

    # (the file's text wins over the edit, as for any import: that version is published now)
    load_demo_articles(published_at=timezone.now() - timedelta(days=180))
    card.refresh_from_db()
    assert card.published_at >= republished
    assert all(v.published_at >= republished for v in card.versions.exclude(version=1))
