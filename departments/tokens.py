"""API tokens: issue, rotate and revoke them, and authenticate requests that carry one.

The key is shown once, when it is issued or rotated; only its SHA-256 is stored. A token
acts as a service user of its department (one per department, created on first use), so the
API scopes a machine exactly as it scopes the people of that department; a personal token
(POST /api/v1/auth/token/) acts as the person who signed in, and is revoked when that person's
password changes (`revoke_personal_tokens`). Every token expires HOTLINE_API_TOKEN_DAYS after it
was issued or last rotated; rotating renews it. Its last use is kept to the minute.
"""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from core import policy
from core.errors import ActionForbidden, InvalidInput
from core.roles import Role
from departments import token_cache
from departments.models import ApiToken, Department, Membership, token_expiry
from departments.policy import is_center_department

KEY_PREFIX = "hl_"
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_key(key: str) -> str:
    """The stored form of a key."""
    return hashlib.sha256(key.encode()).hexdigest()


def _new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def service_user(department: Department):
    """The user a department's tokens act as (center: an agent; others: a handler)."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=f"api-{department.code}"[:150],
        defaults={"first_name": str(department.short_name or department.name)[:150]},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    role = Role.AGENT if is_center_department(department) else Role.HANDLER
    Membership.objects.get_or_create(user=user, department=department, role=role)
    return user


def ensure_can_manage(user, department: Department) -> None:
    """Refuse anyone who is not an admin of the department."""
    if not policy.can(user, "departments.manage_integrations", department):
        raise ActionForbidden(str(_("Only the department's admin manages its tokens.")))


@transaction.atomic
def issue_token(
    department: Department, *, actor, name: str, scope: str = ApiToken.Scope.API, user=None
) -> tuple[ApiToken, str]:
    """Create a token for the department; returns it and the key, which is never shown again."""
    name = name.strip()
    if not name:
        raise InvalidInput(str(_("Give the token a name.")), field="name")
    if scope not in ApiToken.Scope.values:
        raise InvalidInput(str(_("Unknown scope.")), field="scope")
    key = _new_key()
    token = ApiToken.objects.create(
        department=department,
        user=user or service_user(department),
        name=name[:80],
        scope=scope,
        prefix=key[:10],
        key_hash=hash_key(key),
        created_by=actor,
    )
    return token, key


@transaction.atomic
def rotate_token(token: ApiToken, *, actor) -> str:
    """Replace the key of a live token; the old key stops working at once."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at:
        raise InvalidInput(str(_("A revoked token cannot be rotated.")))
    key = _new_key()
    token.prefix, token.key_hash = key[:10], hash_key(key)
    token.expires_at = token_expiry()
    token.save(update_fields=["prefix", "key_hash", "expires_at"])
    return key


def revoke_token(token: ApiToken, *, actor) -> ApiToken:
    """Switch a token off for good."""
    if not token.revoked_at:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def revoke_personal_tokens(user) -> int:
    """Revoke the tokens that act as `user` (their password changed); returns how many.

    A department's service tokens act as its service user, so they are not touched.
    """
    live = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    revoked = live.update(revoked_at=timezone.now())
    token_cache.forget_user(user.pk)  # an update sends no signal
    return revoked


def _unrevoked_token(key: str, scope: str | None) -> ApiToken | None:
    if not key:
        return None
    tokens = ApiToken.objects.select_related("user", "department").filter(
        key_hash=hash_key(key), revoked_at__isnull=True
    )
    if scope:
        tokens = tokens.filter(scope=scope)
    token = tokens.first()
    return token if token is not None and token.user.is_active else None


def find_token(key: str, *, scope: str | None = None) -> ApiToken | None:
    """The live token for a key (of the given scope): not revoked, not expired; or None."""
    token = _unrevoked_token(key, scope)
    if token is None or token.is_expired:
        return None
    _touch(token)
    return token


def _touch(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
        token_cache.note_use(token)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <key>` (or `Bearer <key>`) for machines."""

    keywords = ("token", "bearer")

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].decode(errors="replace").lower() not in self.keywords:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Malformed Authorization header."))
        key = parts[1].decode(errors="replace")
        token = token_cache.cached_token(hash_key(key), lambda: _unrevoked_token(key, None))
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        if token.is_expired:
            raise exceptions.AuthenticationFailed(
                _(
                    "This token expired on %(date)s: its department's admin rotates it "
                    "(or sign in again for a new personal token)."
                )
                % {"date": timezone.localtime(token.expires_at).strftime("%Y-%m-%d")}
            )
        _touch(token)
        return token.user, token

    def authenticate_header(self, request):
        return "Token"


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Describes token authentication in the OpenAPI schema."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Token authentication: "Token <key>" (or "Bearer <key>").',
        }
