"""GeoReport v2 views: services, requests (POST and GET), one request, tokens.

A client app identifies itself with `api_key`: an API token of scope `open311` issued by the
center (it registers cases as the center's service user, on the `open311` channel). Reads are
public, as the standard has them, so they show only requests that came in through Open311, never
a confidential one, and never the citizen's identity.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from cases import privacy, services
from cases.choices import FINISHED_STATUSES, Channel, RequestType
from cases.models import Case, Category
from core.errors import ApplicationError
from core.phones import normalize_phone
from departments.gazetteer import resolve_address
from departments.models import ApiToken
from departments.tokens import find_token
from hotline.open311.render import error, respond

CLOSED = FINISHED_STATUSES  # Open311's "closed": nothing more is owed to the citizen
MAX_RESULTS = 1000
DEFAULT_WINDOW = timedelta(days=90)
REGION_CONFIDENCE = 0.8


def _iso(value) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _service_rows() -> list[dict]:
    leaves = (
        Category.objects.filter(public=True, is_active=True)
        .annotate(children_count=Count("children"))
        .filter(children_count=0)
        .order_by("code")
    )
    groups = dict(Category.objects.filter(level=1).values_list("code", "name"))
    return [
        {
            "service_code": c.code,
            "service_name": c.name,
            "description": c.description,
            "metadata": False,
            "type": "realtime",
            "keywords": "",
            "group": groups.get(c.path.split("/")[0], ""),
        }
        for c in leaves
    ]


@require_GET
def service_list(request, fmt):
    """GET services.{json,xml}: the categories citizens may report."""
    return respond(fmt, "services", _service_rows())


@require_GET
def service_definition(request, code, fmt):
    """GET services/{code}: our services take no extra attributes."""
    if not Category.objects.filter(code=code, public=True, is_active=True).exists():
        return error(fmt, 404, f"service_code {code} not found")
    return respond(fmt, "service_definition", {"service_code": code, "attributes": []})


def _public_requests():
    cases = privacy.publicly_readable(Case.objects.filter(channel=Channel.OPEN311))
    return cases.select_related("category", "main_department")


def _request_row(case: Case) -> dict:
    closed = case.status in CLOSED
    return {
        "service_request_id": case.number,
        "status": "closed" if closed else "open",
        "status_notes": case.get_status_display() if closed else "",
        "service_name": case.category.name if case.category else "",
        "service_code": case.category.code if case.category else "",
        "description": case.content,
        "agency_responsible": case.main_department.name if case.main_department else "",
        "service_notice": "",
        "requested_datetime": _iso(case.created_at),
        "updated_datetime": _iso(case.updated_at),
        "expected_datetime": _iso(case.reply_due_at),
        "address": case.address,
        "address_id": "",
        "zipcode": "",
        "lat": None,
        "long": None,
        "media_url": "",
    }


@csrf_exempt
@require_http_methods(["GET", "POST"])
def requests_endpoint(request, fmt):
    """GET requests: search public requests; POST requests: submit a new one (api_key)."""
    if request.method == "POST":
        return _create_request(request, fmt)
    return _search_requests(request, fmt)


MAX_ZONE_OFFSET = timedelta(hours=14)


def _datetime_param(request, name: str):
    raw = request.GET.get(name)
    if not raw:
        return None, None
    try:  # an hour 25 or a zone +99:00 is well formed but not a time: ValueError
        value = parse_datetime(raw.replace(" ", "+"))
    except ValueError:
        value = None
    # Real zones lie within ±14 hours (PostgreSQL refuses offsets past ±16).
    if value is None or timezone.is_naive(value) or abs(value.utcoffset()) > MAX_ZONE_OFFSET:
        return None, f"{name} must be a W3C date-time with its zone, e.g. 2026-11-27T09:00:00+08:00"
    return value, None


def _search_requests(request, fmt):
    start, problem = _datetime_param(request, "start_date")
    end, problem2 = _datetime_param(request, "end_date")
    if problem or problem2:
        return error(fmt, 400, problem or problem2)
    cases = _public_requests()
    ids = [i for i in request.GET.get("service_request_id", "").split(",") if i]
    if ids:
        return respond(fmt, "requests", [_request_row(c) for c in cases.filter(number__in=ids)])
    codes = [c for c in request.GET.get("service_code", "").split(",") if c]
    if codes:
        cases = cases.filter(category__code__in=codes)
    statuses = {s for s in request.GET.get("status", "").split(",") if s}
    if statuses - {"open", "closed"}:
        return error(fmt, 400, "status must be open, closed or both")
    if statuses == {"open"}:
        cases = cases.exclude(status__in=CLOSED)
    elif statuses == {"closed"}:
        cases = cases.filter(status__in=CLOSED)
    end = end or timezone.now()
    start = start or end - DEFAULT_WINDOW
    cases = cases.filter(created_at__gte=start, created_at__lte=end).order_by("-created_at")
    return respond(fmt, "requests", [_request_row(c) for c in cases[:MAX_RESULTS]])


def _submission_problem(post, category) -> str | None:
    if not post.get("service_code"):
        return "service_code was not provided"
    if category is None:
        return f"service_code {post['service_code']} not found"
    located = post.get("address_string") or post.get("address_id")
    if not located and not (post.get("lat") and post.get("long")):
        return "a location is required: lat and long, address_string or address_id"
    try:
        normalize_phone(post.get("phone", ""))
    except ValidationError as refusal:
        return f"phone: {refusal.messages[0]}"
    if len(post.get("description", "")) > 4000:
        return "description is longer than 4000 characters"
    return None


def _location(post) -> tuple[str, object]:
    address = post.get("address_string") or post.get("address_id") or ""
    if not address:
        return f"{post.get('lat')},{post.get('long')}", None
    match = resolve_address(address)
    region = match.region if match.confidence >= REGION_CONFIDENCE else None
    return address[:255], region


def _create_request(request, fmt):
    post = request.POST
    token = find_token(post.get("api_key", ""), scope=ApiToken.Scope.OPEN311)
    if token is None:
        return error(fmt, 403, "api_key is missing or not valid")
    code = post.get("service_code", "")
    category = Category.objects.filter(code=code, public=True, is_active=True).first()
    problem = _submission_problem(post, category)
    if problem:
        return error(fmt, 400, problem)
    address, region = _location(post)
    name = f"{post.get('last_name', '')}{post.get('first_name', '')}".strip()
    try:
        case = services.register_case(
            actor=token.user,
            channel=Channel.OPEN311,
            request_type=RequestType.HELP,
            content=post.get("description", "").strip() or category.name,
            category=category,
            citizen_name=name[:50],
            citizen_phone=normalize_phone(post.get("phone", "")),
            address=address,
            region=region,
        )
    except ApplicationError as refusal:
        return error(fmt, refusal.status_code, refusal.message)
    row = {"service_request_id": case.number, "service_notice": "", "account_id": None}
    return respond(fmt, "requests", [row], status=201)


@require_GET
def request_detail(request, request_id, fmt):
    """GET requests/{id}: one request, as a list of one."""
    case = _public_requests().filter(number=request_id).first()
    if case is None:
        return error(fmt, 404, f"service_request_id {request_id} not found")
    return respond(fmt, "requests", [_request_row(case)])


@require_GET
def token_detail(request, token, fmt):
    """GET tokens/{token}: requests are registered at once, so the token is the request id."""
    if not _public_requests().filter(number=token).exists():
        return error(fmt, 404, f"token {token} not found")
    return respond(fmt, "requests", [{"service_request_id": token, "token": token}])


@require_GET
def discovery(request):
    """The endpoint discovery document of the standard."""
    base = request.build_absolute_uri("/open311/v2/")
    return respond(
        "json",
        "discovery",
        {
            "changeset": "2026-11-27T00:00:00Z",
            "contact": "12345 hotline center",
            "key_service": "Ask the hotline center for an Open311 api_key.",
            "endpoints": [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": base,
                    "changeset": "2026-11-27T00:00:00Z",
                    "type": "production",
                    "formats": ["application/json", "text/xml"],
                }
            ],
        },
    )
