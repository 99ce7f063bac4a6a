from django.contrib import admin

from notifications.models import InboundSms, Notification, OptOut


@admin.register(OptOut)
class OptOutAdmin(admin.ModelAdmin):
    list_display = ["phone", "source", "created_at"]
    search_fields = ["phone"]


class ReadOnly(admin.ModelAdmin):
    """Written by the outbox and the SMS callback only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnly):
    list_display = ["case", "template", "channel", "audience", "status", "attempts", "created_at"]
    list_filter = ["status", "channel", "template"]
    raw_id_fields = ["case", "event", "user"]


@admin.register(InboundSms)
class InboundSmsAdmin(ReadOnly):
    list_display = ["message_id", "received_at", "outcome", "content"]
    list_filter = ["outcome"]
