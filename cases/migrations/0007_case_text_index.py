"""Case text search through an index (cases.textsearch): a GIN index on PostgreSQL, FTS5 on
SQLite. Neither is a Django model or index, so both are created here, per database."""

from django.db import migrations

from cases import textsearch


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(textsearch.POSTGRESQL_FUNCTION)
        schema_editor.execute(textsearch.POSTGRESQL_INDEX)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in textsearch.SQLITE_SCHEMA:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS case_text_grams_gin")
        schema_editor.execute("DROP FUNCTION IF EXISTS case_text_grams(text, text, text)")
    elif schema_editor.connection.vendor == "sqlite":
        for suffix in ("insert", "update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {textsearch.SQLITE_TABLE}_{suffix}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {textsearch.SQLITE_TABLE}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_personal_data_access_and_one_open_supervision")]

    operations = [migrations.RunPython(create, drop)]
