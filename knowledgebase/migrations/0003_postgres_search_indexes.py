"""PostgreSQL only: pg_trgm, a GIN index over the articles' words and one over their titles.

On SQLite every operation here does nothing: `TrigramExtension` checks the database itself,
and the indexes are created through `RunPython` that returns early when not on PostgreSQL.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

VECTOR = (
    "setweight(to_tsvector('simple'::regconfig, search_title), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, search_body), 'C')"
)
CREATE = [
    f"CREATE INDEX IF NOT EXISTS article_search_gin ON knowledgebase_article USING gin (({VECTOR}))",
    "CREATE INDEX IF NOT EXISTS article_title_trgm ON knowledgebase_article "
    "USING gin (title gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS article_search_gin", "DROP INDEX IF EXISTS article_title_trgm"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledgebase", "0002_search_words")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(_run(CREATE), _run(DROP)),
    ]
