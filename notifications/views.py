"""The notices list (each user's own), opening one, the template pages and the SMS callback."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.http.request import RawPostDataException
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core import policy
from core.errors import ApplicationError
from notifications import catalog, selectors, services, sms, survey
from notifications.forms import TemplateForm
from notifications.models import MessageTemplate, TemplateKey

PAGE_SIZE = 50


@login_required
def notice_list(request):
    """The signed-in user's notices, newest first."""
    page = Paginator(selectors.notices_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/list.html", {"page": page})


@login_required
def notice_open(request, pk: int):
    """Open a notice: it is read now, and the case it is about is shown."""
    notice = selectors.notice_for(request.user, pk)
    services.mark_read(notice)
    return redirect("cases:detail", number=notice.case.number)


def _ensure_editor(user) -> None:
    if not policy.can(user, "notifications.edit_templates"):
        raise PermissionDenied


@login_required
def template_list(request):
    """Every event's message as the supervisors worded it."""
    _ensure_editor(request.user)
    saved = {t.key: t for t in MessageTemplate.objects.all()}
    rows = [
        {"key": key, "label": label, "template": saved.get(key), "spec": catalog.SPECS[key]}
        for key, label in TemplateKey.choices
    ]
    return render(request, "notifications/templates.html", {"rows": rows})


@login_required
def template_edit(request, key: str):
    """Reword one event's message; the page lists the variables it may use."""
    _ensure_editor(request.user)
    if key not in TemplateKey.values:
        raise Http404("no such template")
    spec = catalog.SPECS[key]
    template = MessageTemplate.objects.filter(key=key).first()
    initial = {
        "text": template.text if template else spec.text,
        "subject": template.subject if template else spec.subject,
        "sms_template_id": template.sms_template_id if template else "",
    }
    form = TemplateForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_template(key, actor=request.user, **form.cleaned_data)
            except ApplicationError as error:
                form.add_error(getattr(error, "field", None) or "text", str(error))
            else:
                messages.success(request, _("The template is saved."))
                return redirect(reverse("notifications:templates"))
        status = 400
    context = {"form": form, "key": key, "label": TemplateKey(key).label, "spec": spec}
    return render(request, "notifications/template_edit.html", context, status=status)


@csrf_exempt
@require_POST
def sms_inbound(request):
    """The SMS platform's callback with a citizen's reply (signed; anything else is refused)."""
    try:
        body = request.body
    except RawPostDataException:  # a form post (already parsed at the edge): not the platform's
        body = None
    signed = body is not None and sms.verify_inbound(
        body, request.headers.get("X-Sms-Timestamp", ""), request.headers.get("X-Sms-Signature", "")
    )
    if not signed:
        return JsonResponse({"error": "signature missing or wrong"}, status=403)
    try:
        data = json.loads(body)
        fields = {name: str(data[name]) for name in ("message_id", "phone", "content")}
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "message_id, phone and content are required"}, status=400)
    if not fields["message_id"].strip():
        return JsonResponse({"error": "message_id, phone and content are required"}, status=400)
    outcome = survey.receive(**fields)
    return JsonResponse({"ok": True, "outcome": outcome})
