"""A department admin's integration pages: API tokens and the webhook with its delivery log.

Scoped to the departments the user is an admin of: another department's token or webhook is
refused (403), and a token acting as a colleague (issued at their sign-in) may be switched off
but never rotated, since its new key would let the admin act as that colleague. Memberships
(who holds which role) are not managed here: no page lets anyone change their own role.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from departments import tokens, webhooks
from departments.models import ApiToken, Department, WebhookDelivery, WebhookEndpoint
from departments.policy import admin_departments, is_center_department

LOG_ROWS = 50


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80, help_text=_("e.g. the system using it"))
    scope = forms.ChoiceField(label=_("Scope"), choices=ApiToken.Scope.choices)


class RenameForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)


class WebhookForm(forms.Form):
    url = forms.CharField(label=_("Receiver URL"), max_length=300)


def _department(request) -> Department:
    """The department the page is about (`?department=code` when the admin has several)."""
    choices = admin_departments(request.user)
    if not choices:
        raise PermissionDenied
    code = request.GET.get("department") or request.POST.get("department")
    return next((d for d in choices if d.code == code), choices[0])


def _back(name: str, department: Department):
    return redirect(f"{reverse(name)}?department={department.code}")


def _token_form(department, data=None) -> TokenForm:
    form = TokenForm(data, initial={"scope": ApiToken.Scope.API})
    if not is_center_department(department):  # only the center registers Open311 apps
        form.fields["scope"].choices = [(ApiToken.Scope.API, ApiToken.Scope.API.label)]
    return form


def _token_page(request, department, *, form=None, key=None, status=200):
    context = {
        "department": department,
        "departments": admin_departments(request.user),
        "tokens": department.api_tokens.select_related("created_by").order_by("-created_at"),
        "form": form or _token_form(department),
        "new_key": key,
    }
    return render(request, "departments/tokens.html", context, status=status)


@login_required
def token_list(request):
    """The department's tokens; POST issues a new one and shows its key once."""
    department = _department(request)
    if request.method != "POST":
        return _token_page(request, department)
    form = _token_form(department, request.POST)
    if not form.is_valid():
        return _token_page(request, department, form=form, status=400)
    _token, key = tokens.issue_token(department, actor=request.user, **form.cleaned_data)
    messages.success(request, _("Token created. Copy the key now: it is not shown again."))
    return _token_page(request, department, key=key)


def _managed_token(request, pk) -> ApiToken:
    token = get_object_or_404(ApiToken.objects.select_related("department"), pk=pk)
    if token.department not in admin_departments(request.user):
        raise PermissionDenied
    return token


@login_required
@require_POST
def token_rename(request, pk):
    """Give a token a new name."""
    token = _managed_token(request, pk)
    form = RenameForm(request.POST)
    if form.is_valid():
        token.name = form.cleaned_data["name"]
        token.save(update_fields=["name"])
        messages.success(request, _("Token renamed."))
    else:
        messages.error(request, _("A token needs a name of at most 80 characters."))
    return _back("departments:tokens", token.department)


def _acts_as_someone_else(token: ApiToken, user) -> bool:
    """A personal token of a colleague (not the department's service account, not the user)."""
    return token.user_id not in (user.pk, tokens.service_user(token.department).pk)


@login_required
@require_POST
def token_rotate(request, pk):
    """Replace a token's key; the old key stops working at once."""
    token = _managed_token(request, pk)
    if _acts_as_someone_else(token, request.user):
        raise PermissionDenied
    try:
        key = tokens.rotate_token(token, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return _token_page(request, token.department, status=409)
    messages.success(request, _("New key issued; the old one no longer works. Copy it now."))
    return _token_page(request, token.department, key=key)


@login_required
@require_POST
def token_revoke(request, pk):
    """Switch a token off for good."""
    token = _managed_token(request, pk)
    tokens.revoke_token(token, actor=request.user)
    messages.success(request, _("Token %(name)s revoked.") % {"name": token.name})
    return _back("departments:tokens", token.department)


def _webhook_page(request, department, *, form=None, secret=None, status=200):
    endpoint = department.webhooks.filter(is_active=True).first()
    deliveries = WebhookDelivery.objects.filter(endpoint__department=department).select_related(
        "endpoint"
    )[:LOG_ROWS]
    context = {
        "department": department,
        "departments": admin_departments(request.user),
        "endpoint": endpoint,
        "deliveries": deliveries,
        "form": form or WebhookForm(initial={"url": endpoint.url if endpoint else ""}),
        "new_secret": secret,
    }
    return render(request, "departments/webhooks.html", context, status=status)


@login_required
def webhook_settings(request):
    """The department's webhook and its delivery log; POST registers a new receiver URL."""
    department = _department(request)
    if request.method != "POST":
        return _webhook_page(request, department)
    form = WebhookForm(request.POST)
    if form.is_valid():
        try:
            endpoint = webhooks.register_endpoint(
                department, actor=request.user, url=form.cleaned_data["url"]
            )
        except ApplicationError as error:
            form.add_error("url", error.message)
        else:
            messages.success(request, _("Webhook registered. Copy the secret now."))
            return _webhook_page(request, department, secret=endpoint.secret)
    return _webhook_page(request, department, form=form, status=400)


@login_required
@require_POST
def webhook_disable(request, pk):
    """Stop sending events to a receiver."""
    endpoint = get_object_or_404(WebhookEndpoint.objects.select_related("department"), pk=pk)
    if endpoint.department not in admin_departments(request.user):
        raise PermissionDenied
    endpoint.is_active = False
    endpoint.save(update_fields=["is_active"])
    messages.success(request, _("Webhook switched off."))
    return _back("departments:webhooks", endpoint.department)
