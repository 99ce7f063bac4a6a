"""The citizens' self-service dialogue ("Zhixuntong" style), for the /ask/ page and the API.

A conversation is a list of turns kept by the caller (the session for the page, the client for
the API): each turn is the question, the best article's answer with its source, and the next
best articles. When the answer does not help, the conversation becomes a new web-channel case
with the citizen's contact details and every question asked.
"""

import re

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from cases import services as case_services
from cases.choices import Channel, RequestType
from core.errors import InvalidInput
from core.roles import Role
from departments.models import Department, Membership
from knowledgebase.search import search_articles

SERVICE_USERNAME = "self-service"
MAX_TURNS = 20
MAX_QUESTION = 500
OTHERS = 3
_PHONE = re.compile(r"^\+?[0-9][0-9 -]{5,18}[0-9]$")


def source_of(article) -> str:
    """Where an answer comes from: the policy document, else the issuing unit or the owner."""
    return article.policy_document or article.issued_by


def ask(conversation: list[dict], question: str, *, region=None) -> dict:
    """Answer one question: the best article and the next best ones, appended to the turns."""
    question = (question or "").strip()
    if not question:
        raise InvalidInput("type a question", field="question")
    if len(question) > MAX_QUESTION:
        raise InvalidInput(f"a question has at most {MAX_QUESTION} characters", field="question")
    hits = search_articles(question, region=region, limit=OTHERS + 1, local=True)
    best = hits[0] if hits else None
    turn = {
        "question": question,
        "answer": _hit_dict(best, with_answer=True) if best else None,
        "others": [_hit_dict(hit) for hit in hits[1:]],
    }
    conversation.append(turn)
    del conversation[:-MAX_TURNS]
    return turn


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


def escalate(conversation: list[dict], *, name: str, phone: str, region=None):
    """Turn the conversation into a new web-channel consultation case (the citizen is called)."""
    name, phone = (name or "").strip(), (phone or "").strip()
    if not conversation:
        raise InvalidInput("ask a question first", field="question")
    if not name:
        raise InvalidInput("give your name so that we can call you back", field="name")
    if not _PHONE.match(phone):
        raise InvalidInput("give a phone number we can call you back on", field="phone")
    return case_services.register_case(
        actor=self_service_user(),
        channel=Channel.WEB,
        request_type=RequestType.CONSULTATION,
        title=conversation[-1]["question"][:100],
        content=conversation_text(conversation),
        citizen_name=name[:50],
        citizen_phone=phone[:20],
        region=region,
    )
