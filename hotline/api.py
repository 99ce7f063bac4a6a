"""What every API endpoint shares: pagination, permissions, errors, throttling, idempotency.

- Lists page with cursors (`?cursor=…&page_size=…`, at most 100 rows a page).
- Errors have one shape: `{"error": {"code": …, "message": …, "fields": {…}}}`; domain errors
  (`hotline.errors.ApplicationError`) keep their code and status (a refused transition is 409).
- Each token (or user) has its own rate; a refusal says when to retry (`Retry-After`).
- A POST with an `Idempotency-Key` header is done once: a retry with the same key and body gets
  the first answer again (header `Idempotent-Replayed: true`).
"""

import hashlib
import json
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from cases.selectors import is_center_staff
from core.http import client_address
from departments.models import ApiToken, IdempotencyRecord
from hotline.errors import ApplicationError, log_refusal

MAX_PAGE_SIZE = 100
IDEMPOTENCY_TTL = timedelta(hours=24)
# A key whose first request never finished (the process died) may be used again after this.
IDEMPOTENCY_ABANDONED = timedelta(minutes=1)


class CursorPage(CursorPagination):
    """Cursor pagination with `page_size` (default 20, capped at 100)."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = ("-created_at", "-id")


# --- permissions -----------------------------------------------------------------------------


class ApiScopePermission(permissions.BasePermission):
    """Signed in, and not with a token that is only good for Open311."""

    message = _("This token is for Open311 only; use a token of scope API.")

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        return not (isinstance(request.auth, ApiToken) and request.auth.scope != ApiToken.Scope.API)


class IsCenterStaff(permissions.BasePermission):
    """Agents and supervisors of the center (for endpoints only the center uses)."""

    message = _("Only the hotline center may do this.")

    def has_permission(self, request, view) -> bool:
        return is_center_staff(request.user)


# --- errors ----------------------------------------------------------------------------------


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    """The one error shape every API answer uses."""
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """Nested DRF error details as `{"field": [...], "items.0.name": [...]}`."""
    if isinstance(detail, dict):
        items = detail.items()
    elif isinstance(detail, list) and any(isinstance(item, (dict, list)) for item in detail):
        items = ((str(n), item) for n, item in enumerate(detail) if item)
    else:
        messages = detail if isinstance(detail, list) else [detail]
        return {prefix or "non_field_errors": [str(m) for m in messages]}
    fields: dict[str, list[str]] = {}
    for key, value in items:
        fields.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    return fields


def _validation_body(exc: exceptions.ValidationError) -> dict:
    fields = _flatten(exc.detail)
    first_field, first_messages = next(iter(fields.items()), ("", [""]))
    message = f"{first_field}: {first_messages[0]}" if first_field else str(_("Invalid input."))
    return error_body("invalid", message, fields)


def _api_exception_body(exc: exceptions.APIException) -> dict:
    if isinstance(exc, exceptions.ValidationError):
        return _validation_body(exc)
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else exc.default_code
    return error_body(code, exc.detail if isinstance(exc.detail, str) else str(exc.detail))


def exception_handler(exc, context):
    """Turn domain and DRF errors into one JSON shape; anything else stays a 500."""
    if isinstance(exc, ApplicationError):
        log_refusal(exc)
        fields = {exc.field: [exc.message]} if exc.field else {}
        return Response(error_body(exc.code, exc.message, fields), status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    from rest_framework.views import exception_handler as drf_exception_handler  # import cycle

    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException):
        response.data = _api_exception_body(exc)
    return response


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("Machine-readable, e.g. transition_not_allowed."))
    message = serializers.CharField(help_text=_("What was wrong, for people."))
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_("Messages per input field (dotted for nested ones)."),
    )


class ErrorSerializer(serializers.Serializer):
    """The one error shape of the API."""

    error = ErrorDetailSerializer()


@csrf_exempt
def endpoint_not_found(request, *args, **kwargs) -> JsonResponse:
    """Addresses under /api/v1/ that match no endpoint: a 404 in the API's error shape."""
    body = error_body("not_found", _("There is no API endpoint at this address."))
    return JsonResponse(body, status=404)


ERRORS = {code: ErrorSerializer for code in (400, 401, 403, 404, 409, 429)}


# --- throttling ------------------------------------------------------------------------------


class TokenRateThrottle(SimpleRateThrottle):
    """One rate per API token (or per signed-in user, or per address when anonymous)."""

    scope = "token"

    def get_ident(self, request):
        # Not DRF's own: with NUM_PROXIES unset it takes a client's X-Forwarded-For as is.
        return client_address(request)

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"addr-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


# --- idempotency -----------------------------------------------------------------------------


class _Replay(Exception):
    def __init__(self, response: Response):
        self.response = response


def _fingerprint(request) -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(request.body)
    return digest.hexdigest()


def _claim(user, key: str, fingerprint: str) -> IdempotencyRecord | None:
    """Reserve the key for this request, or return the record another request holds."""
    now = timezone.now()
    IdempotencyRecord.objects.filter(created_at__lt=now - IDEMPOTENCY_TTL).delete()
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.create(user=user, key=key, fingerprint=fingerprint)
        return None
    except IntegrityError:
        record = IdempotencyRecord.objects.get(user=user, key=key)
    if record.status_code is None and record.created_at < now - IDEMPOTENCY_ABANDONED:
        record.fingerprint, record.created_at = fingerprint, now
        record.save(update_fields=["fingerprint", "created_at"])
        return None
    return record


def _refusal_or_replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    if record.fingerprint != fingerprint:
        body = error_body(
            "idempotency_key_reused",
            _("This Idempotency-Key was used for a different request."),
            {"Idempotency-Key": [str(_("Use a new key for a new request."))]},
        )
        return Response(body, status=status.HTTP_422_UNPROCESSABLE_ENTITY)
    if record.status_code is None:
        body = error_body(
            "idempotency_key_in_progress",
            _("A request with this Idempotency-Key is still being processed; retry later."),
        )
        return Response(body, status=status.HTTP_409_CONFLICT, headers={"Retry-After": "1"})
    response = Response(record.response, status=record.status_code)
    response["Idempotent-Replayed"] = "true"
    return response


class IdempotentMixin:
    """Makes every POST of a view honour the `Idempotency-Key` header."""

    idempotency_header = "Idempotency-Key"

    def initial(self, request, *args, **kwargs):
        # Read the raw body before the parsers consume the stream.
        fingerprint = _fingerprint(request) if request.method == "POST" else ""
        super().initial(request, *args, **kwargs)
        key = request.headers.get(self.idempotency_header, "").strip()
        request.idempotency_key = None
        if request.method != "POST" or not key or not request.user.is_authenticated:
            return
        if len(key) > 100:
            raise exceptions.ValidationError({self.idempotency_header: [_("At most 100 chars.")]})
        record = _claim(request.user, key, fingerprint)
        if record is not None:
            raise _Replay(_refusal_or_replay(record, fingerprint))
        request.idempotency_key = key

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        key = getattr(request, "idempotency_key", None)
        if key:
            records = IdempotencyRecord.objects.filter(user=request.user, key=key)
            if response.status_code >= 500:
                records.delete()  # nothing was done: let the client retry with the same key
            else:
                data = json.loads(json.dumps(response.data, default=str))
                records.update(status_code=response.status_code, response=data)
        return response
