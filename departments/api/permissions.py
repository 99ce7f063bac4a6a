"""API permissions that know the departments' tokens and memberships."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from core import policy
from departments.models import ApiToken


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
        return policy.can(request.user, "departments.use_center_api")
