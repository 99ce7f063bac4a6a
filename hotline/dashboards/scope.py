"""Who sees which part of the assessment and trends pages (the role helpers decide, not us).

- center staff (agents, supervisors) see everything;
- district-center staff see their district: its numbers, and in the league tables the rows of
  the departments located in it (and of the district itself), ranked among all of them;
- department staff (handlers, department admins) see their department (with its
  sub-departments): its numbers, and its own row and rank in the league table.

The case lists the numbers link to stay scoped by `cases.selectors.visible_cases`.
"""

from dataclasses import dataclass, replace

from core.roles import DEPARTMENT_ROLES
from departments.memberships import is_center_staff, staff_departments
from departments.models import Department, Region
from hotline.dashboards.filters import Slice


@dataclass(frozen=True)
class Scope:
    """What one viewer may see; center=True means everything."""

    center: bool = False
    district: Region | None = None
    department: Department | None = None

    def narrow(self, s: Slice) -> Slice:
        """The slice limited to the viewer's district or department."""
        if self.center:
            return s
        if self.department is not None:
            return replace(s, department=self.department)
        return replace(s, district=self.district)

    def league_rows(self, by: str) -> set[int] | None:
        """The league rows (department or district ids) the viewer may see; None = all."""
        if self.center:
            return None
        if by == "district":
            if self.department is not None:
                return {self.department.region_id} if self.department.region_id else set()
            return {self.district.pk}
        if self.department is not None:
            return set(Department.objects.subtree(self.department).values_list("pk", flat=True))
        regions = Region.objects.subtree(self.district).values("pk")
        return set(Department.objects.filter(region__in=regions).values_list("pk", flat=True))


def viewer_scope(user) -> Scope | None:
    """The viewer's scope, or None when they may not see the dashboards at all."""
    if not user.is_authenticated:
        return None
    if is_center_staff(user):
        return Scope(center=True)
    departments = staff_departments(user)
    for department in departments:
        if department.kind == Department.Kind.DISTRICT_CENTER and department.region_id:
            return Scope(district=department.region)
    own = staff_departments(user, DEPARTMENT_ROLES)
    return Scope(department=own[0]) if own else None
