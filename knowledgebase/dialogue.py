"""The citizens' self-service dialogue ("Zhixuntong" style), for the /ask/ page and the API.

A conversation is a list of turns kept by the caller (the session for the page, the client for
the API): each turn is the question, the topic it was read with, the best article's answer with
its source, and the next best articles. A follow-up ("那需要什么材料？": no word of its own that
names a subject) is read with the topic of the conversation, the last question that named one;
a question that names its own subject starts a new topic. When no article clears the relevance
floor the turn has no answer, and the page and the API say the same thing (`no_answer()`: the
plain sentence and the offer to call the citizen back, worded once here).

When the answer does not help, the conversation becomes a new web-channel case with the
citizen's contact details and every question asked. One client address may escalate at most
`HOTLINE_ASK_ESCALATIONS_PER_HOUR` conversations an hour (a counter in the default cache, shared
by every process when `CACHE_URL` names Redis), so that a script cannot flood the agents'
queue with call-back cases.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases import services as case_services
from cases.choices import Channel, RequestType
from core.errors import ApplicationError, InvalidInput
from core.phones import normalize_phone
from core.roles import Role
from departments.models import Department, Membership
from knowledgebase import textproc
from knowledgebase.search import suggest_articles

SERVICE_USERNAME = "self-service"
MAX_TURNS = 20
MAX_QUESTION = 500
OTHERS = 3
ESCALATION_WINDOW = 3600  # seconds
# Words that ask about a subject without naming it: a question made only of these (and of
# stopwords) is a follow-up of the conversation's topic.
_FOLLOW_UP_TEXT = (
    "材料 资料 证件 手续 流程 步骤 条件 要求 时间 多久 多长时间 期限 时候 地点 "
    "地方 地址 窗口 电话 费用 收费 多少钱 钱 网上 线上 现场 本人 代办 带 拿 交 "
    "准备 提供 还 还要 还有 另外 其他 别的 那 那么 这 这个 那个 它 呢 吧 哪儿 去 "
    "办 能 不能 可不可以 行 行不行 具体 补办 申请 申领 领取 领 提取 挂失 异地 "
    "外地 本地 当地 网点 多少 几天 当天 马上"
)
FOLLOW_UP_WORDS = frozenset(_FOLLOW_UP_TEXT.split())
logger = logging.getLogger(__name__)


class EscalationLimited(ApplicationError):
    """This client asked to be called back too often in the last hour."""

    code = "rate_limited"
    status_code = 429


def source_of(article) -> str:
    """Where an answer comes from: the policy document, else the issuing unit or the owner."""
    return article.policy_document or article.issued_by


def no_answer() -> dict:
    """What the dialogue says when no article clears the relevance floor, on the page and in
    the API alike: the plain "we do not know" sentence and the offer to be called back (with
    the contact fields it needs), in the active language."""
    return {
        "text": _(
            "We do not know the answer to this. Try other words, or leave your name and phone "
            "number: an agent will call you back."
        ),
        "escalation": {
            "offer": _(
                "Leave your name and phone number: your questions become a request and an "
                "agent calls you back."
            ),
            "fields": ["name", "phone"],
        },
    }


def ask(conversation: list[dict], question: str, *, region=None) -> dict:
    """Answer one question, read with the conversation's topic when it is a follow-up: the best
    article and the next best ones, appended to the turns (no answer when nothing is relevant)."""
    question = (question or "").strip()
    if not question:
        raise InvalidInput(_("type a question"), field="question")
    if len(question) > MAX_QUESTION:
        raise InvalidInput(
            _("a question has at most %(max)d characters") % {"max": MAX_QUESTION},
            field="question",
        )
    topic = current_topic(conversation)
    if not topic or not is_follow_up(question):
        topic = question
    read_as = question if topic == question else f"{topic} {question}"
    hits = suggest_articles(read_as, region=region, limit=OTHERS + 1)
    best = hits[0] if hits else None
    turn = {
        "question": question,
        "topic": topic,
        "answer": _hit_dict(best, with_answer=True) if best else None,
        "others": [_hit_dict(hit) for hit in hits[1:]],
    }
    conversation.append(turn)
    del conversation[:-MAX_TURNS]
    return turn


def is_follow_up(question: str) -> bool:
    """Whether the question leans on what was asked before instead of naming its subject (a
    question that names one starts a new topic, even when it opens with 那 or 还有)."""
    return all(word in FOLLOW_UP_WORDS for word in textproc.words(question))


def current_topic(conversation: list[dict]) -> str:
    """The topic of the conversation so far: the last turn's, else (a client that sent only its
    questions) the last question that named its own subject."""
    if conversation and conversation[-1].get("topic"):
        return conversation[-1]["topic"]
    for turn in reversed(conversation):
        if not is_follow_up(turn["question"]):
            return turn["question"]
    return ""


def _hit_dict(hit, *, with_answer: bool = False) -> dict:
    row = {
        "article": hit.article.pk,
        "title": hit.title,
        "stale": hit.stale,
        "demo": hit.article.is_demo,
    }
    if with_answer:
        row["answer"] = hit.answer
        row["source"] = source_of(hit.article)
        row["issuing_unit"] = hit.article.issued_by
    return row


def self_service_user():
    """The center's account that registers the cases the dialogue escalates."""
    user, created = get_user_model().objects.get_or_create(
        username=SERVICE_USERNAME, defaults={"first_name": "自助问答", "is_active": True}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    center = Department.objects.get(code="center")
    Membership.objects.get_or_create(user=user, department=center, role=Role.AGENT)
    return user


def conversation_text(conversation: list[dict]) -> str:
    """The questions asked and what the dialogue answered, as the case's content."""
    lines = [_("Questions asked in the self-service dialogue (the answers did not help):")]
    for number, turn in enumerate(conversation, start=1):
        lines.append(f"{number}. {turn['question']}")
        if turn.get("answer"):
            lines.append("   " + _("Suggested: %(title)s") % {"title": turn["answer"]["title"]})
    return "\n".join(lines)


def escalate(conversation: list[dict], *, name: str, phone: str, client: str, region=None):
    """Turn the conversation into a new web-channel consultation case (the citizen is called).

    `client` is the caller's address (`core.http.client_address`), which the hourly limit counts.
    """
    name = (name or "").strip()
    if not conversation:
        raise InvalidInput(_("ask a question first"), field="question")
    if not name:
        raise InvalidInput(_("give your name so that we can call you back"), field="name")
    phone = _callback_phone(phone)
    _ensure_below_limit(client)
    case = case_services.register_case(
        actor=self_service_user(),
        channel=Channel.WEB,
        request_type=RequestType.CONSULTATION,
        title=conversation[-1]["question"][:100],
        content=conversation_text(conversation),
        citizen_name=name[:50],
        citizen_phone=phone,
        region=region,
    )
    _count_escalation(client)
    return case


def _callback_phone(phone: str) -> str:
    try:
        phone = normalize_phone(phone)
    except ValidationError as refusal:
        raise InvalidInput(refusal.messages[0], field="phone") from None
    if not phone:
        raise InvalidInput(_("Give a phone number we can call you back on."), field="phone")
    return phone


def _escalation_key(client: str) -> str:
    return f"ask-escalations:{client}"


def _ensure_below_limit(client: str) -> None:
    limit = settings.HOTLINE_ASK_ESCALATIONS_PER_HOUR
    try:
        used = cache.get(_escalation_key(client), 0)
    except Exception:  # a cache outage must not stop citizens from being called back
        logger.warning("could not read the escalation count: the cache is unreachable")
        return
    if limit and used >= limit:
        raise EscalationLimited(
            _(
                "Too many call-back requests from your network in the last hour. Please try "
                "again later, or call the 12345 hotline."
            )
        )


def _count_escalation(client: str) -> None:
    key = _escalation_key(client)
    try:
        if not cache.add(key, 1, timeout=ESCALATION_WINDOW):
            cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=ESCALATION_WINDOW)
    except Exception:
        logger.warning("could not count an escalation: the cache is unreachable")
