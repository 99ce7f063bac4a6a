"""What every API endpoint shares, below the apps: cursor pages and the per-client rate.

- Lists page with cursors (`?cursor=…&page_size=…`, at most 100 rows a page), newest first with
  the id as the tie-break.
- Each token (or user, or client address) has its own rate; a refusal says when to retry
  (`Retry-After`). The counters live in the default cache, shared by every process when
  `CACHE_URL` names Redis.

The error shape is in `core.api_errors`, the permissions that know tokens and memberships in
`departments.api.permissions`, idempotency in `departments.idempotency`.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.pagination import CursorPagination
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from core.http import client_address

MAX_PAGE_SIZE = 100


class CursorPage(CursorPagination):
    """Cursor pagination with `page_size` (default 20; a larger one than 100 gets 100, as the
    schema says; zero or a non-number is a 400 that says so, rather than a silent default)."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = ("-created_at", "-id")

    def get_ordering(self, request, queryset, view):
        """The view's (or the client's) ordering with the id as the last tie-break: rows that
        share a timestamp keep one order, so the cursor's offset never skips or repeats them."""
        ordering = tuple(super().get_ordering(request, queryset, view))
        if not {"id", "-id", "pk", "-pk"} & set(ordering):
            ordering += ("-id" if ordering[0].startswith("-") else "id",)
        return ordering

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not (raw.isdigit() and int(raw) >= 1):
            message = _("page_size is a whole number from 1 to %(max)d.") % {
                "max": self.max_page_size
            }
            raise exceptions.ValidationError({self.page_size_query_param: [message]})
        return min(int(raw), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "default": self.page_size}
                parameter["description"] = f"Rows a page (more than {self.max_page_size}: capped)."
        return parameters


class TokenRateThrottle(SimpleRateThrottle):
    """One rate per API token (or per signed-in user, or per address when anonymous)."""

    scope = "token"

    def get_ident(self, request):
        # Not DRF's own: with NUM_PROXIES unset it takes a client's X-Forwarded-For as is.
        return client_address(request)

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        if getattr(request.auth, "pk", None) is not None:  # an API token (session auth: None)
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"addr-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
