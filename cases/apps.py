from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from cases import partner_webhooks, policy, privacy, sla, textsearch  # noqa: F401
        from cases.routing import synonyms  # noqa: F401  (announces edits of the table)
        from core import outbox
        from core import privacy as payloads

        outbox.register(partner_webhooks.enqueue_for_partners)  # partner lines' rows, same tx
        payloads.register_payload_filter(privacy.without_identity)
        from cases.models import DeadlinePolicy, WorkingDay

        # The deadline clock keeps the calendar and the policies in memory: forget them when
        # a supervisor edits either, here at once and in every other process within a second.
        for model in (WorkingDay, DeadlinePolicy):
            for signal in (post_save, post_delete):
                signal.connect(
                    sla.announce_change, sender=model, dispatch_uid=f"sla-{model.__name__}"
                )
        # SQLite's case text index is written by triggers calling a Python function.
        connection_created.connect(
            textsearch.install_sqlite_function, dispatch_uid="cases-text-grams"
        )
        # The list pages' filter options are cached per process (cases.views.lists).
        from cases.models import Category
        from cases.views.filter_panel import forget_filter_choices
        from departments.models import Department, Region

        for model in (Region, Category, Department):
            for signal in (post_save, post_delete):
                signal.connect(
                    forget_filter_choices, sender=model, dispatch_uid=f"filters-{model.__name__}"
                )
