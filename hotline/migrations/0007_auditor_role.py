"""The personal-data auditor's group (the role reads the access log on its page; no admin
permissions)."""

from django.db import migrations


def create_auditor_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="auditor")


def drop_auditor_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="auditor").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("hotline", "0006_admin_center_only"),
        ("departments", "0005_auditor_role"),
    ]

    operations = [migrations.RunPython(create_auditor_group, drop_auditor_group)]
