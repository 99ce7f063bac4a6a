from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "hotline"
    verbose_name = _("Hotline center")

    def ready(self):
        from hotline import checks, policy  # noqa: F401  (register the system checks, the rules)
