"""Idempotent POSTs: a retry with the same `Idempotency-Key` and body gets the first answer.

The answer is replayed with the header `Idempotent-Replayed: true`; the key with another body is
refused (422), and a key whose first request is still running answers 409 with `Retry-After`.
"""

import hashlib
import json
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response

from core.api_errors import error_body
from departments.models import IdempotencyRecord

IDEMPOTENCY_TTL = timedelta(hours=24)
# A key whose first request never finished (the process died) may be used again after this.
IDEMPOTENCY_ABANDONED = timedelta(minutes=1)


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
