"""Data: index the text of the cases that exist already."""

from django.db import migrations

from cases import textsearch


def fill(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    backfill = {"postgresql": textsearch.POSTGRESQL_BACKFILL, "sqlite": textsearch.SQLITE_BACKFILL}
    if vendor in backfill:
        schema_editor.execute(backfill[vendor])


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_case_text_index")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
