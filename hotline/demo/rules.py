"""The demo city's responsibility list: who handles what in Changsha (believable, not official).

Category codes are those of DB44/T 2479-2024 as loaded by hotline.demo.reference. Loading is
keyed on the rule's name, so running it twice changes nothing; a rule created here gets its
first revision by the demo supervisor.
"""

import datetime

from django.contrib.auth import get_user_model

from cases.models import Category
from departments import rule_services
from departments.models import Department, Region, ResponsibilityRule

STREET, DISTRICT = ResponsibilityRule.Territorial.STREET, ResponsibilityRule.Territorial.DISTRICT
CITY_LIST = "长沙市市直部门权责清单（2024年版）"
STREET_LIST = "长沙市街道（乡镇）职责清单（2023年版）"

NIGHT_WORKS = ["施工", "工地", "工程", "项目", "渣土", "运输", "道路"]

# name, category code, department code or territorial level, priority, options
DEMO_RULES = [
    ("路灯 → 街道办事处", "030501", STREET, 50, {"include_words": ["路灯"]}),
    ("长沙县路灯 → 供电公司", "030501", "power", 40,
     {"include_words": ["路灯"], "region": "430121"}),
    ("井盖、排水及市政设施 → 城管局", "030501", "cgj", 100, {}),
    ("环卫设施 → 城管局", "030502", "cgj", 100, {}),
    ("市容市貌 → 城管局", "0303", "cgj", 100, {}),
    ("违法建设 → 城管局", "030303", "cgj", 60, {}),
    ("街面秩序 → 城管局", "0307", "cgj", 100, {}),
    ("物业管理 → 住建局", "0306", "zjj", 100, {}),
    ("物业收费 → 住建局", "030607", "zjj", 90, {}),
    ("住房公积金 → 公积金中心", "0301", "gjj", 100, {}),
    # Neighbours and night life at night (the police's part of the noise law); construction
    # and traffic at night stay with the environment bureau.
    ("夜间噪声 → 公安局", "040201", "gaj", 50,
     {"include_words": ["夜间"], "exclude_words": NIGHT_WORKS}),
    ("环境污染 → 生态环境局", "0402", "sthjj", 100, {}),
    ("食品安全 → 市场监督管理局", "0708", "scjgj", 100, {}),
    ("市场秩序 → 市场监督管理局", "1002", "scjgj", 100, {}),
    ("治安秩序 → 公安局", "0703", "gaj", 100, {}),
    ("消防救援 → 119", "070404", "hotline-119", 10, {}),
    ("燃气供应 → 燃气公司", "040602", "gas", 100, {}),
    ("社会保险 → 人社局", "0801", "rsj", 100, {}),
    ("医疗保险 → 医保局", "080102", "ybj", 90, {}),
    ("劳动权益 → 人社局", "0804", "rsj", 100, {}),
    ("劳动争议 → 人社局", "0805", "rsj", 100, {}),
    ("公交 → 公交集团", "0502", "bus", 100, {}),
    ("出租车 → 交通运输局", "0504", "jtj", 100, {}),
    ("交通违法与停车 → 公安局", "051104", "gaj", 100, {}),
    ("乱停乱放 → 公安局", "051111", "gaj", 100, {}),
    ("教育 → 教育局", "0102", "jyj", 100, {}),
    ("医疗服务 → 卫健委", "0203", "wjw", 100, {}),
    ("新冠疫情防控 → 卫健委", "020406", "wjw", 50,
     {"valid_from": datetime.date(2020, 1, 20), "valid_until": datetime.date(2023, 1, 7)}),
    ("税务 → 税务局", "1102", "tax", 100, {}),
    ("民政救助 → 民政局", "0901", "mzj", 100, {}),
    ("社区事务 → 街道办事处", "0903", STREET, 100, {}),
    ("交通拥堵 → 公安局", "051102", "gaj", 100, {}),
    ("农业农村 → 农业农村局", "0601", "nyj", 100, {}),
    ("土地与征拆 → 自然资源和规划局", "0304", "zrzyj", 100, {}),
    ("道路 → 区县分中心", "030503", DISTRICT, 100, {}),
    ("道路（地点不明） → 城管局", "030503", "cgj", 110, {}),
    ("供水 → 水业集团", "090403", "water", 100, {}),
    ("停电 → 供电公司", "090403", "power", 90, {"include_words": ["停电"]}),
    ("供电 → 供电公司", "090403", "power", 90, {"include_words": ["供电"]}),
    ("电费 → 供电公司", "090403", "power", 90, {"include_words": ["电费"]}),
    # Territorial management: what no responsibility names goes to the district of the place,
    # and to 城管局 while the place is not known yet.
    ("其他诉求 → 区县分中心", None, DISTRICT, 900, {}),
    ("其他诉求（地点不明） → 城管局", None, "cgj", 950, {}),
]  # fmt: skip

# What people in Changsha call some places besides their official names.
REGION_ALIASES = {"430104": ["河西"]}


def _fields(category: str | None, target: str, priority: int, options: dict) -> dict:
    fields = {
        "category": Category.objects.get(code=category) if category else None,
        "priority": priority,
        "source_document": STREET_LIST if target in (STREET, DISTRICT) else CITY_LIST,
        **{k: v for k, v in options.items() if k != "region"},
    }
    if "region" in options:
        fields["region"] = Region.objects.get(code=options["region"])
    if target in (STREET, DISTRICT):
        fields["territorial"] = target
    else:
        fields["department"] = Department.objects.get(code=target)
    return fields


def load_rules() -> int:
    """Create the demo rules that are missing (as the demo supervisor); returns how many."""
    supervisor = get_user_model().objects.get(username="supervisor")
    for code, aliases in REGION_ALIASES.items():
        Region.objects.filter(code=code).update(aliases=aliases)
    created = 0
    for name, category, target, priority, options in DEMO_RULES:
        if ResponsibilityRule.objects.filter(name=name).exists():
            continue
        fields = {"name": name, **_fields(category, target, priority, options)}
        rule_services.create_rule(
            actor=supervisor, fields=fields, reason="demo responsibility list"
        )
        created += 1
    return created
