"""Admin for cases: a supervisor finds any case by number, phone or text, and reads it.

Everything a service owns is view only here: cases, assignments, events, callbacks,
extensions, supervision orders, disputes and attachments change on the work-order pages, through
the services, each change with its timeline event. Nothing of a case is edited in the admin
(so nothing bypasses a guard or the timeline); its citizen's name and phone are not shown, the
pages show them as the viewer may see them. The classification, the working calendar and the
deadline policies stay editable: they are reference data, not a case's lifecycle.
"""

from django.contrib import admin

from cases.models import (
    Assignment,
    Attachment,
    Callback,
    Case,
    CaseEvent,
    Category,
    DailySequence,
    DeadlinePolicy,
    Dispute,
    Extension,
    ReplyReviewPolicy,
    SupervisionOrder,
    Synonym,
    WorkingDay,
)
from departments.admin import TreeNodeAdmin
from departments.adminsite import VIEW_ONLY, CenterAdmin, CenterInline


class ReadOnlyInline(CenterInline):
    """Inlines showing history: never added or changed by hand."""

    show_change_link = True


class CaseEventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ["created_at", "type", "actor", "assignment", "data"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    fk_name = "case"
    fields = ["department", "role", "status", "dispatched_at", "sign_due_at", "reply_due_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("department")


class CallbackInline(ReadOnlyInline):
    model = Callback
    fields = ["created_at", "agent", "reached", "resolved", "satisfaction", "note"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("agent")


@admin.register(Case)
class CaseAdmin(CenterAdmin):
    operations = VIEW_ONLY
    exclude = ["citizen_name", "citizen_phone"]  # identities are revealed on the case page
    list_display = [
        "number",
        "status",
        "request_type",
        "channel",
        "category",
        "region",
        "main_department",
        "urgency",
        "created_at",
        "reply_due_at",
    ]
    list_filter = ["status", "request_type", "channel", "urgency", "confidential"]
    search_fields = ["=number", "^citizen_phone", "title", "content"]
    list_select_related = ["category", "region", "main_department"]
    raw_id_fields = [
        "category",
        "region",
        "main_department",
        "transferred_to",
        "parent",
        "created_by",
    ]
    readonly_fields = ["number", "status", "created_at", "updated_at"]
    date_hierarchy = "created_at"
    show_full_result_count = False  # counting a million rows on every search is wasted work
    inlines = [AssignmentInline, CallbackInline, CaseEventInline]


@admin.register(CaseEvent)
class CaseEventAdmin(CenterAdmin):
    operations = VIEW_ONLY
    list_display = ["case", "type", "actor", "created_at"]
    list_filter = ["type"]
    search_fields = ["=case__number"]
    list_select_related = ["case", "actor"]
    raw_id_fields = ["case", "assignment", "actor"]
    show_full_result_count = False


@admin.register(Assignment)
class AssignmentAdmin(CenterAdmin):
    operations = VIEW_ONLY
    list_display = [
        "case",
        "department",
        "role",
        "status",
        "dispatched_at",
        "sign_due_at",
        "reply_due_at",
    ]
    list_filter = ["status", "role", "department__kind"]
    search_fields = ["=case__number", "department__name"]
    list_select_related = ["case", "department"]
    raw_id_fields = [
        "case",
        "department",
        "parent",
        "dispatched_by",
        "signed_by",
        "replied_by",
        "return_suggested_department",
    ]
    show_full_result_count = False


@admin.register(Category)
class CategoryAdmin(TreeNodeAdmin):
    list_display = ["code", "name", "level", "parent", "public", "is_active"]
    list_filter = ["level", "public", "is_active"]
    search_fields = ["code", "name", "description"]
    list_select_related = ["parent"]


@admin.register(Synonym)
class SynonymAdmin(CenterAdmin):
    """Everyday words for the category and knowledge searches and the rules (reference data)."""

    list_display = ["word", "term", "updated_at"]
    search_fields = ["word", "term"]


@admin.register(Attachment)
class AttachmentAdmin(CenterAdmin):
    operations = VIEW_ONLY
    list_display = ["name", "case", "size", "uploaded_by", "uploaded_at"]
    search_fields = ["=case__number", "name"]
    list_select_related = ["case", "uploaded_by"]
    raw_id_fields = ["case", "assignment", "uploaded_by"]


@admin.register(Extension)
class ExtensionAdmin(CenterAdmin):
    operations = VIEW_ONLY
    list_display = ["assignment", "days", "status", "requested_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["=assignment__case__number"]
    list_select_related = ["assignment__case", "assignment__department"]
    raw_id_fields = ["assignment", "requested_by", "decided_by"]


@admin.register(Callback)
class CallbackAdmin(CenterAdmin):
    operations = VIEW_ONLY
    list_display = ["case", "agent", "reached", "resolved", "satisfaction", "created_at"]
    list_filter = ["reached", "resolved", "satisfaction"]
    search_fields = ["=case__number"]
    list_select_related = ["case", "agent"]
    raw_id_fields = ["case", "agent"]


@admin.register(SupervisionOrder)
class SupervisionOrderAdmin(CenterAdmin):
    operations = VIEW_ONLY
    list_display = ["case", "department", "level", "status", "opened_at", "due_at"]
    list_filter = ["status", "level"]
    search_fields = ["=case__number", "department__name"]
    list_select_related = ["case", "department"]
    raw_id_fields = ["case", "assignment", "department", "opened_by", "answered_by"]


@admin.register(Dispute)
class DisputeAdmin(CenterAdmin):
    operations = VIEW_ONLY
    list_display = ["case", "status", "raised_at", "decided_department", "decided_at"]
    list_filter = ["status"]
    search_fields = ["=case__number"]
    list_select_related = ["case", "decided_department"]
    raw_id_fields = ["case", "raised_by", "decided_department", "decided_by"]


@admin.register(WorkingDay)
class WorkingDayAdmin(CenterAdmin):
    list_display = ["date", "is_workday", "name", "source"]
    list_filter = ["is_workday", "source"]
    search_fields = ["name"]
    date_hierarchy = "date"


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(CenterAdmin):
    list_display = ["stage", "request_type", "urgency", "limit", "unit", "max_count"]
    list_filter = ["stage", "unit"]


@admin.register(ReplyReviewPolicy)
class ReplyReviewPolicyAdmin(CenterAdmin):
    """Which replies the center reviews before the callback (issue 14: 办结审核)."""

    list_display = ["request_type", "category", "department", "review", "note"]
    list_filter = ["review", "request_type"]
    raw_id_fields = ["category", "department"]


@admin.register(DailySequence)
class DailySequenceAdmin(CenterAdmin):
    operations = VIEW_ONLY
    list_display = ["day", "last"]
