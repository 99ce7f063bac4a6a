"""Case text search through an index (cases.textsearch): a table with a GIN index on
PostgreSQL, FTS5 on SQLite, both written by triggers. Neither is a Django model (their shapes
differ per database), so both are created here."""

from django.db import migrations

from cases import textsearch


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        statements = textsearch.POSTGRESQL_SCHEMA
    elif schema_editor.connection.vendor == "sqlite":
        statements = textsearch.SQLITE_SCHEMA
    else:
        return
    for statement in statements:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": textsearch.POSTGRESQL_DROP, "sqlite": textsearch.SQLITE_DROP}
    for statement in statements.get(vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_personal_data_access_and_one_open_supervision")]

    operations = [migrations.RunPython(create, drop)]
