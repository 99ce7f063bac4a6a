"""The case's sort key on each assignment (issue 18): a department's list reads its assignments'
index, (department, case_created_at, case), a page at a time.

The column is added empty, filled for every existing row in one set-based UPDATE (one
statement, whatever the number of rows: it runs on databases of a million cases), then made
NOT NULL and indexed, the index built once over the filled column.
"""

from django.db import migrations, models

FILL = {
    "postgresql": (
        "UPDATE cases_assignment AS a SET case_created_at = c.created_at "
        "FROM cases_case AS c WHERE c.id = a.case_id"
    ),
    # SQLite (3.33+ has UPDATE ... FROM too; the correlated form works everywhere)
    "default": (
        "UPDATE cases_assignment SET case_created_at = "
        "(SELECT c.created_at FROM cases_case AS c WHERE c.id = cases_assignment.case_id)"
    ),
}


def fill(apps, schema_editor):
    sql = FILL.get(schema_editor.connection.vendor, FILL["default"])
    schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_merge_20261201_2121"),
    ]

    operations = [
        migrations.AddField(
            model_name="assignment",
            name="case_created_at",
            field=models.DateTimeField(editable=False, null=True, verbose_name="case created at"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="assignment",
            name="case_created_at",
            field=models.DateTimeField(editable=False, verbose_name="case created at"),
        ),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(
                fields=["department", "case_created_at", "case"], name="asg_dept_case_created"
            ),
        ),
    ]
