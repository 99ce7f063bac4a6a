"""Reads scoped to what a user may see: the one place that decides visibility.

- the center (agents and supervisors of the center or a sub-center) sees every case;
- district-center staff see the cases in their district and those dispatched to them;
- department staff see the cases their department or its sub-departments hold an
  assignment for (whatever its state, so that history stays readable);
- anyone else sees nothing. Fetching one object outside the scope raises NotFound (404),
  exactly as a missing one does.
"""

import difflib

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from cases.choices import DEAD_END_STATUSES
from cases.models import Assignment, Case
from core.errors import NotFound
from departments.memberships import is_center_staff, staff_departments
from departments.models import Department, Region


def _department_subtree_q(departments, prefix: str = "") -> Q:
    """`<prefix>department` is one of `departments` or below them (an id subquery, no join)."""
    subtree = Q(pk__in=[])
    for department in departments:
        subtree |= Q(path__startswith=department.path)
    ids = Department.objects.filter(subtree).values("id")
    return Q(**{f"{prefix}department_id__in": ids})


def _district_q(departments, prefix: str = "") -> Q:
    """`<prefix>region` lies in a district governed by one of `departments`."""
    territory = Q(pk__in=[])
    for department in departments:
        if department.kind == Department.Kind.DISTRICT_CENTER and department.region_id:
            territory |= Q(path__startswith=department.region.path)
    return Q(**{f"{prefix}region_id__in": Region.objects.filter(territory).values("id")})


def case_scope_q(user) -> Q | None:
    """A filter on Case for what the user may see; None means everything."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if is_center_staff(user):
        return None
    departments = staff_departments(user)
    if not departments:
        return Q(pk__in=[])
    held = Assignment.objects.filter(_department_subtree_q(departments), case=OuterRef("pk"))
    q = Q(Exists(held))
    if _governs_a_district(departments):
        q |= _district_q(departments)
    return q


def _governs_a_district(departments) -> bool:
    return any(d.kind == Department.Kind.DISTRICT_CENTER and d.region_id for d in departments)


def visible_cases(user) -> QuerySet[Case]:
    """Every case the user may see, with what lists show joined in."""
    queryset = Case.objects.select_related("category", "region", "main_department")
    scope = case_scope_q(user)
    return queryset if scope is None else queryset.filter(scope)


def visible_assignments(user) -> QuerySet[Assignment]:
    """Assignments the user may see: the center sees all, departments their subtree's."""
    queryset = Assignment.objects.select_related("case", "department", "case__category")
    if is_center_staff(user):
        return queryset
    departments = staff_departments(user)
    if not departments:
        return queryset.none()
    q = _department_subtree_q(departments)
    if _governs_a_district(departments):
        q |= _district_q(departments, prefix="case__")
    return queryset.filter(q)


def get_case_for(user, number: str) -> Case:
    """One case by number, or NotFound when it is missing or not the user's to see."""
    case = visible_cases(user).filter(number=number).first()
    if case is None:
        raise NotFound(f"case {number} not found")
    return case


def get_assignment_for(user, pk: int) -> Assignment:
    """One assignment, or NotFound when it is missing or not the user's to see."""
    assignment = visible_assignments(user).filter(pk=pk).first()
    if assignment is None:
        raise NotFound(f"assignment {pk} not found")
    return assignment


# Likely duplicates offered at intake: recent cases of the same region and category.
DUPLICATE_DAYS = 30
DUPLICATE_CANDIDATES = 50
DUPLICATE_MIN_SIMILARITY = 0.3


def likely_duplicates(user, *, region, category, content: str, limit: int = 5) -> list:
    """Recent cases of the same region and category with similar text, most similar first."""
    if not (region and category):
        return []
    since = timezone.now() - timezone.timedelta(days=DUPLICATE_DAYS)
    candidates = (
        visible_cases(user)
        .filter(region=region, category=category, created_at__gte=since)
        .exclude(status__in=DEAD_END_STATUSES)  # offered to merge into: only live cases
        .order_by("-created_at")[:DUPLICATE_CANDIDATES]
    )
    scored = []
    for case in candidates:
        ratio = difflib.SequenceMatcher(None, content, case.content).ratio()
        if ratio >= DUPLICATE_MIN_SIMILARITY:
            scored.append((ratio, case))
    scored.sort(key=lambda pair: -pair[0])
    return [case for _ratio, case in scored[:limit]]


# One-click transfers at intake: emergency lines and the 12333 sub-center.
TRANSFER_CODES = ["hotline-110", "hotline-119", "hotline-120", "hotline-122", "sub-12333"]


def dispatch_targets():
    """Departments a case can be dispatched to: functional ones, district centers, streets."""
    return Department.objects.filter(is_active=True).exclude(
        kind__in=[Department.Kind.CENTER, Department.Kind.TRANSFER]
    )


def transfer_targets():
    return Department.objects.filter(code__in=TRANSFER_CODES)
