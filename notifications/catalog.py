"""The templates' variables, their default Chinese texts, and how a text is checked and filled.

A template is plain text with `{variable}` places (Python's format syntax, nothing else: no
attributes, indexes or conversions). Each event lists the variables it may use; a supervisor's
edit that names another one is refused with the list of those allowed. Department messages have
no variable for the citizen's identity at all.
"""

import string
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from core.errors import InvalidInput
from notifications.models import Audience, TemplateKey


@dataclass(frozen=True)
class Spec:
    audience: str
    variables: dict  # name → what it holds (shown on the edit page)
    subject: str
    text: str


NUMBER = {"number": _("the case number")}
CASE_LINK = {"title": _("the case title"), "case_url": _("the link to the case page")}
SPECS: dict[str, Spec] = {
    TemplateKey.REGISTERED: Spec(
        Audience.CITIZEN,
        {**NUMBER, "lookup_url": _("the public progress lookup page")},
        "",
        "您反映的问题已受理，工单号{number}。可在{lookup_url}凭工单号和手机号后四位查询办理进度。",
    ),
    TemplateKey.DISPATCHED: Spec(
        Audience.DEPARTMENT,
        {
            **NUMBER,
            **CASE_LINK,
            "department": _("the department"),
            "sign_due": _("sign-for deadline"),
            "reply_due": _("reply deadline"),
        },
        "新工单待签收：{number}",
        "工单{number}（{title}）已派至{department}，请于{sign_due}前签收，"
        "{reply_due}前答复。{case_url}",
    ),
    TemplateKey.URGED: Spec(
        Audience.DEPARTMENT,
        {
            **NUMBER,
            **CASE_LINK,
            "department": _("the department"),
            "reply_due": _("reply deadline"),
            "note": _("the urge's note"),
        },
        "催办：{number}",
        "催办：工单{number}（{title}）请{department}抓紧办理，答复期限{reply_due}。"
        "{note} {case_url}",
    ),
    TemplateKey.SUPERVISED: Spec(
        Audience.DEPARTMENT,
        {
            **NUMBER,
            **CASE_LINK,
            "department": _("the department"),
            "due": _("the order's answer deadline"),
            "reason": _("the reason"),
        },
        "督办：{number}",
        "督办：工单{number}（{title}）已列入督办，请{department}于{due}前报送办理情况。"
        "事由：{reason} {case_url}",
    ),
    TemplateKey.REPLIED: Spec(
        Audience.CITIZEN,
        {
            **NUMBER,
            "result": _("the result (resolved, explained, unresolved)"),
            "reply": _("the department's reply to the citizen (shortened)"),
            "lookup_url": _("the public progress lookup page"),
        },
        "",
        "您反映的问题（工单号{number}）已办理完毕（{result}）：{reply} 详见{lookup_url}",
    ),
    TemplateKey.SURVEY: Spec(
        Audience.CITIZEN,
        {**NUMBER, "days": _("working days to answer")},
        "",
        "请对工单{number}的办理结果评价：回复1满意，2基本满意，3不满意。{days}个工作日内回复有效，回复TD退订。",
    ),
    TemplateKey.REOPENED: Spec(
        Audience.DEPARTMENT,
        {
            **NUMBER,
            **CASE_LINK,
            "department": _("the department"),
            "reply_due": _("reply deadline"),
            "reason": _("the reason"),
        },
        "重办：{number}",
        "工单{number}（{title}）群众不满意，已退回{department}重新办理，答复期限{reply_due}。"
        "原因：{reason} {case_url}",
    ),
}
MAX_TEXT = 500


def placeholders(text: str) -> list[str]:
    """The variable names a text uses; InvalidInput when it is not plain `{name}` places."""
    names = []
    try:
        for _literal, name, spec, conversion in string.Formatter().parse(text):
            if name is None:
                continue
            if not name.isidentifier() or spec or conversion:
                raise ValueError(name)
            names.append(name)
    except ValueError as error:
        raise InvalidInput(
            str(_("Write variables as {name}, with nothing else inside the braces.")),
            field="text",
        ) from error
    return names


def check_text(key: str, text: str, *, field: str = "text") -> str:
    """The text when it uses only its event's variables, else InvalidInput naming them."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput(str(_("The text is required.")), field=field)
    if len(text) > MAX_TEXT:
        raise InvalidInput(
            str(_("At most %(count)d characters.") % {"count": MAX_TEXT}), field=field
        )
    allowed = SPECS[key].variables
    unknown = [name for name in placeholders(text) if name not in allowed]
    if unknown:
        message = _("Unknown variable %(name)s; this message may use: %(allowed)s.") % {
            "name": "{" + unknown[0] + "}",
            "allowed": ", ".join("{" + name + "}" for name in allowed),
        }
        raise InvalidInput(str(message), field=field)
    return text


def render(text: str, params: dict) -> str:
    """The text with its variables filled (a variable without a value is left empty)."""
    return string.Formatter().vformat(text, (), _Blank(params))


class _Blank(dict):
    def __missing__(self, key):
        return ""
