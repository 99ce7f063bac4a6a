"""The personal-data access log: every reveal of a caller's identity, for the auditor."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from cases.privacy import no_store
from cases.selectors import identity_reveals
from core import policy

LOG_ROWS = 200


@login_required
def access_log(request):
    """The latest reveals (who, when, which case, why), newest first; `?case=` narrows."""
    if not policy.can(request.user, "cases.read_access_log"):
        raise PermissionDenied
    rows = identity_reveals(request.user)
    number = request.GET.get("case", "").strip()
    if number:
        rows = rows.filter(case__number=number)
    context = {"rows": rows[:LOG_ROWS], "case_number": number}
    return no_store(render(request, "cases/access_log.html", context))
