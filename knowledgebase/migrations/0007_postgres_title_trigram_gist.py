"""PostgreSQL only: a GiST trigram index on titles, for the search's typo fallback.

The fallback asks for the nearest titles (`ORDER BY title <-> q LIMIT n`): only a GiST index
answers a distance ordering, so the lookup reads a few index pages instead of every article.
The GIN trigram index of migration 0003 answered only `%` and is dropped; the full-text vector
of migration 0004 stays (the search no longer asks it; it costs little and other readers may).
On SQLite this migration does nothing.
"""

from django.db import migrations

FORWARD = [
    "CREATE INDEX IF NOT EXISTS article_title_trgm_gist ON knowledgebase_article "
    "USING gist (title gist_trgm_ops)",
    "DROP INDEX IF EXISTS article_title_trgm",
]
BACKWARD = [
    "CREATE INDEX IF NOT EXISTS article_title_trgm ON knowledgebase_article "
    "USING gin (title gin_trgm_ops)",
    "DROP INDEX IF EXISTS article_title_trgm_gist",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledgebase", "0006_article_source_issuing_unit")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
