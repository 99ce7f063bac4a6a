from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "hotline"
    verbose_name = _("Hotline center")

    def ready(self):
        from core import db
        from hotline import checks, policy  # noqa: F401  (register the system checks, the rules)

        # PostgreSQL's timestamps parsed by psycopg in C, not by Django in Python (core/db.py)
        connection_created.connect(db.use_psycopg_timestamps, dispatch_uid="psycopg-timestamps")
