"""The GIN index of the case text pairs (PostgreSQL), built once the rows are in (0008)."""

from django.db import migrations

from cases import textsearch


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(textsearch.POSTGRESQL_INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {textsearch.TABLE}_gin")


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_fill_case_text_index")]

    operations = [migrations.RunPython(create, drop)]
