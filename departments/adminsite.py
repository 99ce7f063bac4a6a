"""The admin is the center's tool: who may open it is asked in one place, `may_use_admin`.

Only superusers and the supervisors of the center or a sub-center use it (their accounts are the
only staff accounts). Agents, department staff, editors and reviewers work on the pages, which
are scoped and masked; the admin is neither. On top of that question each admin keeps Django's
model permissions and says which operations it offers at all: rows a service owns (cases,
assignments, events, tokens, webhooks …) are view only, whoever asks.
"""

from django.contrib import admin

from core import policy

EVERY_OPERATION = frozenset({"view", "add", "change", "delete"})
VIEW_ONLY = frozenset({"view"})


def may_use_admin(user) -> bool:
    """Superusers, and staff accounts of a supervisor of the center or a sub-center.

    The one seam to the policy (`departments.policy`: `departments.use_admin`); every admin
    below follows it.
    """
    return policy.can(user, "departments.use_admin")


class CenterAdminSite(admin.AdminSite):
    """The default site: the index and every page answer only `may_use_admin` users."""

    def has_permission(self, request) -> bool:
        return may_use_admin(request.user)


class _CenterGate:
    """The permission methods of a ModelAdmin or an inline, all asking `allows`."""

    operations = EVERY_OPERATION

    def offered(self, request) -> frozenset[str]:
        """The operations this admin offers the user (superusers may get more than others)."""
        return self.operations

    def allows(self, request, operation: str) -> bool:
        return operation in self.offered(request) and may_use_admin(request.user)

    def has_module_permission(self, request):
        return self.allows(request, "view") and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self.allows(request, "view") and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self.allows(request, "change") and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.allows(request, "delete") and super().has_delete_permission(request, obj)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if self.allows(request, "view") else queryset.none()


class CenterAdmin(_CenterGate, admin.ModelAdmin):
    """Every ModelAdmin of the project: open to `may_use_admin` users, for `operations`."""

    def has_add_permission(self, request):
        return self.allows(request, "add") and super().has_add_permission(request)


class CenterInline(_CenterGate, admin.TabularInline):
    """Every inline of the project: history shown, never added or changed by hand."""

    operations = VIEW_ONLY
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return self.allows(request, "add") and super().has_add_permission(request, obj)
