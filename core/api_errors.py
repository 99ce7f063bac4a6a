"""The one error shape of the API: `{"error": {"code": …, "message": …, "fields": {…}}}`.

Domain errors (`core.errors.ApplicationError`) keep their code and status (a refused transition
is 409); DRF's own errors and Django's 404 and PermissionDenied are put in the same shape.
This module is not on the import path of DRF's settings (unlike `core.api`'s throttle, which
`APIView` reads when it is defined), so it may import `rest_framework.views` at the top.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ApplicationError, log_refusal


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
