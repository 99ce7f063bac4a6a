"""The center's supervisors edit the reply-review policy in the admin (issue 14, 办结审核)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = [f"{action}_replyreviewpolicy" for action in ("view", "add", "change", "delete")]


def grant(apps, schema_editor):
    cases = apps.get_app_config("cases")
    cases.models_module = True  # permissions are normally created after all migrations ran
    create_permissions(cases, verbosity=0)
    cases.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name="supervisor")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="cases", codename__in=CODENAMES)
    )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name="supervisor"):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="cases", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("hotline", "0008_stats_withdrawn_and_replies_sent_back"),
        ("cases", "0007_reply_review_take_back_extension_policy"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
