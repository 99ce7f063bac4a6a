"""GeoReport v2 views: services, requests (POST and GET), one request, tokens.

A client app identifies itself with `api_key`: an API token of scope `open311` issued by the
center (it registers cases as the center's service user, on the `open311` channel). Reads are
public, as the standard has them, so they show only requests that came in through Open311, never
a confidential one, and never the citizen's identity.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from cases import privacy, services
from cases.attachments import inspect_upload
from cases.choices import FINISHED_STATUSES, AttachmentSource, Channel, RequestType
from cases.models import Attachment, Case, Category
from cases.views.attachments import file_response
from core.errors import ApplicationError
from core.geo import DATUMS, to_wgs84
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


def _public_media():
    """The citizens' own files of public requests (their copies without EXIF are served)."""
    return Attachment.objects.filter(
        source=AttachmentSource.CITIZEN, case__in=_public_cases()
    ).order_by("uploaded_at", "pk")


def _public_cases():
    return privacy.publicly_readable(Case.objects.filter(channel=Channel.OPEN311))


def _public_requests():
    first_media = _public_media().filter(case=OuterRef("pk")).values("pk")[:1]
    cases = _public_cases().annotate(media_id=Subquery(first_media))
    return cases.select_related("category", "main_department")


def _media_url(request, case: Case) -> str:
    media_id = getattr(case, "media_id", None)
    if not media_id:
        return ""
    return request.build_absolute_uri(reverse("open311:media", args=[media_id]))


def _request_row(case: Case, request) -> dict:
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
        "lat": case.latitude,
        "long": case.longitude,
        "media_url": _media_url(request, case),
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
        rows = [_request_row(c, request) for c in cases.filter(number__in=ids)]
        return respond(fmt, "requests", rows)
    codes = [c for c in request.GET.get("service_code", "").split(",") if c]
    if codes:
        known = set(_public_services().filter(code__in=codes).values_list("code", flat=True))
        unknown = [c for c in codes if c not in known]
        if unknown:
            return error(fmt, 404, f"service_code {unknown[0]} not found")
        cases = cases.filter(category__code__in=codes)
    statuses = {s for s in request.GET.get("status", "").split(",") if s}
    if statuses - {"open", "closed"}:
        return error(fmt, 400, "status must be open, closed or both")
    if statuses == {"open"}:
        cases = cases.exclude(status__in=CLOSED)
    elif statuses == {"closed"}:
        cases = cases.filter(status__in=CLOSED)
    start, end, problem = _window(start, end)
    if problem:
        return error(fmt, 400, problem)
    cases = cases.filter(created_at__gte=start, created_at__lte=end).order_by("-created_at")
    return respond(fmt, "requests", [_request_row(c, request) for c in cases[:MAX_RESULTS]])


def _window(start, end):
    """The searched span: the spec's default (the last 90 days) and its 90-day maximum."""
    if end is None:
        end = min(timezone.now(), start + DEFAULT_WINDOW) if start else timezone.now()
    start = start or end - DEFAULT_WINDOW
    if end < start:
        return start, end, "end_date must not be before start_date"
    if end - start > DEFAULT_WINDOW:
        return start, end, "start_date and end_date may span at most 90 days"
    return start, end, None


def _public_services():
    return Category.objects.filter(public=True, is_active=True)


def _coordinates(post):
    """(lat, long) in WGS84, (None, None) when not given, or the problem with them.

    `datum` (our extension of the standard) says which datum the client sent: `wgs84`, the
    standard's and GPS's (the default), or `gcj02`, what Chinese map apps (Amap, Tencent,
    WeChat) show, converted here."""
    raw_lat, raw_long = post.get("lat", ""), post.get("long", "")
    datum = (post.get("datum") or "wgs84").lower()
    if datum not in DATUMS:
        return None, "datum must be wgs84 or gcj02"
    if not raw_lat and not raw_long:
        return (None, None), None
    try:
        lat, long = float(raw_lat), float(raw_long)
    except ValueError:
        return None, "lat and long must be decimal degrees"
    if not (-90 <= lat <= 90 and -180 <= long <= 180):
        return None, "lat must lie within ±90 and long within ±180"
    lat, long = to_wgs84(lat, long, datum)
    return (round(lat, 7), round(long, 7)), None


def _submission_problem(post, category) -> str | None:
    if not post.get("service_code"):
        return "service_code was not provided"
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


def _location(post, coordinates) -> tuple[str, object]:
    address = post.get("address_string") or post.get("address_id") or ""
    if not address:
        return "{},{}".format(*coordinates), None
    match = resolve_address(address)
    region = match.region if match.confidence >= REGION_CONFIDENCE else None
    return address[:255], region


def _create_request(request, fmt):
    post = request.POST
    token = find_token(post.get("api_key", ""), scope=ApiToken.Scope.OPEN311)
    if token is None:
        return error(fmt, 403, "api_key is missing or not valid")
    code = post.get("service_code", "")
    category = _public_services().filter(code=code).first()
    problem = _submission_problem(post, category)
    if problem:
        return error(fmt, 400, problem)
    if category is None:
        return error(fmt, 404, f"service_code {code} not found")
    coordinates, problem = _coordinates(post)
    media = request.FILES.get("media")
    if problem is None and media is not None:
        problem = _media_problem(media)
    if problem:
        return error(fmt, 400, problem)
    try:
        case = _register(post, token=token, category=category, coordinates=coordinates,
                         media=media)  # fmt: skip
    except ApplicationError as refusal:
        return error(fmt, refusal.status_code, str(refusal.message))
    row = {"service_request_id": case.number, "service_notice": "", "account_id": None}
    return respond(fmt, "requests", [row], status=201)


def _media_problem(media) -> str | None:
    try:
        inspect_upload(media, field="media")
    except ApplicationError as refusal:
        return f"media: {refusal.message}"
    return None


@transaction.atomic
def _register(post, *, token, category, coordinates, media) -> Case:
    """The case and the citizen's photo (if any) in one transaction."""
    address, region = _location(post, coordinates)
    name = f"{post.get('last_name', '')}{post.get('first_name', '')}".strip()
    lat, long = coordinates
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
        latitude=lat,
        longitude=long,
    )
    if media is not None:
        services.add_attachment(case, actor=token.user, upload=media, from_citizen=True)
    return case


@require_GET
def request_detail(request, request_id, fmt):
    """GET requests/{id}: one request, as a list of one."""
    case = _public_requests().filter(number=request_id).first()
    if case is None:
        return error(fmt, 404, f"service_request_id {request_id} not found")
    return respond(fmt, "requests", [_request_row(case, request)])


@require_GET
def media(request, pk):
    """A public request's photo, as its media_url names it: the copy without EXIF data."""
    attachment = _public_media().filter(pk=pk).first()
    if attachment is None:
        raise Http404(f"media {pk} not found")
    return file_response(attachment, attachment.shared_file or attachment.file)


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
