"""Data: index the cases that exist already (SQLite; PostgreSQL's index built itself)."""

from django.db import migrations

from cases import textsearch


def fill(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(textsearch.SQLITE_BACKFILL)


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_case_text_index")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
