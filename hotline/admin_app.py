"""Django's admin, with the center's site (`departments.adminsite.CenterAdminSite`) as default."""

from django.contrib.admin.apps import AdminConfig


class CenterAdminConfig(AdminConfig):
    """The admin answers only the center's supervisors and superusers (see the site class)."""

    default_site = "departments.adminsite.CenterAdminSite"
