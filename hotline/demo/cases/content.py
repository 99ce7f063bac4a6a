"""What the demo cases say: real citizen messages, localised, and how they are routed."""

import json
import random
import re

from hotline.demo import CASE_MESSAGES, data_path

# The anonymised places of the messages, mapped onto the demo city's districts.
PLACES = {
    "A1区": "芙蓉区",
    "A2区": "天心区",
    "A3区": "岳麓区",
    "A4区": "开福区",
    "A5区": "雨花区",
    "A6区": "望城区",
    "A7县": "长沙县",
    "A8县": "浏阳市",
    "A9市": "宁乡市",
    "A9县": "宁乡市",
    "A市": "长沙市",
}
OTHER_PLACE = re.compile(r"[A-Z]\d*[市区县]")  # a placeholder left after localising

# (words in the message, department code or "district", category code): the first match wins.
ROUTES = [
    (("公积金",), "gjj", "030101"),
    (("社保", "养老保险", "医保"), "rsj", "080101"),
    (("工资", "欠薪", "劳动合同"), "rsj", "080502"),
    (("物业", "业委会"), "zjj", "030604"),
    (("噪音", "噪声", "扰民"), "sthjj", "040201"),
    (("污染", "排放", "臭味", "粉尘"), "sthjj", "040202"),
    (("违建", "违章建筑", "搭建"), "cgj", "030303"),
    (("占道", "摆摊", "垃圾"), "cgj", "030703"),
    (("公交",), "bus", "050202"),
    (("出租车", "网约车"), "jtj", "050401"),
    (("红绿灯", "拥堵", "违停", "交警"), "gaj", "051102"),
    (("学校", "学生", "老师", "幼儿园", "入学"), "jyj", "010201"),
    (("医院", "医生", "诊所"), "wjw", "020302"),
    (("拆迁", "征地", "安置"), "zrzyj", "030402"),
    (("停水", "自来水", "水压"), "water", "090403"),
    (("停电", "供电", "电费"), "power", "090403"),
    (("燃气", "天然气"), "gas", "040602"),
    (("价格", "商家", "消费者", "食品"), "scjgj", "100201"),
    (("村民", "农民", "农村", "土地"), "nyj", "060101"),
    (("道路", "路灯", "修路", "小区"), "district", "030503"),
]
REQUEST_WORDS = [
    ("report", ("举报",)),
    ("suggestion", ("建议",)),
    ("consultation", ("咨询", "请问", "是否", "能否", "怎么办理")),
    ("praise", ("感谢", "表扬")),
    ("help", ("求助", "希望", "恳请")),
]
CHANNELS = ["phone"] * 10 + ["web"] * 4 + ["wechat"] * 3 + ["app"] * 2 + ["sms", "email", "open311"]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗"


def localise(text: str) -> str:
    for placeholder, name in PLACES.items():
        text = text.replace(placeholder, name)
    return text


def about_the_city(row: dict) -> bool:
    """Whether a message names the city's places and no other anonymised city."""
    text = localise(row["title"] + row["text"])
    return text != row["title"] + row["text"] and not OTHER_PLACE.search(text)


def load_messages(limit: int) -> list[dict]:
    """Messages about the city only (other anonymised cities are left out), localised."""
    chosen = []
    with data_path(CASE_MESSAGES).open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if not about_the_city(row):
                continue
            chosen.append(
                {
                    "title": localise(row["title"])[:200],
                    "text": localise(row["text"]).strip()[:1500],
                    "reply": localise(row.get("reply") or "").strip()[:800],
                }
            )
            if len(chosen) == limit:
                break
    return chosen


def request_type(title: str) -> str:
    for request_type, words in REQUEST_WORDS:
        if any(w in title for w in words):
            return request_type
    return "complaint"


def route(text: str) -> tuple[str, str]:
    for words, department, category in ROUTES:
        if any(w in text for w in words):
            return department, category
    return "district", "999900"


def citizen(rng: random.Random) -> dict:
    name = rng.choice(SURNAMES) + rng.choice(["先生", "女士"])
    phone = f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"
    anonymous = rng.random() < 0.08
    return {
        "citizen_name": "" if anonymous else name,
        "citizen_phone": phone,
        "anonymous": anonymous,
        "confidential": rng.random() < 0.05,
    }
