"""Sign-in protection: the lockout's answer, a supervisor's unlock, tokens ended by a new password.

django-axes counts failed sign-ins (the login page, the admin's and POST /api/v1/auth/token/)
per account and per client address (`core.http.client_address`, which honours NUM_PROXIES);
after LOGIN_FAILURE_LIMIT failures of either it refuses even the right password for
LOGIN_COOLOFF_MINUTES. `lockout_response` is its answer: the page `registration/lockout.html`,
or the API's error shape under /api/. A center supervisor lifts a lockout at
/departments/lockouts/ (from a shell: `manage.py axes_reset_username NAME`,
`axes_reset_ip ADDRESS`, or `axes_reset` for all).
"""

import logging
from datetime import timedelta

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Sum
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import policy
from core.api_errors import error_body
from core.errors import ApplicationError
from departments.tokens import revoke_personal_tokens

logger = logging.getLogger(__name__)
API_PREFIX = "/api/"


class LockedOut(ApplicationError):
    """Too many failed sign-ins of this account or from this address."""

    code = "locked_out"
    status_code = 429


def lockout_message() -> str:
    """What a locked-out user reads: how long, and who can lift it sooner."""
    minutes = int((get_cool_off() or timedelta()).total_seconds() // 60)
    return str(
        _(
            "Too many failed sign-ins for this account or from this network: signing in is "
            "locked for %(minutes)d minutes. Try again later, or ask a center supervisor to "
            "unlock it."
        )
        % {"minutes": minutes}
    )


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out sign-in (AXES_LOCKOUT_CALLABLE)."""
    message = lockout_message()
    if request.path.startswith(API_PREFIX):
        return JsonResponse(error_body(LockedOut.code, message), status=LockedOut.status_code)
    context = {"message": message}
    return render(request, "registration/lockout.html", context, status=LockedOut.status_code)


class RevokeTokensOnPasswordChange:
    """Not a password rule: Django tells its validators when a password changed (set_password
    and save, the admin's and the user's password forms, `changepassword`), and this one then
    revokes the personal API tokens of that user. A re-hash at sign-in is no change."""

    def validate(self, password, user=None):
        return None

    def password_changed(self, password, user=None):
        if user is not None and user.pk:
            revoked = revoke_personal_tokens(user)
            if revoked:
                logger.info("password changed: %d personal tokens revoked", revoked)

    def get_help_text(self):
        return ""


def current_lockouts() -> list[dict]:
    """The accounts and addresses locked out now, with their failures and last attempt."""
    since = timezone.now() - (get_cool_off() or timedelta(days=3650))
    recent = AccessAttempt.objects.filter(attempt_time__gte=since)
    rows = []
    for parameter in ("username", "ip_address"):
        counted = (
            recent.exclude(**{parameter: None})
            .values(parameter)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
            .order_by("-last")
        )
        rows += [{"kind": parameter, "value": r[parameter], **r} for r in counted]
    return rows


@login_required
def lockouts(request):
    """A center supervisor's list of locked accounts and addresses; POST unlocks one."""
    if not policy.can(request.user, "departments.manage_center"):
        raise PermissionDenied
    if request.method == "POST":
        kind, value = request.POST.get("kind"), request.POST.get("value", "")
        if kind not in ("username", "ip_address") or not value:
            messages.error(request, _("Choose a locked account or address to unlock."))
        else:
            reset(**{"username" if kind == "username" else "ip": value})
            logger.info("sign-in unlocked by %s: %s", request.user.get_username(), kind)
            messages.success(
                request, _("Unlocked: %(value)s can sign in again.") % {"value": value}
            )
        return redirect("departments:lockouts")
    return render(request, "departments/lockouts.html", {"lockouts": current_lockouts()})
