"""Keyset paging for lists of a million cases: no OFFSET, no COUNT(*) over the whole table.

A page is the rows after a cursor (the last row's `created_at` and id) in the list's order, one
row more than the page to know whether there is a next page, and a count capped at COUNT_CAP.
"""

import base64
import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 25
COUNT_CAP = 1000
# A text search counts fewer: its matches are found one index probe at a time, and a
# department's common word (噪音, 8 % of its cases) took 130 ms to count to 1,000 at 1M cases.
TEXT_COUNT_CAP = 200


@dataclass
class KeysetPage:
    """One page of rows, the cursor of the next page, and the capped total."""

    items: list = field(default_factory=list)
    next_cursor: str = ""
    size: int = DEFAULT_PAGE_SIZE
    total: int = 0
    total_capped: bool = False
    cap: int = COUNT_CAP


def page_size(value: str | None) -> int:
    """The requested page size when it is one we offer, else the default."""
    return (
        int(value) if value and value.isdigit() and int(value) in PAGE_SIZES else DEFAULT_PAGE_SIZE
    )


def encode_cursor(created_at: datetime.datetime, pk: int) -> str:
    raw = f"{created_at.isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime.datetime, int] | None:
    """The (created_at, id) a cursor names, or None when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        created, pk = raw.split("|")
        return datetime.datetime.fromisoformat(created), int(pk)
    except (ValueError, UnicodeDecodeError):
        return None


def keyset_page(
    queryset: QuerySet,
    *,
    cursor: str = "",
    size: int = DEFAULT_PAGE_SIZE,
    field: str = "created_at",
    oldest_first: bool = False,
    window: Callable[..., QuerySet] | None = None,
    count_cap: int | None = None,
) -> KeysetPage:
    """The page of `queryset` that follows `cursor`, in the order of `field` then id: newest
    first (the lists), or oldest first (the queues: what waits longest comes first).

    `window(size=, after=)` (newest first by `created_at` only) gives the same rows as
    `queryset` for the first `size` after the position `after`: the page and the capped count
    are then read from it (`cases.selectors.newest_visible_cases`). The total is counted to
    `count_cap` (COUNT_CAP unless given) and no further."""
    if window is not None and (field != "created_at" or oldest_first):
        raise ValueError("a window reads created_at newest first")
    sign, after = ("", "gt") if oldest_first else ("-", "lt")
    position = decode_cursor(cursor) if cursor else None
    source = window(size=size + 1, after=position) if window else queryset
    ordered = source.order_by(f"{sign}{field}", f"{sign}pk")
    if position:
        moment, pk = position
        ordered = ordered.filter(
            Q(**{f"{field}__{after}": moment}) | Q(**{field: moment, f"pk__{after}": pk})
        )
    rows = list(ordered[: size + 1])
    cap = COUNT_CAP if count_cap is None else count_cap
    page = KeysetPage(items=rows[:size], size=size, cap=cap)
    if len(rows) > size:
        last = rows[size - 1]
        page.next_cursor = encode_cursor(getattr(last, field), last.pk)
    page.total = capped_count(window(size=cap + 1, after=None) if window else queryset, cap)
    page.total_capped = page.total > cap
    return page


def capped_count(queryset: QuerySet, cap: int | None = None) -> int:
    """How many rows, counted no further than cap + 1 (COUNT_CAP by default: `SELECT COUNT(*)
    FROM (… LIMIT 1001)`): a page's total and a home page's figure, never a full COUNT(*)."""
    cap = COUNT_CAP if cap is None else cap
    return queryset.order_by()[: cap + 1].count()


def queue_page(request, queryset: QuerySet, *, field: str) -> KeysetPage:
    """A queue's page: oldest first by `field` (what waits longest comes first), keyset-paged
    like the lists, at the size and after the cursor the request asks for."""
    size = page_size(request.GET.get("per_page"))
    cursor = request.GET.get("after", "")
    return keyset_page(queryset, cursor=cursor, size=size, field=field, oldest_first=True)


def queue_context(request, page: KeysetPage) -> dict:
    """What `cases/_queue_pager.html` needs: the page, the sizes, the query without the cursor."""
    params = request.GET.copy()
    params.pop("after", None)
    return {"page": page, "page_sizes": PAGE_SIZES, "query": params.urlencode()}
