"""Deadlines from the working calendar, memoised for the millions of instants of a load run."""

import datetime

from django.utils import timezone

from cases import sla


class DueCache:
    """`cases.sla.due_at`, memoised over instants that provably share a deadline shape.

    A start outside office hours runs from the next opening, so every start in the same
    closed gap has the same deadline. For working-day limits, a start inside an office span
    lands at the same office time n working days later, so the deadline moves with the start
    inside that span. Anything else is computed by `sla.due_at` directly.
    """

    def __init__(self):
        self.memo: dict = {}

    def __call__(self, stage: str, request_type: str, urgency: str, start) -> datetime.datetime:
        policy = sla.policy_for(stage, request_type=request_type, urgency=urgency)
        local = timezone.localtime(start)
        position = self._position(local)
        if (
            policy.unit == "clock_minutes"
            or position[1] == -2
            or (policy.unit == "working_hours" and position[0])
        ):
            return sla.add_working_time(start, policy.limit, policy.unit)
        key = (policy, local.date(), position)
        if key not in self.memo:
            anchor = position[2] if position[0] else start
            self.memo[key] = (anchor, sla.add_working_time(anchor, policy.limit, policy.unit))
        anchor, due = self.memo[key]
        return due + (start - anchor) if position[0] else due

    @staticmethod
    def _position(local: datetime.datetime) -> tuple:
        """(inside a span?, span or gap index, the span's opening) of a local instant."""
        if not sla.is_workday(local.date()):
            return (False, -1, None)
        for index, (opens, closes) in enumerate(sla.office_spans()):
            if local.time() < opens:
                return (False, index, None)
            if local.time() == opens:
                return (False, -2, None)  # the opening itself: computed directly
            if local.time() < closes:
                opening = local.replace(hour=opens.hour, minute=opens.minute, second=0,
                                        microsecond=0)  # fmt: skip
                return (True, index, opening + datetime.timedelta(seconds=1))
        return (False, len(sla.office_spans()), None)
