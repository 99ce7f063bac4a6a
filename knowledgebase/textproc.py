"""Chinese text to search terms: jieba words, abbreviations expanded, character bigrams.

jieba's dictionary ships inside the package; it is loaded once, lazily, on the first text that
needs it (about a second), and jieba's own start-up chatter is silenced.
"""

import logging
import re
import threading

import jieba
import jieba.posseg

_ready = False
_lock = threading.Lock()

# What citizens say → what articles write. Expanded on the query side only.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "社保": ("社会保险", "社会保障"),
    "社保卡": ("社会保障卡",),
    "医保": ("医疗保险", "医疗保障"),
    "医保卡": ("医疗保障卡", "社会保障卡"),
    "公积金": ("住房公积金",),
    "身份证": ("居民身份证",),
    "驾照": ("驾驶证",),
    "低保": ("最低生活保障",),
    "养老金": ("基本养老金", "养老保险"),
    "失业金": ("失业保险金",),
    "户口": ("户籍",),
    "人社": ("人力资源社会保障",),
    "人社局": ("人力资源和社会保障局",),
    "城管": ("城市管理",),
    "退休金": ("基本养老金",),
}
# Words jieba splits the wrong way in this domain.
DOMAIN_WORDS = ["社保卡", "医保卡", "社会保障卡", "失业金", "失业保险金", "12345", "12333"]
STOPWORDS = frozenset(
    (
        "的",
        "了",
        "和",
        "与",
        "及",
        "或",
        "是",
        "在",
        "对",
        "有",
        "为",
        "等",
        "中",
        "其",
        "要",
        "将",
        "被",
        "由",
        "把",
        "从",
        "向",
        "以",
        "于",
        "之",
        "也",
        "都",
        "就",
        "而",
        "并",
        "又",
        "可",
        "可以",
        "吗",
        "呢",
        "啊",
        "么",
        "哪",
        "些",
        "何",
        "有何",
        "哪些",
        "什么",
        "如何",
        "怎么",
        "怎样",
        "多少",
        "哪里",
        "是否",
        "方面",
        "采取",
        "措施",
        "相关",
        "哪个",
        "几",
        "这",
        "那",
        "我",
        "你",
        "他",
        "我们",
        "一",
        "个",
        "请问",
        "请",
        "想",
        "能",
        "能否",
        "需要",
        "办理",
        "the",
        "a",
        "an",
        "of",
        "to",
        "and",
        "or",
        "is",
        "are",
        "in",
        "on",
        "for",
        "how",
        "what",
        "do",
        "does",
        "can",
        "i",
        "my",
    )
)
# Place and organisation names (jieba's ns/nt tags) weigh double in a query.
ENTITY_TAGS = frozenset({"ns", "nt"})
ENTITY_WEIGHT = 2.0
EXPANSION_WEIGHT = 1.0
BIGRAM_WEIGHT = 0.25

_PUNCTUATION = re.compile(r"^[\W_]+$")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")


def ensure_jieba() -> None:
    """Load jieba's dictionary once per process, quietly, with the domain's words."""
    global _ready
    if _ready:
        return
    with _lock:
        if not _ready:
            jieba.setLogLevel(logging.WARNING)
            jieba.initialize()
            for word in DOMAIN_WORDS:
                jieba.add_word(word)
            _ready = True


def words(text: str) -> list[str]:
    """jieba's search-mode words of the text (long words and their parts), without stopwords."""
    ensure_jieba()
    return [
        w
        for w in jieba.cut_for_search(text.lower())
        if w.strip() and not _PUNCTUATION.match(w) and w not in STOPWORDS
    ]


def bigrams(text: str) -> list[str]:
    """Overlapping character pairs of each run of Chinese characters (typos, unknown words)."""
    pairs = []
    for run in _CJK_RUN.findall(text):
        pairs.extend(run[i : i + 2] for i in range(len(run) - 1))
    return pairs


def query_terms(text: str, *, bigram_weight: float = BIGRAM_WEIGHT) -> dict[str, float]:
    """The weighted terms of a question: words, expansions of abbreviations, bigrams."""
    ensure_jieba()
    entities = set()
    for pair in jieba.posseg.cut(text.lower(), HMM=False):
        if pair.flag in ENTITY_TAGS:
            entities.update(words(pair.word))
    terms: dict[str, float] = {}
    for word in words(text):
        terms[word] = terms.get(word, 0.0) + (ENTITY_WEIGHT if word in entities else 1.0)
        for expansion in ABBREVIATIONS.get(word, ()):
            for part in words(expansion):
                terms.setdefault(part, EXPANSION_WEIGHT)
    for pair in bigrams(text):
        key = bigram_key(pair)
        terms[key] = terms.get(key, 0.0) + bigram_weight
    return terms


def bigram_key(pair: str) -> str:
    """Bigrams live beside words in one vocabulary, marked so that they never collide."""
    return "#" + pair


def joined(text: str) -> str:
    """The words of a text joined by spaces: what the database stores and indexes."""
    return " ".join(words(text))


# What kind of answer a question asks for, and how an answer sentence of that kind looks: a
# question asking 多少 wants a figure, 何时 a date or a time, 哪些部门 an office, 在哪里 a place.
# An article with a short sentence of the asked kind (`SHORT_ANSWER` characters or fewer: a
# figure, a date, a list of offices) is a likelier answer than one that only shares the words.
ANSWER_KINDS: dict[str, tuple[re.Pattern, re.Pattern]] = {
    "figure": (
        re.compile(r"多少|几[个家项条次天人所名位批种岁年月]|多大|多长|多高|比例|数量|金额|规模"),
        re.compile(r"\d|[两三四五六七八九十百千万亿]+[个家项条次天所名元]"),  # not 一人
    ),
    "time": (
        re.compile(r"何时|什么时候|几时|几点|哪天|哪一天|日期|多久|期限|时间段|起止"),
        re.compile(r"\d+[年月日时天号]|[0-9]+:[0-9]+|小时|工作日|月底|年底"),
    ),
    "office": (
        re.compile(r"哪些?部门|哪个部门|什么部门|哪些?单位|什么单位|哪些?机构|哪家|谁"),
        re.compile(r"[部局委厅办院会署]|中心|银行|公司|政府|医院"),
    ),
    "place": (
        re.compile(r"哪里|哪儿|位于|在哪|什么地方|地点|地址"),
        re.compile(r"[省市区县镇乡村街路院楼层站馆]"),
    ),
}
SHORT_ANSWER = 30
_ANSWER_SENTENCES = re.compile(r"[\n。；;！？]")
# Administrative suffixes dropped from place names, so that 上海市, 上海 and 上海地区 match.
_PLACE_SUFFIX = re.compile(
    r"(?:特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|地区|省|市|区|县|州)$"
)


def question_kinds(text: str) -> frozenset[str]:
    """The kinds of answer the question asks for (`ANSWER_KINDS`): figure, time, office, place."""
    return frozenset(kind for kind, (asks, _looks) in ANSWER_KINDS.items() if asks.search(text))


def answer_kinds(answer: str) -> frozenset[str]:
    """The kinds of the answer's short sentences (a figure, a date, an office, a place)."""
    short = [s for s in _ANSWER_SENTENCES.split(answer) if s.strip()]
    short = [s.strip() for s in short if len(s.strip()) <= SHORT_ANSWER]
    return frozenset(
        kind for kind, (_asks, looks) in ANSWER_KINDS.items() if any(looks.search(s) for s in short)
    )


def places(text: str) -> frozenset[str]:
    """The place names of a text (jieba's `ns` tag), without their administrative suffix."""
    ensure_jieba()
    found = set()
    for pair in jieba.posseg.cut(text.lower(), HMM=False):
        if pair.flag == "ns":
            name = _PLACE_SUFFIX.sub("", pair.word) or pair.word
            if len(name) >= 2:
                found.add(name)
    return frozenset(found)
