"""Who may see and do what, proven on every address: the role × URL matrix (issue 13).

In the style of NetBox's generic API tests: the test walks every pattern of the URLconf
(`get_resolver()`, recursively: pages, admin, API, Open311, /ask/, /kb/, dashboards, /healthz,
i18n) and every operation of the OpenAPI schema, for each role, and compares the status with
the table `PAGE_ROWS` / `API_ROWS` below. For every answer it can read it checks that no case
the role may not see (by number) and no protected identity (the confidential reporter's name
and full phone; for anyone outside the center the full phone of any case) is in the body.
A pattern or operation without a row fails `test_every_address_has_a_row`, naming it.

The world is built through the services: a confidential case of A (城管局) in 岳麓区, a case of
B (市场监管局) in 天心区 (so 天心区's district center sees it by territory), a case A leads
with B and 住建局 as co-handlers, and a registered case only the center sees. Writes are sent
for real: to pages with an empty form (refused, or a form error), to the API with one body
valid for every input serializer, so that the scope, the role and the transition table decide
the answer, not the validation.
"""

import datetime
import fnmatch
import functools
import io
import json
import re
from dataclasses import dataclass, field

import openpyxl
import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from PIL import Image

from cases import services
from cases.models import Case, Category
from core.roles import Role
from departments import tokens
from departments.models import Membership, Region, WebhookEndpoint
from departments.rule_services import create_rule
from hotline import rootcause
from knowledgebase import services as kb

pytestmark = pytest.mark.django_db

# --- the roles ---------------------------------------------------------------------------------

ROLES = (
    "anonymous",
    "agent",
    "supervisor",
    "district",  # a handler of 天心区's district center
    "handler",  # 城管局 (A)
    "handler2",  # 市场监管局 (B)
    "cohandler",  # 住建局: co-handles one case of A, nothing else
    "deptadmin",  # 城管局's department admin
    "editor",
    "reviewer",
    "auditor",
    "token",  # 城管局's system, by its API token
    "subtoken",  # the 12333 sub-center's system, by its API token
)
TOKENS = {"token", "subtoken"}
CENTER = {"agent", "supervisor"}
LOGGED_IN = set(ROLES) - {"anonymous"} - TOKENS  # a session on the pages
API_USERS = set(ROLES) - {"anonymous"}  # authenticated on the API (session or token)

# Which roles see each case of the world. The center (and the 12333 sub-center, a part of it)
# sees all; a department the cases it holds an assignment for; 天心区's center its territory.
SEES = {
    "A": CENTER | {"subtoken", "handler", "deptadmin", "token"},
    "B": CENTER | {"subtoken", "handler2", "district"},
    "co": CENTER | {"subtoken", "handler", "deptadmin", "token", "handler2", "cohandler"},
    "D": CENTER | {"subtoken"},  # registered, not dispatched: the center's alone
    # registered, in a joint consultation (会商) 市场监管局 is invited to: seen by it too
    "E": CENTER | {"subtoken", "handler2"},
}
# The center's own side: sees a non-confidential citizen's phone in full.
FULL_PHONES = CENTER | {"subtoken"}
OWN_DEPARTMENT = {"handler", "deptadmin", "token"}  # 城管局's people and system

# --- the world ---------------------------------------------------------------------------------

PEOPLE = {
    "A": ("钟保密", "13900139001"),  # the confidential reporter
    "B": ("冯市民", "13700137002"),
    "co": ("韩市民", "13600136003"),
    "D": ("钱市民", "13500135004"),
    "E": ("孙市民", "13400134005"),
}
TIANXIN_STREET = "430103002"  # 坡子街街道, 天心区
YUELU = "430104"  # 岳麓区


@dataclass
class World:
    cases: dict
    assignments: dict = field(default_factory=dict)
    extensions: dict = field(default_factory=dict)
    supervisions: dict = field(default_factory=dict)
    transfers: dict = field(default_factory=dict)
    consultations: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)
    webhooks: dict = field(default_factory=dict)
    articles: dict = field(default_factory=dict)
    departments: dict = field(default_factory=dict)
    rule: object = None
    task: object = None
    attachments: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    keys: dict = field(default_factory=dict)


def _user(username: str, department, role: str):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        user = get_user_model().objects.create_user(username=username, password="x")
        Membership.objects.create(user=user, department=department, role=role)
    return user


def _auditor(center):
    role = getattr(Role, "AUDITOR", None)
    if role is not None:
        return _user("auditor", center, role)
    return get_user_model().objects.create_user(username="auditor", password="x")


def _register(agent, key: str, **fields):
    name, phone = PEOPLE[key]
    return services.register_case(
        actor=agent,
        channel="phone",
        request_type="complaint",
        content=f"矩阵测试工单 {key}：夜间施工噪音扰民。",
        citizen_name=name,
        citizen_phone=phone,
        **fields,
    )


# The cases whose confidential caller the supervisor revealed in the world (access log rows).
REVEALED = ("A",)


def build_world(users, departments) -> World:
    """The four cases, their assignments, orders and extension, tokens, hooks, articles."""
    agent, supervisor = users["agent"], users["supervisor"]
    cgj, scjgj, zjj = departments["cgj"], departments["scjgj"], departments["zjj"]
    people = {name: users[name] for name in ("agent", "supervisor", "handler", "handler2")}
    people |= {n: users[n] for n in ("deptadmin", "editor", "reviewer")}
    people["district"] = _user("tianxin", departments["d-430103"], Role.HANDLER)
    people["cohandler"] = _user("zjj-handler", zjj, Role.HANDLER)
    # The auditor role comes with the personal-data access log (a user without a membership
    # until it exists: the database refuses a role it does not know).
    people["auditor"] = users.get("auditor") or _auditor(departments["center"])

    yuelu_street = Region.objects.filter(parent__code=YUELU).order_by("code").first()
    case_a = _register(agent, "A", confidential=True, region=yuelu_street)
    case_b = _register(agent, "B", region=Region.objects.get(code=TIANXIN_STREET))
    case_co = _register(agent, "co", region=yuelu_street)
    case_d = _register(agent, "D", region=yuelu_street)
    case_e = _register(agent, "E", region=yuelu_street)
    cases = {"A": case_a, "B": case_b, "co": case_co, "D": case_d, "E": case_e}
    w = World(cases=cases, users=people)
    # the confidential caller revealed once: the auditor's home and log have a row to show
    for key in REVEALED:
        services.reveal_citizen(cases[key], actor=supervisor, reason="核实来电人身份后回访")
    w.departments = departments
    w.consultations["E"] = services.open_consultation(
        case_e, actor=supervisor, topic="职责交叉，先会商", departments=[scjgj]
    )

    w.assignments["A"] = services.dispatch_case(case_a, actor=agent, department=cgj)
    w.assignments["B"] = services.dispatch_case(case_b, actor=agent, department=scjgj)
    services.dispatch_case(case_co, actor=agent, department=cgj, co_departments=[scjgj, zjj])
    w.assignments["co"] = case_co.assignments.get(department=zjj)
    services.sign_assignment(w.assignments["A"], actor=users["handler"])
    w.extensions["A"] = services.request_extension(
        w.assignments["A"], actor=users["handler"], reason="需要协调施工单位", days=3
    )
    for key in ("A", "co"):  # orders addressed to 城管局, the main department
        case = w.cases[key]
        case.refresh_from_db()
        w.supervisions[key] = services.supervise_case(
            case, actor=supervisor, level="normal", reason="群众反映强烈", due_at=case.reply_due_at
        )
    # a case transferred to 110: only the center sees the transfer (12333 is another line)
    transferred = _register(agent, "D", region=yuelu_street)
    services.transfer_case(transferred, actor=agent, to=departments["hotline-110"], reason="治安")
    w.transfers["T"] = transferred.transfers.get()
    for key, department in (("A", cgj), ("B", scjgj)):
        w.tokens[key], _key = tokens.issue_token(department, actor=None, name=f"系统 {key}")
        # The receiver's address is not what the matrix tests: no DNS lookups of example.org.
        w.webhooks[key] = WebhookEndpoint.objects.create(
            department=department, url=f"https://{key.lower()}.example.org/hook", secret="s" * 32
        )
    _token, w.keys["token"] = tokens.issue_token(cgj, actor=None, name="矩阵")
    _token, w.keys["subtoken"] = tokens.issue_token(departments["sub-12333"], actor=None, name="m")

    editor, reviewer = users["editor"], users["reviewer"]
    own = departments["sub-12333"]
    published = kb.create_article(
        actor=editor, department=own, title="社保卡怎么补办", answer="带身份证到网点。"
    )
    kb.submit_article(published, actor=editor)
    w.articles["published"] = kb.publish_article(published, actor=reviewer)
    w.articles["draft"] = kb.create_article(
        actor=editor, department=own, title="失业金怎么领", answer="草稿，尚未审核。"
    )
    w.rule = create_rule(
        actor=supervisor, fields={"name": "噪音归城管", "department": cgj}, reason="矩阵"
    )
    w.task = rootcause.create_root_cause_task(
        actor=supervisor,
        department=cgj,
        title="夜间施工",
        finding="岳麓区夜间施工投诉集中",
        due_date=case_a.reply_due_at.date(),
        cases=[case_a],
    )
    for key, case in w.cases.items():  # a photo on each, added by the center
        w.attachments[key] = services.add_attachment(case, actor=agent, upload=_photo())
    for case in w.cases.values():
        case.refresh_from_db()
    return w


def _photo():
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "gray").save(out, format="JPEG")
    return SimpleUploadedFile("现场照片.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def world(users, departments, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world(users, departments)


def client_for(role: str, w: World) -> Client:
    if role == "anonymous":
        return Client()
    if role in TOKENS:
        return Client(headers={"Authorization": f"Token {w.keys[role]}"})
    client = Client()
    client.force_login(w.users[role])
    return client


# --- the addresses -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    key: str  # "namespace:name", or "namespace:<pattern>" for the unnamed ones
    pattern: str  # the full pattern, as Django prints it
    params: tuple[str, ...]


def _walk(resolver, prefix="", namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = ":".join(filter(None, [namespace, entry.namespace]))
            yield from _walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            pattern = prefix + str(entry.pattern)
            name = entry.name or f"<{pattern}>"
            key = f"{namespace}:{name}" if namespace else name
            params = tuple(re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", pattern))
            yield Route(key, pattern, tuple(a or b for a, b in params))


@functools.cache
def all_routes() -> list[Route]:
    return list(_walk(get_resolver()))


API_FALLBACK = "api:<api/v1/>"  # the API's JSON 404 for any address it does not know


def page_routes() -> list[Route]:
    """The URLconf's patterns except the API's, which the schema's operations stand for."""
    return [r for r in all_routes() if not r.key.startswith("api:") or r.key == API_FALLBACK]


@functools.cache
def api_operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (path, method.upper())
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def schema_path_of(route: Route) -> str:
    """`api/v1/^cases/(?P<number>[0-9]{13})/answer/$` → `/api/v1/cases/{number}/answer/`."""
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route.pattern)
    path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path)
    return "/" + path.replace("^", "").replace("$", "").replace("{pk}", "{id}")


# --- the table ---------------------------------------------------------------------------------
# A row: a glob on the route key (pages) or on "METHOD /path" (API), the method the matrix
# sends, and what each role should get: a callable (role, variant) → status, or a set of them.

LOGIN = 302  # pages: redirected to the login page


def everyone(status):
    return lambda role, variant: status


def signed_in(inner):
    """Pages: anonymous visitors and API tokens (no session) go to the login page."""
    return lambda role, variant: LOGIN if role not in LOGGED_IN else inner(role, variant)


def by_role(default, **statuses):
    return lambda role, variant: statuses.get(role, default)


def case_page(ok=200):
    return signed_in(lambda role, variant: ok if role in SEES[variant] else 404)


def case_page_for(roles, ok=200):
    """A step on a case: 404 outside one's scope; in it, `ok` for `roles`, 403 for the others."""
    return signed_in(
        lambda role, variant: 404 if role not in SEES[variant] else ok if role in roles else 403
    )


def center_page(ok=200):
    return signed_in(lambda role, variant: ok if role in CENTER else 403)


def supervisor_page(ok=200):
    return signed_in(lambda role, variant: ok if role == "supervisor" else 403)


def department_admin_page(ok=200, foreign=frozenset({403, 404})):
    """Tokens and webhooks of one's own department: its admin only; another's answers 404."""

    def expect(role, variant):
        if role != "deptadmin":
            return 403
        return ok if variant in (None, "A") else foreign

    return signed_in(expect)


def admin_page(ok=200, missing=302):
    """The admin is the center supervisors' tool; anyone else goes to the admin's login.

    For a supervisor, `ok` (by default: the page, or 403 where the model's permissions stop
    him); on a model the world has no row of, the admin's redirect to its index."""

    def expect(role, variant):
        if role != "supervisor":
            return LOGIN
        return missing if variant == "missing" else ok

    return expect


SUPERVISOR_MAY = frozenset({200, 403})  # the page, or refused by the model's permissions
# Admin models whose rows services own: no add or delete in the admin.
SERVICE_OWNED = [
    "case",
    "caseevent",
    "assignment",
    "callback",
    "extension",
    "supervisionorder",
    "dispute",
]
# Managed on the department pages only (scoped to one's department): no add, no delete here.
DEPARTMENT_PAGES = ["membership", "apitoken", "webhookendpoint", "webhookdelivery"]


def _admin_rows() -> list[tuple[str, str, object]]:
    rows = [("admin:<admin/*/<path:object_id>/>", "GET", everyone(302))]  # → the change page
    for model in SERVICE_OWNED + DEPARTMENT_PAGES:
        for verb in ("add", "delete"):
            rows.append((f"admin:*_{model}_{verb}", "GET", admin_page(403, missing=403)))
    rows += [
        ("admin:auth_*", "GET", admin_page(403, missing=403)),  # people: superusers only
        ("admin:*_changelist", "GET", admin_page(SUPERVISOR_MAY)),
        ("admin:*_add", "GET", admin_page(SUPERVISOR_MAY)),
        ("admin:*_change", "GET", admin_page(SUPERVISOR_MAY, missing={302, 403})),
        ("admin:*_history", "GET", admin_page(SUPERVISOR_MAY, missing={302, 403})),
        ("admin:*_delete", "GET", admin_page(SUPERVISOR_MAY, missing={302, 403})),
        ("admin:index", "GET", admin_page(200)),
        ("admin:app_list", "GET", admin_page(200)),
        # a signed-in user who is not staff is told so on the login page; staff go to the index
        ("admin:login", "GET", by_role(200, supervisor=302)),
        ("admin:logout", "POST", everyone(302)),
        ("admin:password_change", "GET", admin_page(200)),
        ("admin:password_change_done", "GET", admin_page(200)),
        ("admin:autocomplete", "GET", admin_page(403)),  # no term, no field: refused
        ("admin:jsi18n", "GET", admin_page(200)),
        ("admin:view_on_site", "GET", admin_page(404)),  # cases have no public address
        ("admin:<admin/(?P<url>.*)$>", "GET", admin_page(404)),
    ]
    return rows


# Roles without a case to work on: no dashboards of figures.
KNOWLEDGE_ONLY = {"editor": 403, "reviewer": 403, "auditor": 403}
KB_STAFF = {"editor", "reviewer"}  # see drafts (the demo's editor and reviewer: 12333, center)
NOT_YOURS = frozenset({403, 404})  # refused, or not even shown to exist


# Who may add files to each case: the center, and the departments holding an assignment (once
# their assignment is finished, the service refuses with a 409).
ADDS_FILES = {
    "A": CENTER | {"subtoken"} | OWN_DEPARTMENT,
    "B": CENTER | {"subtoken", "handler2"},
    "co": CENTER | {"subtoken", "handler2", "cohandler"} | OWN_DEPARTMENT,
    "D": CENTER | {"subtoken"},
    "E": CENTER | {"subtoken"},  # invited to a consultation, 市场监管局 holds no assignment yet
}


def adds_files(role, variant, ok):
    if role not in SEES[variant]:
        return 404
    return ok if role in ADDS_FILES[variant] else 403


def sees_file(role, variant, ok=200):
    """The center's photo on each case: seen with the case, except confidential A's outside
    the center."""
    if role not in SEES[variant]:
        return 404
    return ok if variant != "A" or role in FULL_PHONES else 404


PAGE_ROWS: list[tuple[str, str, object]] = [
    ("healthz", "GET", everyone(200)),
    ("set_language", "POST", everyone(302)),
    ("login", "GET", everyone(200)),
    ("logout", "POST", everyone(302)),
    ("home", "GET", signed_in(everyone(200))),
    ("schema", "GET", everyone(200)),
    (API_FALLBACK, "GET", everyone(404)),
    ("swagger-ui", "GET", everyone(200)),
    *_admin_rows(),
    # the center's intake workbench
    ("cases:new", "GET", center_page()),
    ("cases:intake_*", "GET", center_page()),
    # lists scoped to what one may see (empty for those who see no case)
    ("cases:list", "GET", signed_in(everyone(200))),
    ("cases:callbacks", "GET", center_page()),
    ("cases:transfers", "GET", center_page()),
    ("cases:reviews", "GET", supervisor_page()),  # issue 14: the reply review queue
    ("cases:decisions", "GET", supervisor_page()),  # the decision queue (研判)
    ("cases:inbox", "GET", center_page()),
    ("cases:export", "GET", signed_in(everyone(200))),
    ("cases:detail", "GET", case_page()),
    # revealing a protected caller (with a reason): the center only, recorded; the log: auditor
    ("cases:reveal", "POST", case_page_for(CENTER, 200)),
    ("cases:access_log", "GET", signed_in(by_role(403, auditor=200))),
    ("cases:print", "GET", case_page()),
    ("cases:print_pdf", "GET", case_page()),
    # an action one may not take on a case one sees: 409; on a case one does not see: 404
    ("cases:action", "POST", case_page(409)),
    ("cases:action_form", "GET", case_page(404)),
    # files: added by the center or the department holding the case (an empty form: 400);
    # a confidential reporter's files (case A's photo came from the center) stay in the center
    ("cases:attach", "POST", signed_in(lambda role, v: adds_files(role, v, ok=400))),
    ("cases:attachment*", "GET", signed_in(lambda role, v: sees_file(role, v))),
    # dashboards: the center's, and each department's own figures
    ("dashboards:today", "GET", center_page()),
    # assessment and trends: the center sees all; a district or department its own figures
    ("dashboards:assessment", "GET", signed_in(by_role(200, **KNOWLEDGE_ONLY))),
    ("dashboards:trends", "GET", signed_in(by_role(200, **KNOWLEDGE_ONLY))),
    ("dashboards:hotspots", "GET", center_page()),
    ("dashboards:supervision*", "GET", center_page()),
    ("dashboards:monthly", "GET", center_page()),
    ("dashboards:rootcause", "GET", signed_in(by_role(200, **KNOWLEDGE_ONLY))),
    ("dashboards:rootcause_new", "GET", supervisor_page(404)),  # no hotspot named: 404
    (
        "dashboards:rootcause_detail",
        "GET",
        signed_in(lambda role, v: 200 if role in CENTER | OWN_DEPARTMENT else 404),
    ),
    # responsibility rules: the center's supervisors
    ("routing:rules", "GET", supervisor_page()),
    ("routing:rule-new", "GET", supervisor_page()),
    ("routing:rule", "GET", supervisor_page()),
    ("routing:rule-edit", "GET", supervisor_page()),
    ("routing:rule-publish", "POST", supervisor_page(302)),  # not a draft: refused, back
    ("routing:rule-deactivate", "POST", supervisor_page(302)),  # no reason: refused, back
    ("routing:simulate", "GET", supervisor_page()),
    ("routing:returns", "GET", supervisor_page()),
    # a department's tokens and webhook: its admin, for his department only
    ("departments:tokens", "GET", department_admin_page()),
    ("departments:token-rename", "POST", department_admin_page(302)),  # no name: refused
    ("departments:token-rotate", "POST", department_admin_page(200)),
    ("departments:token-revoke", "POST", department_admin_page(302)),
    ("departments:webhooks", "GET", department_admin_page()),
    ("departments:webhook-disable", "POST", department_admin_page(302)),
    # locked sign-ins: the center's supervisors unlock them
    ("departments:lockouts", "GET", supervisor_page()),
    # Open311: public reads (non-confidential Open311 requests only); submitting needs a key
    ("open311:services", "GET", everyone(200)),
    ("open311:service", "GET", everyone(200)),
    ("open311:requests", "GET", everyone(200)),
    ("open311:request", "GET", everyone(404)),  # the world's cases came by phone
    ("open311:token", "GET", everyone(404)),
    ("open311:discovery", "GET", everyone(200)),
    ("open311:media", "GET", everyone(404)),  # the world's files are not on Open311 requests
    # the knowledge base: agents read what is published; editors draft; reviewers publish
    ("kb:list", "GET", signed_in(everyone(200))),
    ("kb:stale", "GET", signed_in(everyone(200))),
    ("kb:new", "GET", signed_in(by_role(NOT_YOURS, editor=200))),
    ("kb:edit", "GET", signed_in(by_role(NOT_YOURS, editor=200))),
    (
        "kb:detail",
        "GET",
        signed_in(lambda role, v: 200 if v == "published" or role in KB_STAFF else 404),
    ),
    (
        "kb:feedback",
        "POST",
        signed_in(lambda role, v: 302 if v == "published" or role in KB_STAFF else 404),
    ),
    (
        "kb:action",
        "POST",
        signed_in(lambda role, v: 302 if v == "published" or role in KB_STAFF else 404),
    ),
    # citizens' self-service
    ("ask:page", "GET", everyone(200)),
    ("ask:escalate", "POST", everyone(400)),
    ("ask:reset", "POST", everyone(302)),
    # the progress lookup: public; a case's page needs the right pair in the session first
    ("lookup:form", "GET", everyone(200)),
    ("lookup:case", "GET", everyone(302)),
    ("lookup:add", "POST", everyone(302)),
    # notifications: each user's own notices; the supervisors word the templates; the SMS
    # platform's callback answers 403 to anything not signed with its secret
    ("notifications:list", "GET", signed_in(everyone(200))),
    ("notifications:open", "GET", signed_in(everyone(404))),  # notice 0: nobody's
    ("notifications:templates", "GET", supervisor_page()),
    ("notifications:template_edit", "GET", supervisor_page()),
    ("notifications:sms_inbound", "POST", everyone(403)),
]


# A write that reached its service with a valid body: done, or refused by the transition table
# or a domain rule of the service (not by who asks).
REACHED = frozenset({200, 201, 400, 409})


def api_sees(variant_roles: dict, ok=200):
    """An object of the world: readable by who sees its case, 404 for the others."""
    return lambda role, variant: (
        401 if role == "anonymous" else (ok if role in variant_roles[variant] else 404)
    )


def api_all(ok=200, **statuses):
    return lambda role, variant: 401 if role == "anonymous" else statuses.get(role, ok)


def api_center(ok=200, *, refused=403):
    return lambda role, v: (
        401 if role == "anonymous" else ok if role in CENTER | {"subtoken"} else refused
    )


def api_case_action(ok=REACHED, *, may=CENTER | {"subtoken"}, sees=SEES):
    """An action of the center: 404 outside one's scope; in it, `ok` for `may`, 403 for others
    (whatever the case's state: who may never act is told so before the state is looked at)."""

    def expect(role, variant):
        if role == "anonymous":
            return 401
        if role not in sees[variant]:
            return 404
        return ok if role in may else 403

    return expect


SUPERVISORS = {"supervisor"}  # reopen, supervise, decide extensions, review returns


# Assignments, extensions and orders are seen by the center and the department that holds them
# (a co-handler sees its own assignment, not the order addressed to the main department).
ASSIGNMENT_SEES = {
    "A": CENTER | {"subtoken"} | OWN_DEPARTMENT,
    "B": CENTER | {"subtoken", "handler2", "district"},
    "co": CENTER | {"subtoken", "cohandler"},
}
ORDER_SEES = {
    "A": CENTER | {"subtoken"} | OWN_DEPARTMENT,
    "co": CENTER | {"subtoken"} | OWN_DEPARTMENT,
}
HOLDERS = {"A": OWN_DEPARTMENT, "B": {"handler2"}, "co": {"cohandler"}}
# A joint consultation is seen by who sees its case; the invited department records a position.
CONSULTATION_SEES = {"E": SEES["E"]}
CONSULTATION_HOLDERS = {"E": {"handler2"}}
ORDER_HOLDERS = {"A": OWN_DEPARTMENT, "co": OWN_DEPARTMENT}


def api_department_action(sees, holders):
    """A department's step on its assignment or order: for its holder only; 403 for the others
    who see it (the center, 天心区's center that sees B by territory), 404 for the rest."""

    def expect(role, variant):
        if role == "anonymous":
            return 401
        if role not in sees[variant]:
            return 404
        return REACHED if role in holders[variant] else 403

    return expect


def api_merge(role, variant):
    if role == "anonymous":
        return 401
    if role in CENTER | {"subtoken"}:
        return REACHED
    return 404 if role not in SEES[variant] else NOT_YOURS


API_ROWS: list[tuple[str, str, object]] = [
    ("POST /api/v1/auth/token/", "POST", everyone(400)),  # a wrong password
    ("GET /api/v1/me/", "GET", api_all()),
    ("GET /api/v1/cases/", "GET", api_all()),
    ("POST /api/v1/cases/", "POST", api_center(201)),
    ("GET /api/v1/cases/{number}/", "GET", api_sees(SEES)),
    ("GET /api/v1/cases/{number}/events/", "GET", api_sees(SEES)),
    ("POST /api/v1/cases/{number}/reopen/", "POST", api_case_action(may=SUPERVISORS)),
    ("POST /api/v1/cases/{number}/supervise/", "POST", api_case_action(may=SUPERVISORS)),
    # issue 14: take back and reassign, reply review: the center's supervisors
    ("POST /api/v1/cases/{number}/take-back/", "POST", api_case_action(may=SUPERVISORS)),
    ("POST /api/v1/cases/{number}/approve-reply/", "POST", api_case_action(may=SUPERVISORS)),
    ("POST /api/v1/cases/{number}/send-back-reply/", "POST", api_case_action(may=SUPERVISORS)),
    # the decision queue's end and joint consultation: a supervisor's (issue 14)
    ("POST /api/v1/cases/{number}/conclude/", "POST", api_case_action(may=SUPERVISORS)),
    ("POST /api/v1/cases/{number}/park/", "POST", api_case_action(may=SUPERVISORS)),
    ("POST /api/v1/cases/{number}/consult/", "POST", api_case_action(may=SUPERVISORS)),
    ("POST /api/v1/cases/{number}/open-dispute/", "POST", api_case_action(may=SUPERVISORS)),
    # merging names a parent only the center sees: a department is refused either way
    ("POST /api/v1/cases/{number}/merge/", "POST", api_merge),
    ("POST /api/v1/cases/{number}/open-dispute/", "POST", api_case_action(may=SUPERVISORS)),
    ("POST /api/v1/cases/{number}/decide-dispute/", "POST", api_case_action(may=SUPERVISORS)),
    # a JSON body where multipart is expected: 415 for who may add files (or 409 once their
    # assignment is finished), 403 for who only sees the case
    (
        "POST /api/v1/cases/{number}/attachments/",
        "POST",
        lambda role, v: 401 if role == "anonymous" else adds_files(role, v, ok={400, 409, 415}),
    ),
    (
        "GET /api/v1/cases/{number}/attachments/{attachment_id}/",
        "GET",
        lambda role, v: 401 if role == "anonymous" else sees_file(role, v),
    ),
    ("POST /api/v1/cases/{number}/*/", "POST", api_case_action()),
    ("GET /api/v1/assignments/", "GET", api_all()),
    ("GET /api/v1/assignments/{id}/", "GET", api_sees(ASSIGNMENT_SEES)),
    (
        "POST /api/v1/assignments/{id}/review-return/",
        "POST",
        api_case_action(may=SUPERVISORS, sees=ASSIGNMENT_SEES),
    ),
    # re-dispatch is a district center's, and none holds an assignment of the world
    ("POST /api/v1/assignments/{id}/redispatch/", "POST", api_sees(ASSIGNMENT_SEES, ok=403)),
    ("POST /api/v1/assignments/{id}/*/", "POST", api_department_action(ASSIGNMENT_SEES, HOLDERS)),
    # two-way transfers: the world's one is addressed to 110; 12333's token is another line's
    ("GET /api/v1/transfers/", "GET", api_all()),
    ("GET /api/v1/transfers/{id}/", "GET", api_sees({"T": CENTER})),
    ("POST /api/v1/transfers/{id}/*/", "POST", api_sees({"T": CENTER}, ok=403)),
    ("POST /api/v1/transfers/inbound/", "POST", api_all(403, subtoken=REACHED)),
    ("GET /api/v1/extensions/", "GET", api_all()),
    ("GET /api/v1/extensions/{id}/", "GET", api_sees({"A": ASSIGNMENT_SEES["A"]})),
    (
        "POST /api/v1/extensions/{id}/decide/",
        "POST",
        api_case_action(may=SUPERVISORS, sees={"A": ASSIGNMENT_SEES["A"]}),
    ),
    ("GET /api/v1/supervisions/", "GET", api_all()),
    ("GET /api/v1/supervisions/{id}/", "GET", api_sees(ORDER_SEES)),
    (
        "POST /api/v1/supervisions/{id}/answer/",
        "POST",
        api_department_action(ORDER_SEES, ORDER_HOLDERS),
    ),
    (
        "POST /api/v1/supervisions/{id}/review/",
        "POST",
        api_case_action(may=SUPERVISORS, sees=ORDER_SEES),
    ),
    ("GET /api/v1/consultations/", "GET", api_all()),
    ("GET /api/v1/consultations/{id}/", "GET", api_sees(CONSULTATION_SEES)),
    (
        "POST /api/v1/consultations/{id}/position/",
        "POST",
        api_department_action(CONSULTATION_SEES, CONSULTATION_HOLDERS),
    ),
    (
        "POST /api/v1/consultations/{id}/decide/",
        "POST",
        api_case_action(may=SUPERVISORS, sees=CONSULTATION_SEES),
    ),
    ("GET /api/v1/categories/*", "GET", api_all()),
    ("GET /api/v1/regions/*", "GET", api_all()),
    ("GET /api/v1/departments/*", "GET", api_all()),
    ("POST /api/v1/routing/suggest/", "POST", api_center(200)),
    ("POST /api/v1/kb/ask/", "POST", everyone(200)),  # the citizens' assistant
    # the citizens' progress lookup: public; the matrix's body has no number (400)
    ("POST /api/v1/public/lookup/*", "POST", everyone(400)),
]


def row_for(rows, key: str):
    for glob, method, expect in rows:
        if fnmatch.fnmatchcase(key, glob):
            return method, expect
    return None


# --- the requests ------------------------------------------------------------------------------


def _object_for_admin(route: Route):
    """The object an admin page names: its model's first row of the world (case A for cases)."""
    match = re.match(r"admin/(\w+)/(\w+)/<", route.pattern)
    if not match:
        return None
    model = apps.get_model(*match.groups())
    if model is Case:
        return Case.objects.filter(confidential=True).first()
    return model._default_manager.order_by("pk").first()


def page_targets(route: Route, w: World) -> list[tuple[str | None, str]]:
    """(variant, concrete URL) for each object the route is tried on."""
    path = route.pattern
    if route.key.startswith("admin:"):
        path = re.sub(r"\^\(\?P<app_label>[^)]*\)/\$", "cases/", path)
        path = path.replace("(?P<url>.*)$", "no-such-page/")
        if "<path:content_type_id>" in path:
            case = w.cases["A"]
            ct = ContentType.objects.get_for_model(Case)
            return [
                (
                    None,
                    "/"
                    + path.replace("<path:content_type_id>", str(ct.pk)).replace(
                        "<path:object_id>", str(case.pk)
                    ),
                )
            ]
        obj = _object_for_admin(route)
        if obj is not None:
            path = re.sub(r"<(?:\w+:)?(object_id|id)>", str(obj.pk), path)
        elif "<path:object_id>" in path:
            return [("missing", "/" + path.replace("<path:object_id>", "0"))]
        return [(None, "/" + path)]
    if route.key.startswith("open311:"):
        path = re.sub(r"\^|\$|\\", "", path)
        path = re.sub(r"\(\?P<fmt>[^)]*\)", "json", path)
        public = Category.objects.filter(public=True, is_active=True).order_by("code").first()
        path = re.sub(r"\(\?P<code>[^)]*\)", public.code, path)
        path = re.sub(r"\(\?P<(request_id|token)>[^)]*\)", w.cases["B"].number, path)
        path = path.replace("<int:pk>", str(w.attachments["B"].pk))
        return [(None, "/" + path)]
    fills: list[tuple[str | None, dict]] = [(None, {})]
    if "number" in route.params:
        fills = [(k, {"number": c.number}) for k, c in w.cases.items()]
        if route.key.startswith("cases:attachment"):
            fills = [(k, {**f, "pk": w.attachments[k].pk}) for k, f in fills]
    elif route.key.startswith("dashboards:rootcause_detail"):
        fills = [(None, {"pk": w.task.pk})]
    elif route.key.startswith("routing:"):
        fills = [(None, {"pk": w.rule.pk})]
    elif route.key.startswith("departments:token-"):
        fills = [(k, {"pk": t.pk}) for k, t in w.tokens.items()]
    elif route.key.startswith("departments:webhook-"):
        fills = [(k, {"pk": e.pk}) for k, e in w.webhooks.items()]
    elif route.key.startswith("kb:") and "pk" in route.params:
        fills = [(k, {"pk": a.pk}) for k, a in w.articles.items()]
    elif route.key == "dashboards:supervision_state":
        fills = [(None, {"state": "open"})]
    elif route.key == "notifications:open":
        fills = [(None, {"pk": 0})]
    elif route.key == "notifications:template_edit":
        fills = [(None, {"key": "registered"})]
    targets = []
    for variant, values in fills:
        values = {**values, "name": "close", "action": "archive", "state": "open", **values}
        url = path
        for param in route.params:
            url = re.sub(rf"<(?:\w+:)?{param}>", str(values[param]), url)
        targets.append((variant, "/" + url))
    return targets


def api_targets(path: str, w: World) -> list[tuple[str | None, str]]:
    if "{number}" in path:
        return [
            (k, path.replace("{number}", c.number).replace(
                "{attachment_id}", str(w.attachments[k].pk)
            ))
            for k, c in w.cases.items()
        ]  # fmt: skip
    objects = {
        "/api/v1/assignments/": w.assignments,
        "/api/v1/extensions/": w.extensions,
        "/api/v1/supervisions/": w.supervisions,
        "/api/v1/transfers/": w.transfers,
        "/api/v1/consultations/": w.consultations,
    }
    for prefix, by_variant in objects.items():
        if path.startswith(prefix) and "{id}" in path:
            return [(k, path.replace("{id}", str(o.pk))) for k, o in by_variant.items()]
    if "{id}" in path:  # reference data: categories, regions, departments
        model_of = {"categories": "cases.category", "regions": "departments.region"}
        name = path.split("/")[3]
        model = apps.get_model(model_of.get(name, "departments.department"))
        return [(None, path.replace("{id}", str(model.objects.order_by("pk").first().pk)))]
    return [(None, path)]


def api_body(w: World) -> dict:
    """One body valid for every write operation (each input serializer takes its fields)."""
    due = timezone.now() + datetime.timedelta(days=3)
    return {
        # cases/ (register) and routing/suggest/
        "channel": "phone",
        "request_type": "complaint",
        "content": "矩阵测试：路灯不亮。",
        # the case actions
        "answer": "矩阵测试的答复。",
        "to": w.departments["hotline-110"].pk,
        "reason": "矩阵测试",
        "department": w.departments["cgj"].pk,
        "parent": w.cases["D"].number,
        "note": "矩阵测试",
        "reached": False,
        "level": "normal",
        "due_at": due.isoformat(),
        # the assignment steps, extension decisions, order answers
        "days": 2,
        "result": "resolved",
        "accept": False,
        "approve": False,
        # joint consultation (会商): the 12333 sub-center is invited (it sees every case)
        "topic": "矩阵测试",
        "departments": [w.departments["sub-12333"].pk],
        "position": "矩阵测试的立场",
        "decision": "矩阵测试的决定",
        # kb/ask/ and auth/token/ (a wrong password)
        "question": "社保卡怎么补办",
        "username": "handler",
        "password": "not-the-password",
    }


# Pages whose form the matrix fills in (the others are posted empty).
PAGE_FORMS = {"cases:reveal": {"reason": "回访时核实身份"}}
REVEALS = "cases:reveal"  # its answer shows the center the protected caller, by design


def send(client: Client, method: str, url: str, *, body=None, form=None):
    """One request. Writes are not rolled back (the services' durable transactions cannot
    nest in a savepoint): each test has its own world, and no write moves a case out of the
    scope of who saw it (history stays readable), so the order of the requests does not matter
    for the table."""
    if method == "GET":
        return client.get(url)
    if body is not None:
        return client.post(url, data=json.dumps(body), content_type="application/json")
    return client.post(url, data=form or {})


def forbidden_text(role: str, w: World, *, revealed: bool = False) -> dict[str, str]:
    """What must not be in any body `role` reads, with the reason (`revealed`: the answer to
    the center's explicit, recorded reveal, which shows the confidential reporter)."""
    hidden = {}
    for key, case in w.cases.items():
        if role == "auditor" and key in REVEALED:
            continue  # the access log names the case whose caller was revealed (PIPL)
        if role not in SEES[key]:
            hidden[case.number] = f"case {key} ({case.number}) is not {role}'s to see"
    name, phone = PEOPLE["A"]
    if not (revealed and role in CENTER):
        hidden[name] = "the confidential reporter's name"
        hidden[phone] = "the confidential reporter's full phone"
    if role not in FULL_PHONES:
        for key in ("B", "co", "D", "E"):
            hidden[PEOPLE[key][1]] = f"the full phone of case {key}"
    return hidden


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def readable_text(response) -> str:
    """What a reader of the answer sees: the page, the JSON decoded, an Excel file's cells."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    content_type = response.get("Content-Type", "")
    if content_type.startswith(XLSX):
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True)
        return "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    body = raw.decode("utf-8", "replace")
    if content_type.startswith("application/json"):
        body += json.dumps(json.loads(raw), ensure_ascii=False)  # \uXXXX escapes decoded
    return body  # a PDF's text is compressed: the print page it is made from is checked


def _leaks(response, hidden: dict[str, str]) -> list[str]:
    if response.status_code != 200:
        return []
    body = readable_text(response)
    return [reason for text, reason in hidden.items() if text in body]


def _check(problems, role, label, url, response, want, hidden):
    wanted = want if isinstance(want, (set, frozenset, tuple)) else {want}
    if response.status_code not in wanted:
        problems.append(f"{label} {url}: {response.status_code}, expected {sorted(wanted)}")
    for reason in _leaks(response, hidden):
        problems.append(f"{label} {url}: leaks {reason}")


# --- the tests ---------------------------------------------------------------------------------


def test_every_address_has_a_row():
    """A new page, admin model or API operation fails here until the table says who gets what."""
    missing = [
        f"add a row for the page {r.key} ({r.pattern})"
        for r in page_routes()
        if not row_for(PAGE_ROWS, r.key)
    ]
    operations = api_operations()
    missing += [
        f"add a row for the API operation {method} {path}"
        for path, method in operations
        if not row_for(API_ROWS, f"{method} {path}")
    ]
    documented = {path for path, _method in operations}
    missing += [
        f"add {r.pattern} to the OpenAPI schema (and a row for it)"
        for r in all_routes()
        if r.key.startswith("api:")
        and r.key != API_FALLBACK
        and schema_path_of(r) not in documented
    ]
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_for_every_role(role, world):
    client, hidden, problems = client_for(role, world), forbidden_text(role, world), []
    revealed = forbidden_text(role, world, revealed=True)
    for route in page_routes():
        method, expect = row_for(PAGE_ROWS, route.key) or ("GET", None)
        if expect is None:
            continue  # test_every_address_has_a_row names it
        seen = revealed if route.key == REVEALS else hidden
        form = PAGE_FORMS.get(route.key)
        for variant, url in page_targets(route, world):
            if route.key.endswith("logout"):  # ends the session: a client of its own
                response = send(client_for(role, world), method, url)
            else:
                response = send(client, method, url, form=form)
            label = f"{route.key} {method}"
            _check(problems, role, label, url, response, expect(role, variant), seen)
    assert not problems, f"{role}:\n" + "\n".join(problems)


@pytest.mark.parametrize("role", ROLES)
def test_every_api_operation_for_every_role(role, world):
    client, hidden, problems = client_for(role, world), forbidden_text(role, world), []
    body = api_body(world)
    for path, method in api_operations():
        row = row_for(API_ROWS, f"{method} {path}")
        if row is None:
            continue
        _method, expect = row
        for variant, url in api_targets(path, world):
            response = send(client, method, url, body=body)
            _check(problems, role, method, url, response, expect(role, variant), hidden)
    assert not problems, f"{role}:\n" + "\n".join(problems)
