"""Structured logs: every line names its request, user and department; JSON when asked.

- `RequestLogMiddleware` gives each request an id (the proxy's `X-Request-ID` when it is sane,
  else a new one), sends it back in the `X-Request-ID` response header, keeps the request in a
  context variable while it runs, and writes one line per request: method, path, status and
  duration. Only the path: a query string can hold a phone number.
- `RequestContextFilter` adds `request_id`, `user` and `department` to every record (`-` outside
  a request). It reads only what the request has already loaded, so logging never adds a query:
  the user once something asked who it is, the department from the API token or from the
  memberships the scope selectors cached on the user.
- `TextFormatter` writes one readable line, `JsonFormatter` one JSON object per line
  (`LOG_FORMAT=json`), with the record's `extra` fields.

Never log request bodies, citizen names or phone numbers: log codes, numbers and ids.
"""

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

from django.core.exceptions import FieldDoesNotExist
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from core.roles import MEMBERSHIPS_CACHE

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy's id may look like to be kept: a UUID, a hex digest, nginx's $request_id …
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")
NOBODY = "-"

request_logger = logging.getLogger("hotline.request")
_current_request: ContextVar = ContextVar("hotline_request", default=None)


def request_id_for(request) -> str:
    """The proxy's request id when it offers a sane one, else a new one."""
    offered = request.headers.get(REQUEST_ID_HEADER, "")
    return offered if SANE_REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex


HEALTH_PATH = "/healthz"


class RequestLogMiddleware:
    """Request id in, request id out, and one log line per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_for(request)
        reset_token = _current_request.set(request)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request.request_id
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            # A load balancer polls the health check every few seconds: its 200s would bury the
            # log, so only a failing health check is written at INFO.
            quiet = request.path == HEALTH_PATH and response.status_code == 200
            request_logger.log(
                logging.DEBUG if quiet else logging.INFO,
                "%s %s %s %.0f ms",
                request.method,
                request.path,
                response.status_code,
                duration_ms,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                },
            )
            return response
        finally:
            _current_request.reset(reset_token)


def _loaded_user(request):
    """The request's user if something has already asked for it; never a query."""
    user = request.__dict__.get("user")  # DRF sets the resolved user here
    if type(user) is SimpleLazyObject:  # AuthenticationMiddleware's, still unevaluated?
        user = request.__dict__.get("_cached_user")
    return user if getattr(user, "is_authenticated", False) else None


def _loaded_relation(obj, name: str):
    """`obj.<name>` if that foreign key is already loaded, else None."""
    try:
        field = type(obj)._meta.get_field(name)
    except (AttributeError, FieldDoesNotExist):
        return None
    return getattr(obj, name) if field.is_cached(obj) else None


def _department_codes(request, user) -> str:
    token_department = _loaded_relation(request.__dict__.get("auth"), "department")
    if token_department is not None:
        return token_department.code
    memberships = getattr(user, MEMBERSHIPS_CACHE, None) or []
    departments = (_loaded_relation(m, "department") for m in memberships)
    codes = sorted({d.code for d in departments if d is not None})
    return ",".join(codes) or NOBODY


class RequestContextFilter(logging.Filter):
    """Adds `request_id`, `user` and `department` to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = _current_request.get()
        if request is None and isinstance(getattr(record, "request", None), HttpRequest):
            request = record.request  # django.request logs 4xx/5xx after the middleware ends
        user = _loaded_user(request) if request is not None else None
        record.request_id = getattr(request, "request_id", NOBODY)
        record.user = user.get_username() if user is not None else NOBODY
        record.department = _department_codes(request, user) if user is not None else NOBODY
        return True


CONTEXT_FIELDS = ("request_id", "user", "department")
_RECORD_FIELDS = {*vars(logging.LogRecord("", 0, "", 0, "", (), None)), "message", "asctime"}


def _with_context(record: logging.LogRecord) -> logging.LogRecord:
    for name in CONTEXT_FIELDS:  # a handler configured without the filter still formats
        if not hasattr(record, name):
            setattr(record, name, NOBODY)
    return record


class TextFormatter(logging.Formatter):
    """time level logger [request user department] message."""

    def __init__(self):
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s "
            "[%(request_id)s %(user)s %(department)s] %(message)s"
        )

    def format(self, record: logging.LogRecord) -> str:
        return super().format(_with_context(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: the fixed fields, then the record's simple `extra` values."""

    def format(self, record: logging.LogRecord) -> str:
        _with_context(record)
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            **{name: getattr(record, name) for name in CONTEXT_FIELDS},
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            # Only plain values: an object such as Django's `request` extra would print its
            # query string.
            if key not in _RECORD_FIELDS and key not in entry and _is_plain(value):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def _is_plain(value) -> bool:
    return value is None or isinstance(value, str | int | float | bool)
