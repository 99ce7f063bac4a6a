"""Synthetic load: many realistic cases with assignments, callbacks and events, written fast.

Rows are built as plain tuples (no model instances, no services) and written with COPY on
PostgreSQL (psycopg 3's `cursor.copy`) or `executemany` on SQLite, a batch of days at a time,
one transaction per batch. They are consistent with what the services write: case numbers from
`cases.numbers.allocate_case_numbers`, deadlines from `cases.sla.due_at` on the working
calendar, statuses that follow the lifecycle and the case's age, and one event per transition.
"""

import datetime
import functools
import itertools
import json
import random
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from cases import sla
from cases.events import EventType as E
from cases.models import Assignment, Callback, Case, CaseEvent, Category, Extension
from cases.numbers import allocate_case_numbers
from core.progress import progress
from departments.models import Department, Region
from hotline.demo import SYNTHETIC_MESSAGES, data_path

CHANNELS = {"phone": 55, "wechat": 15, "web": 9, "app": 9, "sms": 3, "open311": 4,
            "email": 2, "transfer": 3}  # fmt: skip
TYPES = {"consultation": 35, "help": 20, "complaint": 25, "report": 8, "suggestion": 10,
         "praise": 2}  # fmt: skip
URGENCY = {"normal": 93, "urgent": 6, "extra_urgent": 1}
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 4, 8, 14, 18, 17, 14, 9, 12, 16, 16, 14, 11, 9, 8, 7, 5, 3, 2]
SATISFACTION = {"satisfied": 70, "basically_satisfied": 18, "unsatisfied": 12}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
BATCH_CASES = 20_000


_CUMULATIVE: dict[int, tuple[list, list]] = {}


def _pick(rng: random.Random, weights: dict):
    """One key of `weights`, drawn with those weights (cumulative sums computed once)."""
    if id(weights) not in _CUMULATIVE:
        _CUMULATIVE[id(weights)] = (list(weights), list(itertools.accumulate(weights.values())))
    keys, cumulative = _CUMULATIVE[id(weights)]
    return rng.choices(keys, cum_weights=cumulative)[0]


@dataclass
class World:
    """The reference data the generator draws from (read once)."""

    leaves: list
    leaf_weights: list
    communities: list
    community_weights: list
    street_office: dict
    functional: list
    transfer: list
    texts: list
    agent_id: int | None

    @classmethod
    def load(cls, rng: random.Random) -> "World":
        leaves = list(Category.objects.filter(level=3).values_list("pk", flat=True))
        communities = list(
            Region.objects.filter(level=Region.Level.COMMUNITY).values_list("pk", "parent_id")
        )
        offices = dict(
            Department.objects.filter(kind="street_office").values_list("region_id", "pk")
        )
        functional = list(Department.objects.filter(kind="functional").values_list("pk", flat=True))
        transfer = list(Department.objects.filter(kind="transfer").values_list("pk", flat=True))
        if not (leaves and communities and functional):
            raise RuntimeError("load the demo city first: python manage.py load_demo")
        from django.contrib.auth import get_user_model

        agent = get_user_model().objects.filter(username="agent").values_list("pk", flat=True)
        rng.shuffle(leaves)
        rng.shuffle(communities)
        return cls(
            leaves, list(itertools.accumulate(1 / (i + 1) ** 0.8 for i in range(len(leaves)))),
            communities,
            list(itertools.accumulate(1 / (i + 1) ** 0.5 for i in range(len(communities)))),
            offices, functional, transfer, _texts(), agent.first(),
        )  # fmt: skip


def _texts() -> list[tuple[str, str]]:
    """(title, text) of the sampled real messages the cases' content is drawn from."""
    texts = []
    with data_path(SYNTHETIC_MESSAGES).open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            texts.append((row.get("title", "")[:200], (row.get("text") or "")[:400]))
    return texts


@dataclass
class Batch:
    """Rows waiting to be written, per model, in field order."""

    rows: dict = field(default_factory=lambda: {m: [] for m in MODELS})
    cases: int = 0


MODELS = (Case, Assignment, Extension, Callback, CaseEvent)


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


class IdPool:
    """Primary keys handed out in chunks: nextval() on PostgreSQL, max(id)+1 on SQLite."""

    CHUNK = 50_000

    def __init__(self, model):
        self.model, self.free = model, []
        if connection.vendor != "postgresql":
            self.next_sqlite = (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1

    def take(self) -> int:
        if not self.free:
            self.free = self._reserve(self.CHUNK)[::-1]
        return self.free.pop()

    def _reserve(self, n: int) -> list[int]:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [self.model._meta.db_table, n],
                )
                return [row[0] for row in cursor.fetchall()]
        start, self.next_sqlite = self.next_sqlite, self.next_sqlite + n
        return list(range(start, start + n))


@functools.cache
def _columns(model) -> list:
    return list(model._meta.concrete_fields)


@functools.cache
def _defaults(model) -> tuple:
    return tuple(
        (f.attname, f.get_default(), f.get_internal_type() == "JSONField") for f in _columns(model)
    )


def _tuple(model, values: dict) -> tuple:
    return tuple(
        (json.dumps(values.get(name, default)) if is_json else values.get(name, default))
        for name, default, is_json in _defaults(model)
    )


def write_batch(batch: Batch) -> None:
    """Write every row of the batch: COPY on PostgreSQL, executemany on SQLite."""
    with connection.cursor() as cursor:
        for model in MODELS:
            rows = batch.rows[model]
            if not rows:
                continue
            table = connection.ops.quote_name(model._meta.db_table)
            names = ", ".join(connection.ops.quote_name(f.column) for f in _columns(model))
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(_columns(model)))
                cursor.executemany(
                    f"INSERT INTO {table} ({names}) VALUES ({marks})", sqlite_rows(rows)
                )


def sqlite_rows(rows):
    """Rows with datetimes as Django stores them on SQLite (naive UTC text, comparable)."""
    adapt = connection.ops.adapt_datetimefield_value
    for row in rows:
        yield tuple(adapt(v) if isinstance(v, datetime.datetime) else v for v in row)


class Generator:
    """Builds cases day by day, from `days` ago up to now, and writes them in batches."""

    def __init__(self, *, seed: int = 12345, now: datetime.datetime | None = None):
        self.rng = random.Random(seed)
        self.now = now or timezone.now()
        self.world = World.load(self.rng)
        self.ids = {model: IdPool(model) for model in MODELS}
        self.batch = Batch()
        self.previous_case: int | None = None
        self.due = DueCache()
        self.office_memo: dict = {}

    # ------------------------------------------------------------ driving

    def run(self, count: int, days: int) -> int:
        """Add `count` cases spread over the last `days` days; returns the number written."""
        today = timezone.localdate(self.now)
        weights = [0.6 if (today - datetime.timedelta(days=d)).weekday() >= 5 else 1.0
                   for d in range(days)]  # fmt: skip
        per_day = [0] * days
        for d in self.rng.choices(range(days), weights=weights, k=count):
            per_day[d] += 1
        written = 0
        with progress(desc="Synthetic cases", total=count, unit="case") as bar:
            for d in range(days - 1, -1, -1):
                if per_day[d]:
                    written += self._day(today - datetime.timedelta(days=d), per_day[d])
                    bar.update(per_day[d])
        self._flush()
        return written

    def _day(self, day: datetime.date, count: int) -> int:
        zone = timezone.get_current_timezone()
        moments = sorted(
            datetime.datetime.combine(day, datetime.time(h, self.rng.randrange(60),
                                      self.rng.randrange(60)), tzinfo=zone)
            for h in self.rng.choices(range(24), weights=HOUR_WEIGHTS, k=count)
        )  # fmt: skip
        moments = [m for m in moments if m < self.now]
        numbers = allocate_case_numbers(day, len(moments)) if moments else []
        for created, number in zip(moments, numbers, strict=True):
            self._case(created, number)
            self.batch.cases += 1
            if self.batch.cases >= BATCH_CASES:
                self._flush()
        return len(moments)

    def _flush(self) -> None:
        with transaction.atomic():
            write_batch(self.batch)
        self.batch = Batch()

    def _add(self, model, **values) -> int:
        values.setdefault("id", self.ids[model].take())
        self.batch.rows[model].append(_tuple(model, values))
        return values["id"]

    def _event(self, case: dict, type_: str, at, assignment: int | None = None) -> None:
        self._add(CaseEvent, case_id=case["id"], type=type_, created_at=at,
                  assignment_id=assignment, actor_id=self.world.agent_id, data={})  # fmt: skip

    # ------------------------------------------------------------ one case

    def _case(self, created: datetime.datetime, number: str) -> None:
        rng, w = self.rng, self.world
        community, street = rng.choices(w.communities, cum_weights=w.community_weights)[0]
        title, content = rng.choice(w.texts)
        case = {
            "id": self.ids[Case].take(), "number": number, "channel": _pick(rng, CHANNELS),
            "request_type": _pick(rng, TYPES), "urgency": _pick(rng, URGENCY),
            "category_id": rng.choices(w.leaves, cum_weights=w.leaf_weights)[0],
            "region_id": community, "title": title, "content": content or title or "-",
            "citizen_name": rng.choice(SURNAMES) + rng.choice(GIVEN),
            "citizen_phone": f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
            "created_by_id": w.agent_id, "created_at": created, "updated_at": created,
            "status": "registered",
        }  # fmt: skip
        self._event(case, E.REGISTERED, created)
        self._outcome(case, created, street)
        self.previous_case = case["id"]
        self._add(Case, **case)

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

    def _dispatch(self, case, at, department, *, may_return, may_reopen) -> None:
        a = {"id": self.ids[Assignment].take(), "case_id": case["id"], "department_id": department,
             "role": "main", "status": "dispatched", "dispatched_at": at, "updated_at": at,
             "dispatched_by_id": self.world.agent_id, **self._deadlines(case, at)}  # fmt: skip
        case.update(status="dispatched", main_department_id=department,
                    reply_due_at=a["reply_due_at"])  # fmt: skip
        self._event(case, E.DISPATCHED, at, a["id"])
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
        if self.rng.random() < 0.06:
            self._extend(case, a, signed)
        span = a["reply_due_at"] - signed
        replied = signed + span * (self.rng.random() ** 0.8 * 1.12)
        if replied > self.now:
            return
        result = _pick(self.rng, {"resolved": 65, "explained": 25, "unresolved": 10})
        a.update(status="replied", replied_at=replied, reply_result=result,
                 reply_content="已现场核实并处理。")  # fmt: skip
        case.update(status="replied", replied_at=replied)
        self._event(case, E.REPLIED, replied, a["id"])
        self._callback(case, a, replied, may_reopen)

    def _extend(self, case, a, signed) -> None:
        requested = signed + (a["reply_due_at"] - signed) * 0.6
        decided = requested + datetime.timedelta(hours=3)
        if decided > self.now:
            return
        previous = a["reply_due_at"]
        new_due = self.due("extension", case["request_type"], case["urgency"], previous)
        days = sla.policy_for("extension").limit // 2 or 1
        self._add(Extension, assignment_id=a["id"], reason="需协调多个部门。", days=days,
                  status="approved", requested_by_id=self.world.agent_id, requested_at=requested,
                  decided_by_id=self.world.agent_id, decided_at=decided, previous_due_at=previous,
                  new_due_at=new_due)  # fmt: skip
        a.update(reply_due_at=new_due, extension_count=1)
        case["reply_due_at"] = new_due
        self._event(case, E.EXTENSION_REQUESTED, requested, a["id"])
        self._event(case, E.EXTENSION_DECIDED, decided, a["id"])

    def _callback(self, case, a, replied, may_reopen) -> None:
        rng = self.rng
        at = replied + datetime.timedelta(hours=rng.expovariate(1 / 20) + 0.5)
        if at > self.now or rng.random() < 0.05:
            return  # still waiting for the callback
        reached = rng.random() < 0.9
        resolved = (rng.random() < 0.78) if reached else None
        satisfaction = _pick(rng, SATISFACTION) if reached else ""
        self._add(Callback, case_id=case["id"], agent_id=self.world.agent_id, created_at=at,
                  reached=reached, resolved=resolved, satisfaction=satisfaction)  # fmt: skip
        case.update(resolved=resolved, satisfaction=satisfaction)
        self._event(case, E.CALLBACK, at)
        if may_reopen and satisfaction == "unsatisfied" and resolved is False:
            case["reopen_count"] = 1
            self._event(case, E.REOPENED, at, a["id"])
            again = at + datetime.timedelta(minutes=rng.uniform(10, 120))
            if again <= self.now:
                self._dispatch(case, again, a["department_id"], may_return=False,
                               may_reopen=False)  # fmt: skip
            else:
                case.update(status="registered", main_department_id=None)
            return
        case.update(status="closed", closed_at=at)
        self._event(case, E.CLOSED, at)
