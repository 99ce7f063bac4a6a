"""The default Chinese message templates (the supervisors reword them on their page)."""

from django.db import migrations

from notifications.catalog import SPECS


def add_defaults(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for key, spec in SPECS.items():
        MessageTemplate.objects.get_or_create(
            key=str(key), defaults={"text": spec.text, "subject": spec.subject}
        )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_notification_outbox")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
