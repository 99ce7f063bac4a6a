from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from cases import sla
        from cases.models import DeadlinePolicy, WorkingDay

        # The deadline clock keeps the calendar and the policies in memory: forget them when
        # a supervisor edits either (in this process; other processes on their next restart).
        for model in (WorkingDay, DeadlinePolicy):
            for signal in (post_save, post_delete):
                signal.connect(sla.clear_cache, sender=model, dispatch_uid=f"sla-{model.__name__}")
