"""The admin is the center's tool: only the center's supervisors keep a staff account, and
only their group keeps admin permissions (view only where a service owns the rows).

The grants are written out here, not read from core.roles, so that this migration means the
same thing whatever the table says later.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CENTER_KINDS = ("center", "sub_center")
SUPERVISOR_GRANTS = {
    "cases.case": ("view",),
    "cases.caseevent": ("view",),
    "cases.assignment": ("view",),
    "cases.attachment": ("view",),
    "cases.callback": ("view",),
    "cases.extension": ("view",),
    "cases.supervisionorder": ("view",),
    "cases.dispute": ("view",),
    "cases.category": ("view", "add", "change"),
    "departments.region": ("view", "add", "change"),
    "departments.department": ("view", "add", "change"),
    "departments.membership": ("view",),
    "departments.responsibilityrule": ("view", "add", "change"),
    "departments.apitoken": ("view",),
    "departments.webhookendpoint": ("view",),
    "departments.webhookdelivery": ("view",),
    "knowledgebase.article": ("view",),
    "knowledgebase.articleversion": ("view",),
    "knowledgebase.articlefeedback": ("view",),
}
WITHOUT_ADMIN = ("agent", "handler", "dept_admin", "editor", "reviewer")


def _supervisor_permissions(Permission):
    wanted = []
    for label, operations in SUPERVISOR_GRANTS.items():
        app_label, model = label.split(".")
        wanted += Permission.objects.filter(
            content_type__app_label=app_label,
            codename__in=[f"{operation}_{model}" for operation in operations],
        )
    return wanted


def close_the_admin(apps, schema_editor):
    for app_config in apps.get_app_configs():  # as in 0001: permissions exist after migrating
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=WITHOUT_ADMIN):
        group.permissions.clear()
    supervisors = Group.objects.filter(name="supervisor").first()
    if supervisors is not None:
        supervisors.permissions.set(_supervisor_permissions(Permission))
    Membership = apps.get_model("departments", "Membership")
    center_supervisors = Membership.objects.filter(
        role="supervisor", department__kind__in=CENTER_KINDS
    ).values("user_id")
    User = apps.get_model("auth", "User")
    User.objects.filter(is_staff=True, is_superuser=False).exclude(
        pk__in=center_supervisors
    ).update(is_staff=False)


class Migration(migrations.Migration):
    dependencies = [
        ("hotline", "0005_root_cause_tasks"),
        ("departments", "0003_dashboard_stats_and_reminders"),
    ]

    # Not reversed: which accounts were staff before is not known any more (grant it again by
    # hand to the few who need it).
    operations = [migrations.RunPython(close_the_admin, migrations.RunPython.noop)]
