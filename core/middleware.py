"""Bad input is refused at the edge with a 400, before any view or database sees it.

PostgreSQL refuses NUL characters in text and integers past 64 bits, and Python's JSON parser
recurses once per nesting level: left to the views, each is a server error on some route. One
middleware refuses them all, wherever they are: the path, the query string, form fields or a
JSON body, and an API body over `DATA_UPLOAD_MAX_MEMORY_SIZE` is a 413. Under /api/ the answer
is the API's one error shape (`core.api_errors`), elsewhere the translated 400 (or 413) page.
"""

import re

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import JsonResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from core.api_errors import error_body

# Deeper JSON than this is refused (the API's largest input nests three levels).
MAX_JSON_DEPTH = 32
BIGINT = 2**63 - 1
INTEGER = re.compile(r"[+-]?[0-9]+")
JSON_TYPES = ("application/json", "+json")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
API_PREFIX = "/api/"


class Refused(Exception):
    """What is wrong with the request, for its answer."""

    def __init__(self, message, field: str = "", status: int = 400, code: str = "invalid"):
        super().__init__(str(message))
        self.message, self.field, self.status, self.code = message, field, status, code


def _check_text(field: str, value: str) -> None:
    if "\x00" in value:
        raise Refused(_("The input contains a NUL character."), field)
    if len(value) > 18 and INTEGER.fullmatch(value.strip()) and _past_64_bits(value):
        raise Refused(_("The number is out of range."), field)


def _past_64_bits(integer: str) -> bool:
    digits = integer.strip().lstrip("+-").lstrip("0")
    # No int() of a long string: Python refuses more than 4,300 digits with a ValueError.
    return len(digits) > 19 or (len(digits) == 19 and int(digits) > BIGINT)


def _check_pairs(pairs) -> None:
    for key, values in pairs:
        _check_text(key, key)
        for value in values:
            _check_text(key, value)


def _check_path(path: str) -> None:
    for segment in path.split("/"):
        _check_text("path", segment)


def check_json(body: bytes) -> None:
    """Refuse a JSON body nested deeper than MAX_JSON_DEPTH or carrying a NUL (raw or \\u0000).

    One pass over the text, no recursion: the parser is never given the deep document."""
    text = body.decode("utf-8", "replace")
    if "\x00" in text:
        raise Refused(_("The input contains a NUL character."))
    depth, in_string, escaped = 0, False, False
    for i, ch in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
                if ch == "u" and text[i + 1 : i + 5] == "0000":
                    raise Refused(_("The input contains a NUL character."))
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise Refused(_("The JSON is nested too deeply (at most %(n)s levels).")
                              % {"n": MAX_JSON_DEPTH})  # fmt: skip
        elif ch in "]}":
            depth -= 1


def _check_body(request) -> None:
    content_type = request.content_type or ""
    if content_type.startswith(JSON_TYPES) or content_type.endswith(JSON_TYPES[1]):
        check_json(request.body)
    elif content_type.startswith(FORM_TYPES):
        _check_pairs(request.POST.lists())


def check_request(request) -> None:
    """Raise Refused when the request carries input no view should receive."""
    _check_path(request.path_info)
    _check_pairs(request.GET.lists())
    if request.method in ("POST", "PUT", "PATCH"):
        try:
            _check_body(request)
        except RequestDataTooBig as error:
            raise Refused(_("The request body is too large."), status=413,
                          code="too_large") from error  # fmt: skip
        except TooManyFieldsSent as error:
            raise Refused(_("The request has too many fields."), code="too_many_fields") from error
        except (UnreadablePostError, MultiPartParserError) as error:  # e.g. no boundary
            raise Refused(_("The request body could not be read.")) from error


def refusal(request, refused: Refused):
    """The answer to a refused request: the API's error shape, or the page."""
    if request.path_info.startswith(API_PREFIX):
        fields = {refused.field: [str(refused.message)]} if refused.field else {}
        body = error_body(refused.code, refused.message, fields)
        return JsonResponse(body, status=refused.status)
    context = {"message": refused.message, "status": refused.status}
    return render(request, "400.html", context, status=refused.status)


class BadInputMiddleware:
    """Refuse NUL characters, out-of-range integers, deep JSON and oversized API bodies."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            check_request(request)
        except Refused as refused:
            return refusal(request, refused)
        return self.get_response(request)
