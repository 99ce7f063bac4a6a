"""The generator: cases day by day, each through the lifecycle the services follow."""

import datetime
import random

from django.db import connection, transaction
from django.utils import timezone

from cases import sla, textsearch
from cases.choices import DEAD_END_STATUSES
from cases.events import EventType as E
from cases.models import Assignment, Callback, Case, CaseEvent, Extension
from cases.numbers import allocate_case_numbers_by_day
from core.progress import progress
from hotline.synthetic.deadlines import DueCache
from hotline.synthetic.rows import MODELS, Batch, BatchWriter, IdPool, as_row, write_batch
from hotline.synthetic.world import (
    CHANNELS,
    GIVEN,
    HOUR_WEIGHTS,
    SATISFACTION,
    SURNAMES,
    TYPES,
    URGENCY,
    World,
    pick,
)

BATCH_CASES = 20_000


class Generator:
    """Builds cases day by day, from `days` ago up to now, and writes them in batches."""

    def __init__(self, *, seed: int = 12345, now: datetime.datetime | None = None):
        self.rng = random.Random(seed)
        self.now = now or timezone.now()
        self.world = World.load(self.rng)
        self.ids = {model: IdPool(model) for model in MODELS}
        self.batch = Batch()
        self.writer: BatchWriter | None = None
        self.previous_case: int | None = None
        self.due = DueCache()
        self.office_memo: dict = {}
        self.text_memo: dict = {}  # the sampled texts repeat: their pairs are computed once

    # ------------------------------------------------------------ driving

    def run(self, count: int, days: int) -> int:
        """Add `count` cases spread over the last `days` days; returns the number written."""
        today = timezone.localdate(self.now)
        weights = [0.6 if (today - datetime.timedelta(days=d)).weekday() >= 5 else 1.0
                   for d in range(days)]  # fmt: skip
        per_day = [0] * days
        for d in self.rng.choices(range(days), weights=weights, k=count):
            per_day[d] += 1
        zone = timezone.get_current_timezone()
        moments = {}  # every day's instants first, so that one statement numbers them all
        for d in range(days - 1, -1, -1):
            if per_day[d]:
                day = today - datetime.timedelta(days=d)
                moments[day] = self._moments(day, per_day[d], zone)
        numbers = allocate_case_numbers_by_day({day: len(m) for day, m in moments.items()})
        written = 0
        # In one transaction on PostgreSQL, a second thread COPYs each batch while the next
        # one is built (the database and Python work at the same time).
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            self.writer = BatchWriter()
        try:
            with progress(desc="Synthetic cases", total=count, unit="case") as bar:
                for day, instants in moments.items():
                    for created, number in zip(instants, numbers.get(day, ()), strict=True):
                        self._case(created, number)
                        self.batch.cases += 1
                        if self.batch.cases >= BATCH_CASES:
                            self._flush()
                    written += len(instants)
                    bar.update(len(instants))
            self._flush()
        finally:
            if self.writer:  # every batch written (or the error raised) before going on
                self.writer.close()
        return written

    def _moments(self, day: datetime.date, count: int, zone) -> list[datetime.datetime]:
        """`count` instants of `day` spread over the hours like calls, sorted; none after now."""
        moments = sorted(
            datetime.datetime.combine(day, datetime.time(h, self.rng.randrange(60),
                                      self.rng.randrange(60)), tzinfo=zone)
            for h in self.rng.choices(range(24), weights=HOUR_WEIGHTS, k=count)
        )  # fmt: skip
        return [m for m in moments if m < self.now]

    def _flush(self) -> None:
        if self.writer:
            self.writer.put(self.batch)
        else:
            with transaction.atomic():
                write_batch(self.batch)
        self.batch = Batch()

    def _add(self, model, **values) -> int:
        values.setdefault("id", self.ids[model].take())
        self.batch.rows[model].append(as_row(model, values))
        return values["id"]

    def _event(self, case: dict, type_: str, at, assignment: int | None = None) -> None:
        self._add(CaseEvent, case_id=case["id"], type=type_, created_at=at,
                  assignment_id=assignment, actor_id=self.world.agent_id)  # fmt: skip

    # ------------------------------------------------------------ one case

    def _case(self, created: datetime.datetime, number: str) -> None:
        rng, w = self.rng, self.world
        community, street = rng.choices(w.communities, cum_weights=w.community_weights)[0]
        title, content = rng.choice(w.texts)
        case = {
            "id": self.ids[Case].take(), "number": number, "channel": pick(rng, CHANNELS),
            "request_type": pick(rng, TYPES), "urgency": pick(rng, URGENCY),
            "category_id": rng.choices(w.leaves, cum_weights=w.leaf_weights)[0],
            "region_id": community, "title": title, "content": content or title or "-",
            "citizen_name": rng.choice(SURNAMES) + rng.choice(GIVEN),
            "citizen_phone": f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
            "created_by_id": w.agent_id, "created_at": created, "updated_at": created,
            "status": "registered",
        }  # fmt: skip
        self._event(case, E.REGISTERED, created)
        self.batch.texts.append((case["id"], self._text_index(title, case["content"])))
        self._outcome(case, created, street)
        if case["status"] not in DEAD_END_STATUSES:
            self.previous_case = case["id"]
        self._add(Case, **case)

    def _text_index(self, title: str, content: str) -> str:
        key = (title, content)
        if key not in self.text_memo:
            self.text_memo[key] = textsearch.tsvector(title, content, "")
        return self.text_memo[key]

    def _outcome(self, case: dict, created, street: int) -> None:
        rng, r = self.rng, self.rng.random()
        at = created + datetime.timedelta(minutes=rng.uniform(2, 15))
        if at > self.now:
            return
        if case["request_type"] in ("consultation", "praise") and r < 0.7:
            case.update(status="answered", answer="已按知识库答复。")
            self._event(case, E.ANSWERED, at)
        elif r < 0.02:
            case["status"] = "invalid"
            self._event(case, E.INVALIDATED, at)
        elif r < 0.03 and self.world.transfer:
            case.update(status="transferred", transferred_to_id=rng.choice(self.world.transfer))
            self._event(case, E.TRANSFERRED, at)
        elif r < 0.05 and self.previous_case:
            case.update(status="merged", parent_id=self.previous_case)
            self._event(case, E.MERGED, at)
        else:
            self._dispatch(case, at, self._department(street), may_return=True, may_reopen=True)

    def _department(self, street: int) -> int:
        office = self.world.street_office.get(street)
        if office and self.rng.random() < 0.4:
            return office
        return self.rng.choice(self.world.functional)

    def _deadlines(self, case: dict, dispatched) -> dict:
        kind, urgency = case["request_type"], case["urgency"]
        return {
            "sign_due_at": self.due("sign", kind, urgency, dispatched),
            "reply_due_at": self.due("reply", kind, urgency, dispatched),
            "return_due_at": self.due("return", kind, urgency, dispatched),
        }

    def _dispatch(self, case, at, department, *, may_return, may_reopen, event=E.DISPATCHED):
        """A new main assignment: dispatched, or reopened (then with no return window)."""
        a = {"id": self.ids[Assignment].take(), "case_id": case["id"], "department_id": department,
             "role": "main", "status": "dispatched", "dispatched_at": at, "updated_at": at,
             "case_created_at": case["created_at"],
             "dispatched_by_id": self.world.agent_id, **self._deadlines(case, at)}  # fmt: skip
        if event == E.REOPENED:
            a["return_due_at"] = None
        case.update(status="dispatched", main_department_id=department,
                    reply_due_at=a["reply_due_at"])  # fmt: skip
        self._event(case, event, at, a["id"])
        if may_return and self.rng.random() < 0.03:
            self._return(case, a)
        else:
            self._sign(case, a, may_reopen)
        self._add(Assignment, **a)

    def _office_time_after(self, start, minutes: int) -> datetime.datetime:
        """Departments act in office hours: a start out of hours waits for the next opening."""
        position = DueCache._position(timezone.localtime(start))
        if position[0]:
            return start + datetime.timedelta(minutes=minutes)
        key = (timezone.localtime(start).date(), position[1], minutes)
        if key not in self.office_memo:
            self.office_memo[key] = sla.add_working_time(start, minutes / 60, "working_hours")
        return self.office_memo[key]

    def _return(self, case, a) -> None:
        returned = a["dispatched_at"] + datetime.timedelta(minutes=self.rng.uniform(20, 300))
        if returned > a["return_due_at"]:  # the window closed: the department keeps it
            self._sign(case, a, may_reopen=True)
            return
        if returned > self.now:
            return
        a.update(returned_at=returned, return_reason="不属于本单位职责。", return_count=1)
        self._event(case, E.RETURNED, returned, a["id"])
        reviewed = returned + datetime.timedelta(minutes=self.rng.uniform(10, 240))
        if reviewed > self.now:
            a["status"] = "return_requested"
            case["status"] = "return_review"
            return
        a["status"] = "returned"
        self._event(case, E.RETURN_ACCEPTED, reviewed, a["id"])
        other = self.rng.choice([d for d in self.world.functional if d != a["department_id"]])
        again = reviewed + datetime.timedelta(minutes=self.rng.uniform(5, 60))
        if again > self.now:
            case.update(status="registered", main_department_id=None, reply_due_at=None)
            return
        self._dispatch(case, again, other, may_return=False, may_reopen=True)

    def _sign(self, case, a, may_reopen) -> None:
        delay = self.rng.expovariate(1 / 40) * (5 if self.rng.random() < 0.08 else 1)
        signed = self._office_time_after(a["dispatched_at"], int(delay) + 1)
        if signed > self.now:
            return
        a.update(status="signed", signed_at=signed, signed_by_id=None)
        case["status"] = "in_progress"
        self._event(case, E.SIGNED, signed, a["id"])
        decided = self._extend(case, a, signed) if self.rng.random() < 0.06 else None
        # Signed after the reply deadline (a long wait over a weekend): the reply still follows.
        span = max(a["reply_due_at"] - signed, datetime.timedelta(hours=2))
        replied = signed + span * (self.rng.random() ** 0.8 * 1.12)
        if decided is not None and replied <= decided:
            replied = decided + (a["reply_due_at"] - decided) * self.rng.random()
        if replied > self.now:
            return
        result = pick(self.rng, {"resolved": 65, "explained": 25, "unresolved": 10})
        a.update(status="replied", replied_at=replied, reply_result=result,
                 reply_content="已现场核实并处理。")  # fmt: skip
        case.update(status="replied", replied_at=replied)
        self._event(case, E.REPLIED, replied, a["id"])
        self._callback(case, a, replied, may_reopen)

    def _extend(self, case, a, signed) -> datetime.datetime | None:
        requested = signed + (a["reply_due_at"] - signed) * 0.6
        decided = requested + datetime.timedelta(hours=3)
        if decided > self.now:
            return None
        previous = a["reply_due_at"]
        limit = sla.policy_for("extension", request_type=case["request_type"]).limit
        days = limit // 2 or 1
        new_due = sla.add_working_time(previous, days, "working_days")  # as decide_extension
        self._add(Extension, assignment_id=a["id"], reason="需协调多个部门。", days=days,
                  status="approved", requested_by_id=self.world.agent_id, requested_at=requested,
                  decided_by_id=self.world.agent_id, decided_at=decided, previous_due_at=previous,
                  new_due_at=new_due)  # fmt: skip
        a.update(reply_due_at=new_due, extension_count=1)
        case["reply_due_at"] = new_due
        self._event(case, E.EXTENSION_REQUESTED, requested, a["id"])
        self._event(case, E.EXTENSION_DECIDED, decided, a["id"])
        return decided

    def _callback(self, case, a, replied, may_reopen) -> None:
        rng = self.rng
        at = replied + datetime.timedelta(hours=rng.expovariate(1 / 20) + 0.5)
        if at > self.now or rng.random() < 0.05:
            return  # still waiting for the callback
        reached = rng.random() < 0.9
        resolved = (rng.random() < 0.78) if reached else None
        satisfaction = pick(rng, SATISFACTION) if reached else ""
        self._add(Callback, case_id=case["id"], agent_id=self.world.agent_id, created_at=at,
                  reached=reached, resolved=resolved, satisfaction=satisfaction)  # fmt: skip
        case.update(resolved=resolved, satisfaction=satisfaction)
        self._event(case, E.CALLBACK, at)
        if may_reopen and satisfaction == "unsatisfied" and resolved is False:
            reopen = at + datetime.timedelta(minutes=rng.uniform(10, 120))
            if reopen <= self.now:
                case.update(reopen_count=1, closed_at=None, replied_at=None)
                self._dispatch(case, reopen, a["department_id"], may_return=False,
                               may_reopen=False, event=E.REOPENED)  # fmt: skip
            return  # replied, waiting for the supervisor's decision
        case.update(status="closed", closed_at=at)
        self._event(case, E.CLOSED, at)
