"""API tokens expire: existing tokens get HOTLINE_API_TOKEN_DAYS from the migration on."""

from django.db import migrations, models

import departments.models


class Migration(migrations.Migration):
    dependencies = [
        ("departments", "0003_dashboard_stats_and_reminders"),
    ]

    operations = [
        # The default is evaluated once for the existing rows: a full term from today, so no
        # integration stops working on the day of the upgrade.
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(
                default=departments.models.token_expiry, verbose_name="expires at"
            ),
        ),
    ]
