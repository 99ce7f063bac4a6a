"""Seed the DOMAIN.md deadline policies and the official calendar chinesecalendar knows."""

from django.db import migrations


def seed(apps, schema_editor):
    from cases import sla

    sla.seed_deadline_policies(apps.get_model("cases", "DeadlinePolicy"))
    sla.seed_calendar(apps.get_model("cases", "WorkingDay"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
