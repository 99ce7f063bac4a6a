"""The screen reads in Chinese (issue 17): every page of every role, every event type and every
refusal message, rendered in zh-hans, shows no English source string and no raw key or value.

It reads what a person reads: the text of the page and the words in `title`, `placeholder`,
`aria-label` and `alt` (not scripts, styles, ids or classes), and fails on any run of Latin
letters that is not on the allow-list below (codes meant to show, such as "12345" or "API",
the language menu's "English"). Raw keys (`late: False`), stored values (`unsatisfied`) and
untranslated strings are all Latin letters, so one rule catches the three.

The pages are the matrix's (`tests/hotline/test_matrix.py`): every pattern of the URLconf that
answers a GET, for every role, on its world; a new page is read as soon as it has its row
there. The events are the demo's timelines (every type the demo writes, as the case page shows
them), and each type of `cases.events.EventType` has its sentence. The refusals are read from
the code: every `ApplicationError` raised with a message must raise it through gettext with a
Chinese translation.
"""

import ast
import html.parser
import re
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

from cases import timeline
from cases.events import EventType
from cases.models import CaseEvent
from core import errors
from tests.hotline import test_matrix as matrix

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]

# Latin words that are meant to show: names of things, not English sentences.
ALLOWED_WORDS = {
    "API", "APP", "App", "Open311", "PDF", "Excel", "CSV", "JSON", "XML", "ID", "URL", "HTTPS",
    "Token", "token", "Webhook", "webhook", "SMS", "WeChat", "English", "OpenAPI", "Swagger",
    "HMAC", "PIPL", "REST", "POST", "ETC", "APEC", "Alt",
    "TD",  # the SMS opt-out reply
}  # fmt: skip
# The matrix world's own data: its cases are "矩阵测试工单 A", "… co" …, two of its people
# have a username only (shown where a person has no name), and the access log names the
# account of whoever revealed a caller by its login too ("王班长 (supervisor)").
ALLOWED_WORDS |= {"co", "tianxin", "zjj", "handler", "supervisor"}
LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z'’_-]*(?:[ ][A-Za-z][A-Za-z'’_-]*)*")
# Things of the text that are Latin by nature: addresses, e-mail, times, codes with digits.
NOT_WORDS = re.compile(
    r"https?://\S+|[\w.+-]+@[\w-]+\.[\w.]+|/[\w/.-]*|\b\w*\d\w*\b"
    r"|\.(?:js|css|png|jpe?g|gif|webp|pdf|docx?|xlsx?)\b"
    r"|\bhl_[\w-]+|\bX-Hotline-[\w-]+"  # a token's prefix, the webhook's signature headers
    r"|\{\w+\}"  # a message template's variables, shown to the supervisors who word them
)
SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
# Pages that are not the workbench's screens: machine formats and third-party screens.
NOT_SCREENS = ("admin:", "schema", "swagger-ui", "healthz", "open311:", matrix.API_FALLBACK)
NOT_SCREENS += ("cases:export", "cases:print_pdf")  # files; the print page they mirror is read


class VisibleText(html.parser.HTMLParser):
    """The text a person sees on a page, and the words in the attributes read to them."""

    HIDDEN = {"script", "style", "template", "noscript"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        for name, value in attrs:
            if name in SHOWN_ATTRIBUTES and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(page: str) -> list[str]:
    parser = VisibleText()
    parser.feed(page)
    return parser.parts


def foreign_words(texts: list[str]) -> list[str]:
    """The runs of Latin letters in `texts` that are not allowed to show."""
    found = []
    for text in texts:
        for run in LATIN_RUN.findall(NOT_WORDS.sub(" ", text)):
            words = [w for w in re.split(r"[ _'’-]+", run) if w]
            if any(w not in ALLOWED_WORDS and len(w) > 1 for w in words):
                found.append(f"{run!r} in {text[:80]!r}")
    return found


def screens(role: str, world) -> list[tuple[str, str]]:
    """(route key, address) of every page this role is shown (a 200 to a GET)."""
    found = []
    for route in matrix.page_routes():
        if route.key.startswith(NOT_SCREENS) or route.key.endswith("logout"):
            continue
        method, expect = matrix.row_for(matrix.PAGE_ROWS, route.key) or ("POST", None)
        if method != "GET":
            continue
        for variant, url in matrix.page_targets(route, world):
            wanted = expect(role, variant)
            if wanted == 200 or (isinstance(wanted, (set, frozenset)) and 200 in wanted):
                found.append((route.key, url))
    return found


def read_in_chinese(client: Client, url: str) -> tuple[int, list[str]]:
    response = client.get(url, headers={"accept-language": "zh-hans"})
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return response.status_code, []
    return 200, visible_text(response.content.decode())


@pytest.fixture
def world(users, departments, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    return matrix.build_world(users, departments)


@pytest.mark.parametrize("role", sorted(set(matrix.LOGGED_IN) | {"anonymous"}))
def test_every_page_of_every_role_reads_in_chinese(role, world):
    client, problems = matrix.client_for(role, world), []
    for key, url in screens(role, world):
        _status, texts = read_in_chinese(client, url)
        problems += [f"{key} {url}: {word}" for word in foreign_words(texts)]
    assert not problems, f"{role} reads English or raw values:\n" + "\n".join(problems)


@pytest.mark.slow
def test_every_event_type_of_the_demo_reads_in_chinese(users, settings):
    # given the demo's cases, built through the services (every status, every kind of step)
    from hotline.demo.cases import build_demo_cases

    settings.LANGUAGE_CODE = "zh-hans"
    build_demo_cases()
    one_per_type = {}
    for event in CaseEvent.objects.select_related("case").order_by("id"):
        one_per_type.setdefault(event.type, event)
    # when the case page of each type's first event is read by the center and by a department
    problems = []
    for role in ("agent", "supervisor"):
        client = Client()
        client.force_login(users[role])
        for type_, event in one_per_type.items():
            _status, texts = read_in_chinese(client, f"/cases/{event.case.number}/")
            problems += [f"{type_} on {event.case.number}: {w}" for w in foreign_words(texts)]
    # then no page shows English, and every event the demo writes is told as a sentence
    assert not problems, "\n".join(sorted(set(problems)))
    untold = [t for t in one_per_type if t not in timeline.SENTENCES]
    assert untold == []


def every_event_type() -> list[str]:
    return [v for k, v in vars(EventType).items() if k.isupper() and isinstance(v, str)]


@pytest.mark.parametrize("type_", every_event_type())
def test_every_event_type_has_a_chinese_sentence(type_):
    # every type of the timeline is told, even with the least data it can carry
    assert type_ in timeline.SENTENCES, f"add a sentence for {type_} to cases/timeline.py"
    with translation.override("zh-hans"):
        told = timeline.sentence(type_, {}, timeline.Names())
    assert told and foreign_words([told]) == [], told


# --- refusals, read from the code ------------------------------------------------------------

PACKAGES = ("core", "departments", "cases", "knowledgebase", "notifications", "hotline")
GETTEXT = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "ngettext"}
# Owned by the helpers converting the case services' refusals (issue 17's own split): they
# convert them in the same merge; the test fails once a listed file has no English left, so
# the list only shrinks.
NOT_YET_CONVERTED: set[str] = set()


def refusal_classes() -> set[str]:
    found, todo = set(), [errors.ApplicationError]
    while todo:
        cls = todo.pop()
        found.add(cls.__name__)
        todo += cls.__subclasses__()
    return found


def _msgid(node):
    """The msgid a message node translates, "" when the node is a literal, None if dynamic."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        node = node.left
    if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "str" and node.args:
        node = node.args[0]
    if isinstance(node, (ast.Constant, ast.JoinedStr)):
        return "" if isinstance(node, ast.JoinedStr) or isinstance(node.value, str) else None
    if isinstance(node, ast.Call) and getattr(node.func, "id", "") in GETTEXT and node.args:
        first = node.args[-1] if node.func.id.startswith("pgettext") else node.args[0]
        if isinstance(first, ast.Constant):
            context = node.args[0].value if node.func.id.startswith("pgettext") else None
            return (context, first.value)
    return None


# The guards that put a label of their caller into a refusal ("只有中心的班长才能%(what)s",
# "请填写%(what)s"): the label, at this position or as `what=`, is read like a message.
LABEL_ARGUMENTS = {"require_text": 2, "ensure_center": 2, "ensure_supervisor": 2,
                   "ensure_department": 3, "ensure_co_open": 1, "_guard": 3}  # fmt: skip


def _messages_of(node: ast.Call, classes: set[str]) -> list[ast.AST]:
    """The message nodes a call gives to a refusal, or to a guard that words one."""
    name = getattr(node.func, "id", getattr(node.func, "attr", ""))
    messages = [k.value for k in node.keywords if k.arg == "what"]
    if name in classes and node.args:
        messages.append(node.args[0])
    elif name == "ensure":  # policy.ensure(user, action, obj, message=...)
        messages += [k.value for k in node.keywords if k.arg == "message"]
    elif name in LABEL_ARGUMENTS and len(node.args) > LABEL_ARGUMENTS[name]:
        messages.append(node.args[LABEL_ARGUMENTS[name]])
    return messages


def refusal_messages() -> list[tuple[str, int, object]]:
    """(file, line, msgid or "") of every message given to a refusal in the code."""
    classes, found = refusal_classes(), []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                for message in _messages_of(node, classes):
                    msgid = _msgid(message)
                    if msgid is not None:
                        found.append((str(path.relative_to(ROOT)), node.lineno, msgid))
    return found


def untranslated(msgid) -> bool:
    if msgid == "":
        return True
    context, text = msgid
    with translation.override("zh-hans"):
        shown = translation.pgettext(context, text) if context else translation.gettext(text)
    return shown == text and not re.search(r"[\u4e00-\u9fff]", text)


def test_every_refusal_message_is_translated():
    messages = refusal_messages()
    assert len(messages) > 40  # the scan finds the refusals (a broken scan finds none)
    problems = [
        f"{path}:{line}: {msgid[1] if msgid else 'a literal string'}"
        for path, line, msgid in messages
        if untranslated(msgid) and not path.startswith(tuple(NOT_YET_CONVERTED))
    ]
    assert not problems, "give these refusals a gettext message and its translation:\n" + (
        "\n".join(problems)
    )
    converted = [
        prefix
        for prefix in NOT_YET_CONVERTED
        if not any(path.startswith(prefix) and untranslated(m) for path, _line, m in messages)
    ]
    assert not converted, f"no English left in {converted}: take them off NOT_YET_CONVERTED"


def test_the_reader_catches_english_and_raw_values():
    # the reader itself can fail: an English sentence, a raw key and value, a stored choice
    page = (
        "<p>请核对</p><p>late: False · department: cgj</p><span title='Search'>搜</span>"
        "<script>var english = 'ignored';</script><p>满意度：unsatisfied</p>"
        "<p>工单 2026112700042</p>"
    )
    found = " ".join(foreign_words(visible_text(page)))
    for word in ("late", "False", "department", "cgj", "Search", "unsatisfied"):
        assert word in found
    assert "ignored" not in found and "2026112700042" not in found


def _eager_calls(tree) -> list[int]:
    """Lines where a non-lazy `_` runs at import time (module level or a class body)."""
    eager = any(
        isinstance(node, ast.ImportFrom)
        and node.module == "django.utils.translation"
        and any(
            a.name in ("gettext", "pgettext", "ngettext") and a.asname == "_" for a in node.names
        )
        for node in tree.body
    )
    if not eager:
        return []
    lines, todo = [], list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue  # runs when called, in the language of the request
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "_":
            lines.append(node.lineno)
        todo += list(ast.iter_child_nodes(node))
    return sorted(lines)


def test_no_string_is_translated_once_at_import_time():
    # a label translated when the module is imported keeps the language of whoever came first
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            found += [f"{path.relative_to(ROOT)}:{line}" for line in _eager_calls(tree)]
    assert not found, "use gettext_lazy for these:\n" + "\n".join(found)


def test_the_import_time_check_can_fail():
    source = (
        "from django.utils.translation import gettext as _\n"
        "class Form:\n    label = _('Reason')\n"
        "def view():\n    return _('Done')\n"
    )
    assert _eager_calls(ast.parse(source)) == [3]


EMOJI = re.compile(r"[\U0001F000-\U0001FAFF]|&#(1[2-9]\d{4}|x1F[0-9A-Fa-f]{3});")


def test_no_template_draws_with_an_emoji():
    """Agents' and departments' machines often lack an emoji font: an emoji icon (the bell was
    &#128276;) shows as an empty box. Icons are drawn (inline SVG) or plain symbols."""
    found = [
        f"{path.relative_to(ROOT)}: {match.group()}"
        for path in ROOT.glob("templates/**/*.html")
        for match in EMOJI.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []
    assert EMOJI.search("&#128276;") and EMOJI.search("🔔")  # the check can fail
