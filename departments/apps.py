from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DepartmentsConfig(AppConfig):
    name = "departments"
    verbose_name = _("Departments and regions")

    def ready(self):
        from core import outbox
        from departments import policy, webhooks  # noqa: F401  (policy: registers its rules)

        outbox.register(webhooks.enqueue_for_event)  # the webhook rows commit with the event
