"""The part of the assessment and trends pages one viewer sees (`hotline.policy` decides who).

- center staff (agents, supervisors) see everything;
- district-center staff see their district: its numbers, and in the league tables the rows of
  the departments located in it (and of the district itself), ranked among all of them;
- department staff (handlers, department admins) see their department (with its
  sub-departments): its numbers, and its own row and rank in the league table.

The case lists the numbers link to stay scoped by `cases.selectors.visible_cases`.
"""

from dataclasses import dataclass, replace

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
