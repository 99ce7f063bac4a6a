"""The case list API's rows: `CaseSerializer`'s JSON built from plain rows (issue 18).

A page of 100 cases through `CaseSerializer` built 100 model instances (and their category,
region and parent) and walked 27 DRF fields each: two thirds of the request's time. The list
reads the columns it shows as a `values()` row and turns each into the same JSON with plain
code; the detail and the actions keep `CaseSerializer` / `CaseDetailSerializer`, and the OpenAPI
schema still documents the list with `CaseSerializer` (`tests/cases/test_api_case_rows.py`
compares both outputs field by field, for the center and for a department).

The citizen's name and phone still come from `cases.privacy` (`identity_of`).
"""

import datetime

from django.utils import timezone

from cases import privacy
from cases.choices import OPEN_STATUSES

# The row's columns: what CaseSerializer shows, plus the cursor's keys (id, due).
ROW_COLUMNS = (
    "id",
    "due",
    "number",
    "status",
    "channel",
    "request_type",
    "category_id",
    "category__name",
    "title",
    "content",
    "citizen_name",
    "citizen_phone",
    "anonymous",
    "confidential",
    "address",
    "region__code",
    "urgency",
    "main_department_id",
    "parent__number",
    "answer",
    "reply_due_at",
    "replied_at",
    "closed_at",
    "reopen_count",
    "resolved",
    "satisfaction",
    "created_at",
    "updated_at",
)
OPEN = frozenset(OPEN_STATUSES)


def iso(value: datetime.datetime | None, zone) -> str | None:
    """DRF's ISO 8601 form of an aware time, in the current time zone ("Z" for UTC)."""
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def case_rows(queryset):
    """The cases of `queryset` (already scoped and filtered) as rows of ROW_COLUMNS."""
    return queryset.values(*ROW_COLUMNS)


def case_row_data(rows, *, center: bool) -> list[dict]:
    """`CaseSerializer(many=True).data` of the rows, for a center or a department viewer."""
    zone = timezone.get_current_timezone()
    now = timezone.now()
    data = []
    for row in rows:
        shown = privacy.identity_of(
            row["citizen_name"],
            row["citizen_phone"],
            confidential=row["confidential"],
            anonymous=row["anonymous"],
            center=center,
        )
        due = row["reply_due_at"]
        data.append(
            {
                "number": row["number"],
                "status": row["status"],
                "channel": row["channel"],
                "request_type": row["request_type"],
                "category": row["category_id"],
                "category_name": row["category__name"] or "",
                "title": row["title"],
                "content": row["content"],
                "citizen_name": shown.name,
                "citizen_phone": shown.phone,
                "anonymous": row["anonymous"],
                "confidential": row["confidential"],
                "address": row["address"],
                "region": row["region__code"],
                "urgency": row["urgency"],
                "main_department": row["main_department_id"],
                "parent": row["parent__number"],
                "answer": row["answer"],
                "reply_due_at": iso(due, zone),
                "replied_at": iso(row["replied_at"], zone),
                "closed_at": iso(row["closed_at"], zone),
                "is_overdue": bool(row["status"] in OPEN and due and due < now),
                "reopen_count": row["reopen_count"],
                "resolved": row["resolved"],
                "satisfaction": row["satisfaction"],
                "created_at": iso(row["created_at"], zone),
                "updated_at": iso(row["updated_at"], zone),
            }
        )
    return data
