"""Admin for the gazetteer, departments, memberships, routing rules and integrations.

Only the center's supervisors (and superusers) get in (`departments.adminsite`). Memberships,
API tokens and webhook endpoints are view only here: people's roles, keys and receivers are
managed on the department pages (tokens, webhook), scoped to the admin's own department.
"""

from django import forms
from django.contrib import admin
from django.db import models

from core.tree import place
from departments import rule_services
from departments.adminsite import EVERY_OPERATION, VIEW_ONLY, CenterAdmin, CenterInline
from departments.models import (
    ApiToken,
    Department,
    Membership,
    Region,
    ResponsibilityRule,
    RuleRevision,
    WebhookDelivery,
    WebhookEndpoint,
)
from departments.tree import TreeMoveRefused, ensure_can_move, move_node


class TreeNodeForm(forms.ModelForm):
    """Refuses a new parent that lies inside the node (or too deep), as a message on the field."""

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and "parent" in self.changed_data:
            try:
                ensure_can_move(self.instance, new_parent=cleaned.get("parent"))
            except TreeMoveRefused as refusal:
                self.add_error("parent", refusal.message)
        return cleaned


class TreeNodeAdmin(CenterAdmin):
    """A node is created with its path and moved with its subtree; its code is its key."""

    form = TreeNodeForm
    raw_id_fields = ["parent"]
    readonly_fields = ["path"]
    fixed_once_created: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        fixed = [*self.readonly_fields]
        if self.model.depth_field:
            fixed.append(self.model.depth_field)  # follows from the parent
        if obj is not None:
            fixed.append("code")  # part of every path below the node
            fixed.extend(self.fixed_once_created)
        return fixed

    def save_model(self, request, obj, form, change):
        """A new node gets its path; a new parent moves the node with its whole subtree."""
        if not change:
            place(obj).save()
            return
        if "parent" in form.changed_data:
            moved = move_node(obj, new_parent=obj.parent)
            tree_fields = ["path", *filter(None, [obj.depth_field])]
            for name in tree_fields:
                setattr(obj, name, getattr(moved, name))
        obj.save()


@admin.register(Region)
class RegionAdmin(TreeNodeAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]


class _PeopleBySuperusers:
    """Who holds which role is changed by superusers only: a supervisor views it."""

    def offered(self, request) -> frozenset[str]:
        return EVERY_OPERATION if request.user.is_superuser else VIEW_ONLY


class MembershipInline(_PeopleBySuperusers, CenterInline):
    model = Membership
    raw_id_fields = ["user"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(Department)
class DepartmentAdmin(TreeNodeAdmin):
    list_display = ["code", "name", "kind", "parent", "region", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "short_name"]
    list_select_related = ["parent", "region"]
    raw_id_fields = ["parent", "region"]
    fixed_once_created = ("kind",)  # a department made "center" would see every case
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(_PeopleBySuperusers, CenterAdmin):
    list_display = ["user", "department", "role"]
    list_filter = ["role", "department__kind"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "department__name"]
    list_select_related = ["user", "department"]
    raw_id_fields = ["user", "department"]


class RuleRevisionInline(CenterInline):
    model = RuleRevision
    readonly_fields = ["changed_at", "action", "changed_by", "reason", "snapshot"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")


@admin.register(ResponsibilityRule)
class ResponsibilityRuleAdmin(CenterAdmin):
    list_display = ["name", "category", "region", "department", "territorial", "priority"]
    list_filter = ["territorial", "is_active"]
    search_fields = ["name", "source_document", "department__name", "category__name"]
    list_select_related = ["category", "region", "department"]
    raw_id_fields = ["category", "region", "department", "replaces"]
    inlines = [RuleRevisionInline]
    operations = EVERY_OPERATION - {"delete"}  # deactivate instead, so that the history stays
    readonly_fields = ["is_active", "is_draft", "replaces"]  # the rules pages' workflow

    def save_model(self, request, obj, form, change):
        """Through the rule services, versioned like a change made on the routing pages."""
        fields = {name: form.cleaned_data[name] for name in rule_services.EDITABLE_FIELDS}
        if change:
            saved = rule_services.change_rule(
                obj, actor=request.user, fields=fields, reason="edited in the admin"
            )
        else:
            saved = rule_services.create_rule(
                actor=request.user, fields=fields, reason="edited in the admin"
            )
        obj.pk = saved.pk


@admin.register(ApiToken)
class ApiTokenAdmin(CenterAdmin):
    """Tokens are issued, rotated and revoked on the department admin's page (the key is shown
    once there); here they are only looked up: user and department never change."""

    operations = VIEW_ONLY

    list_display = ["name", "department", "user", "scope", "prefix", "last_used_at", "revoked_at"]
    list_filter = ["scope"]
    search_fields = ["name", "prefix", "department__name"]
    list_select_related = ["department", "user"]
    raw_id_fields = ["department", "user", "created_by"]
    readonly_fields = ["prefix", "created_by", "created_at", "last_used_at"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(CenterAdmin):
    """Registered on the department's webhook page (HTTPS, a generated secret); shown here."""

    operations = VIEW_ONLY
    list_display = ["url", "department", "is_active", "created_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_filter = ["is_active"]
    search_fields = ["url", "department__name"]
    list_select_related = ["department"]
    raw_id_fields = ["department"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(CenterAdmin):
    operations = VIEW_ONLY
    list_display = [
        "event_type",
        "endpoint",
        "status",
        "attempts",
        "last_response_code",
        "created_at",
    ]
    list_filter = ["status", "event_type"]
    search_fields = ["endpoint__url", "event_type"]
    list_select_related = ["endpoint"]
    raw_id_fields = ["endpoint"]
    date_hierarchy = "created_at"
