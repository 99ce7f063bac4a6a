"""Admin for the gazetteer, departments, memberships, routing rules and integrations."""

from django import forms
from django.contrib import admin
from django.db import models

from core.tree import place
from departments import rule_services
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


class TreeNodeAdmin(admin.ModelAdmin):
    """A node is created with its path and moved with its subtree; its code is its key."""

    form = TreeNodeForm
    raw_id_fields = ["parent"]
    readonly_fields = ["path"]

    def get_readonly_fields(self, request, obj=None):
        fixed = [*self.readonly_fields]
        if self.model.depth_field:
            fixed.append(self.model.depth_field)  # follows from the parent
        if obj is not None:
            fixed.append("code")  # part of every path below the node
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


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Department)
class DepartmentAdmin(TreeNodeAdmin):
    list_display = ["code", "name", "kind", "parent", "region", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "short_name"]
    list_select_related = ["parent", "region"]
    raw_id_fields = ["parent", "region"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "department", "role"]
    list_filter = ["role", "department__kind"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "department__name"]
    list_select_related = ["user", "department"]
    raw_id_fields = ["user", "department"]


class RuleRevisionInline(admin.TabularInline):
    model = RuleRevision
    extra = 0
    can_delete = False
    readonly_fields = ["changed_at", "action", "changed_by", "reason", "snapshot"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ResponsibilityRule)
class ResponsibilityRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "region", "department", "territorial", "priority"]
    list_filter = ["territorial", "is_active"]
    search_fields = ["name", "source_document", "department__name", "category__name"]
    list_select_related = ["category", "region", "department"]
    raw_id_fields = ["category", "region", "department", "replaces"]
    inlines = [RuleRevisionInline]

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead, so that the rule's history stays

    def save_model(self, request, obj, form, change):
        """Saved, and versioned like a change made on the routing pages."""
        super().save_model(request, obj, form, change)
        RuleRevision.objects.create(
            rule=obj,
            action=RuleRevision.Action.CHANGED if change else RuleRevision.Action.CREATED,
            snapshot=rule_services.snapshot(obj),
            changed_by=request.user,
            reason="edited in the admin",
        )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued on the department admin's page (the key is shown once there)."""

    list_display = ["name", "department", "user", "scope", "prefix", "last_used_at", "revoked_at"]
    list_filter = ["scope"]
    search_fields = ["name", "prefix", "department__name"]
    list_select_related = ["department", "user"]
    raw_id_fields = ["department", "user", "created_by"]
    readonly_fields = ["prefix", "created_by", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "department", "is_active", "created_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_filter = ["is_active"]
    search_fields = ["url", "department__name"]
    list_select_related = ["department"]
    raw_id_fields = ["department"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
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
