from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DepartmentsConfig(AppConfig):
    name = "departments"
    verbose_name = _("Departments and regions")

    def ready(self):
        from core import outbox
        from departments import policy, webhooks  # noqa: F401  (policy: registers its rules)

        outbox.register(webhooks.enqueue_for_event)  # the webhook rows commit with the event
        self.connect_token_cache()

    def connect_token_cache(self):
        """What a cached API token depends on replaces its stamps (departments/token_cache)."""
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from departments import token_cache
        from departments.models import ApiToken, Department, Membership, Region

        for signal in (post_save, post_delete):
            uid = f"token-cache-{signal is post_save}"
            signal.connect(token_cache.token_changed, ApiToken, dispatch_uid=f"{uid}-token")
            user_model = get_user_model()
            signal.connect(token_cache.user_changed, user_model, dispatch_uid=f"{uid}-user")
            signal.connect(token_cache.membership_changed, Membership, dispatch_uid=f"{uid}-m")
            signal.connect(token_cache.tree_changed, Department, dispatch_uid=f"{uid}-dept")
            signal.connect(token_cache.tree_changed, Region, dispatch_uid=f"{uid}-region")
