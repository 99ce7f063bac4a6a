"""Idempotent POSTs: a retry with the same `Idempotency-Key` and body gets the first answer.

The key, the action's writes and the stored answer commit in one transaction: a POST with a
key runs inside `transaction.atomic()`, the key's row is inserted (or locked with
`select_for_update`) before the action and given the answer after it. A process that dies at
any point before the commit leaves nothing, so the retry runs the action once; one that dies
after it leaves the answer, which the retry replays. A concurrent retry waits on the key's row
(its insert blocks on the unique index) and then replays. That is why the services an API
action calls are not `durable`: the action's transaction is the outer one.

The answer is replayed with the header `Idempotent-Replayed: true`; the key with another body is
refused (422). A committed key without an answer (left by an older version that stored it in two
steps) answers 409 with `Retry-After` until it is a minute old, then it is taken over.

`HOTLINE_IDEMPOTENCY_CRASH_AT` (tests only) kills the process with SIGKILL at one of the
`CRASH_POINTS`, so a test can prove the above with a real crash.
"""

import hashlib
import json
import os
import signal
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http.request import RawPostDataException
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response

from core.api_errors import error_body
from departments.models import IdempotencyRecord

IDEMPOTENCY_TTL = timedelta(hours=24)
# A committed key without an answer (see the module's docstring) is taken over after this.
IDEMPOTENCY_ABANDONED = timedelta(minutes=1)
HEADER = "Idempotency-Key"
CRASH_ENV = "HOTLINE_IDEMPOTENCY_CRASH_AT"
CRASH_POINTS = ("claimed", "acted", "recorded", "committed")


def crash_point(name: str) -> None:
    """Die here, as a power cut would, when the test environment asks for it."""
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


class _Replay(Exception):
    def __init__(self, response: Response):
        self.response = response


def _fingerprint(request) -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    try:
        digest.update(request.body)
    except RawPostDataException:  # a multipart body already read (core.middleware checked it)
        digest.update(request.POST.urlencode().encode())
        for name, upload in sorted(request.FILES.items()):
            digest.update(f"{name}:{upload.name}:{upload.size}".encode())
    return digest.hexdigest()


def _claim(user, key: str, fingerprint: str) -> IdempotencyRecord | None:
    """Insert the key's row in the request's transaction, or lock and return the existing one."""
    now = timezone.now()
    IdempotencyRecord.objects.filter(created_at__lt=now - IDEMPOTENCY_TTL).delete()
    record = IdempotencyRecord.objects.select_for_update().filter(user=user, key=key).first()
    if record is None:
        try:
            with transaction.atomic():  # waits here while a concurrent first request runs
                IdempotencyRecord.objects.create(user=user, key=key, fingerprint=fingerprint)
            return None
        except IntegrityError:  # it committed: replay its answer
            record = IdempotencyRecord.objects.select_for_update().get(user=user, key=key)
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
            {HEADER: [str(_("Use a new key for a new request."))]},
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


def _wants_idempotency(request) -> bool:
    return request.method == "POST" and bool(request.headers.get(HEADER, "").strip())


class IdempotentMixin:
    """Makes every POST of a view honour the `Idempotency-Key` header."""

    idempotency_header = HEADER

    def dispatch(self, request, *args, **kwargs):
        if not _wants_idempotency(request):
            return super().dispatch(request, *args, **kwargs)
        with transaction.atomic():  # the key, the action's writes and the answer: one commit
            response = super().dispatch(request, *args, **kwargs)
        crash_point("committed")
        return response

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
        crash_point("claimed")

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        key = getattr(request, "idempotency_key", None)
        if key:
            crash_point("acted")
            if response.status_code >= 500:
                transaction.set_rollback(True)  # nothing is kept: the client retries the key
            else:
                data = json.loads(json.dumps(response.data, default=str))
                IdempotencyRecord.objects.filter(user=request.user, key=key).update(
                    status_code=response.status_code, response=data
                )
            crash_point("recorded")
        return response
