"""Admin for the gazetteer, departments, memberships, routing rules and integrations."""

from django.contrib import admin
from django.db import models

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


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent", "region", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "short_name"]
    list_select_related = ["parent", "region"]
    raw_id_fields = ["parent", "region"]
    readonly_fields = ["path"]
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
