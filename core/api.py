"""What every API endpoint shares, below the apps: cursor pages and the per-client rate.

- Lists page with cursors (`?cursor=…&page_size=…`, at most 100 rows a page), newest first with
  the id as the tie-break.
- Each token (or user, or client address) has its own rate; a refusal says when to retry
  (`Retry-After`). The counters live in the default cache, shared by every process when
  `CACHE_URL` names Redis.

The error shape is in `core.api_errors`, the permissions that know tokens and memberships in
`departments.api.permissions`, idempotency in `departments.idempotency`.
"""

from rest_framework.pagination import CursorPagination
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from core.http import client_address

MAX_PAGE_SIZE = 100


class CursorPage(CursorPagination):
    """Cursor pagination with `page_size` (default 20, capped at 100)."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = ("-created_at", "-id")


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
