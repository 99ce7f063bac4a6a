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
