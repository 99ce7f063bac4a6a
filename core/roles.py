"""The roles people play in the hotline, and where each user may look.

A role is both a Django group (which carries the model permissions the admin uses) and the
`role` of a `departments.Membership` (which ties the user to the department whose cases they
see). Services and selectors ask the helpers here rather than reading groups directly.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("Agent")
    SUPERVISOR = "supervisor", _("Supervisor")
    HANDLER = "handler", _("Department handler")
    DEPT_ADMIN = "dept_admin", _("Department admin")
    EDITOR = "editor", _("Knowledge editor")
    REVIEWER = "reviewer", _("Knowledge reviewer")
    AUDITOR = "auditor", _("Personal-data auditor")


CENTER_ROLES = frozenset({Role.AGENT, Role.SUPERVISOR})
DEPARTMENT_ROLES = frozenset({Role.HANDLER, Role.DEPT_ADMIN})

# Model permissions each group gets (codename prefixes per app label and model). They serve the
# admin only, and the admin is the center supervisors' tool: the other roles work on the pages
# and get none (hotline/migrations/0006_admin_center_only.py brought existing groups in line).
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.AGENT: {},
    Role.SUPERVISOR: {
        "cases.case": ("view",),
        "cases.caseevent": ("view",),
        "cases.assignment": ("view",),
        "cases.attachment": ("view",),
        "cases.callback": ("view",),
        "cases.extension": ("view",),
        "cases.supervisionorder": ("view",),
        "cases.dispute": ("view",),
        "cases.replyreviewpolicy": ("view", "add", "change", "delete"),  # issue 14
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
    },
    Role.HANDLER: {},
    Role.DEPT_ADMIN: {},
    Role.EDITOR: {},
    Role.REVIEWER: {},
    Role.AUDITOR: {},  # reads the personal-data access log on its page
}


# departments.memberships keeps a user's memberships (with their departments) under this name;
# the request log reads them from there when a request has loaded them, never by a query.
MEMBERSHIPS_CACHE = "_hotline_memberships"
