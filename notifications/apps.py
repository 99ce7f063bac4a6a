from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from core import outbox
        from notifications import outbox_writer, policy  # noqa: F401  (policy: registers rules)

        outbox.register(outbox_writer.enqueue_for_event)  # the messages commit with the event
