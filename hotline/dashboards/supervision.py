"""Supervision order lists (open, overdue, answered) and the overdue cases the sweep flagged."""

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.choices import ACTIVE_ASSIGNMENT_STATUSES, SupervisionStatus
from cases.models import Assignment, SupervisionOrder
from hotline.dashboards.tables import Cell, Table, case_list_url
from hotline.models import DeadlineReminder

STATES = {
    "open": _("Open"),
    "overdue": _("Overdue"),
    "answered": pgettext_lazy("supervision order", "Answered"),
    "flagged": _("Flagged by the deadline watch"),
}


def orders(state: str) -> QuerySet:
    """The orders (or, for "flagged", the overdue assignments) of one list, oldest due first."""
    now = timezone.now()
    if state == "flagged":
        return flagged_assignments()
    base = SupervisionOrder.objects.select_related("case", "department")
    if state == "overdue":
        return base.filter(status=SupervisionStatus.OPEN, due_at__lt=now).order_by("due_at", "id")
    if state == "answered":
        return base.filter(status=SupervisionStatus.ANSWERED).order_by("-answered_at", "id")
    return base.filter(status=SupervisionStatus.OPEN, due_at__gte=now).order_by("due_at", "id")


def flagged_assignments() -> QuerySet:
    """Open assignments the sweep found past a deadline whose case has no open order yet."""
    overdue = DeadlineReminder.objects.filter(
        assignment=OuterRef("pk"), threshold=DeadlineReminder.Threshold.OVERDUE
    )
    open_order = SupervisionOrder.objects.filter(
        case=OuterRef("case_id"), status=SupervisionStatus.OPEN
    )
    return (
        Assignment.objects.filter(Exists(overdue), status__in=ACTIVE_ASSIGNMENT_STATUSES)
        .exclude(Exists(open_order))
        .select_related("case", "department")
        .order_by("reply_due_at", "id")
    )


def _case_cell(case) -> Cell:
    return Cell(case.number, "text", case_list_url({"q": case.number}))


def orders_table(state: str, rows) -> Table:
    """One page of a list as a table."""
    if state == "flagged":
        table = Table(
            "flagged",
            STATES[state],
            [_("case"), _("department"), _("sign due"), _("reply due"), _("status")],
        )
        for a in rows:
            table.rows.append([_case_cell(a.case), Cell(a.department.name, "text"),
                               Cell(_local(a.sign_due_at), "date"),
                               Cell(_local(a.reply_due_at), "date"),
                               Cell(a.get_status_display(), "text")])  # fmt: skip
        return table
    table = Table(f"orders_{state}", STATES.get(state, STATES["open"]),
                  [_("case"), _("department"), _("level"), _("reason"), _("opened"), _("due"),
                   _("answered")])  # fmt: skip
    for o in rows:
        table.rows.append([_case_cell(o.case), Cell(o.department.name, "text"),
                           Cell(o.get_level_display(), "text"), Cell(o.reason, "text"),
                           Cell(_local(o.opened_at), "date"), Cell(_local(o.due_at), "date"),
                           Cell(_local(o.answered_at), "date")])  # fmt: skip
    return table


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""
