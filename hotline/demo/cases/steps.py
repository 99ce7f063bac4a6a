"""The steps a demo case goes through, each one a lifecycle service called at its instant."""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from cases import services, sla
from cases.choices import DeadlineUnit
from cases.models import Case, Category
from core.roles import Role
from departments.models import Department, Membership
from hotline.demo.cases.content import CHANNELS, citizen, request_type, route


class Stop(Exception):
    """The next step would fall after now: the case stays where it is."""


@dataclass
class Clock:
    """The instant of the next transition, moved forward on the working-day clock."""

    t: datetime
    now: datetime

    def after(self, amount: float, unit: str = DeadlineUnit.WORKING_HOURS) -> datetime:
        t = sla.add_working_time(self.t, amount, unit)
        if unit == DeadlineUnit.CLOCK_MINUTES or amount == 0:
            t = max(t, self.t + timedelta(minutes=1))
        if t >= self.now:
            raise Stop
        self.t = t
        return t

    def minutes(self, low: int, high: int, rng) -> datetime:
        return self.after(rng.randint(low, high), DeadlineUnit.CLOCK_MINUTES)


@dataclass
class Demo:
    """Everything the scenarios share: people, departments, messages and the random source."""

    rng: random.Random
    now: datetime
    agents: list
    supervisor: object
    departments: dict
    districts: dict  # district name → Region
    handlers: dict = field(default_factory=dict)
    messages: list = field(default_factory=list)
    live: list = field(default_factory=list)  # cases a duplicate may be merged into

    def agent(self):
        return self.rng.choice(self.agents)

    def handler(self, department: Department):
        if department.code not in self.handlers:
            self.handlers[department.code] = _demo_handler(department)
        return self.handlers[department.code]


def _demo_handler(department: Department):
    existing = {"cgj": "handler", "scjgj": "handler2"}.get(department.code)
    User = get_user_model()
    if existing:
        return User.objects.get(username=existing)
    user, created = User.objects.get_or_create(
        username=f"demo-{department.code}",
        defaults={"first_name": "承办", "last_name": department.short_name[:10]},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        Membership.objects.create(user=user, department=department, role=Role.HANDLER)
        user.groups.add(Group.objects.get(name=Role.HANDLER))
    return user


def _region(demo: Demo, text: str):
    for name, region in demo.districts.items():
        if name in text:
            streets = list(region.children.all()[:8])
            return demo.rng.choice(streets) if streets and demo.rng.random() < 0.6 else region
    return None


def register(demo: Demo, clock: Clock, message: dict) -> Case:
    rng = demo.rng
    _, category = route(message["title"] + message["text"])
    urgency = rng.choices(["normal", "urgent", "extra_urgent"], [94, 5, 1])[0]
    region = _region(demo, message["title"] + message["text"])
    return services.register_case(
        actor=demo.agent(),
        channel=rng.choice(CHANNELS),
        request_type=request_type(message["title"]),
        content=message["text"] or message["title"],
        title=message["title"],
        category=Category.objects.filter(code=category).first(),
        region=region,
        address=(region.name if region else ""),
        urgency=urgency,
        at=clock.t,
        **citizen(rng),
    )


def _target_department(demo: Demo, case: Case, message: dict) -> Department:
    code, _ = route(message["title"] + message["text"])
    if code != "district":
        return demo.departments[code]
    district = case.region.parent if case.region and case.region.level == 4 else case.region
    if district is None:
        return demo.departments["cgj"]
    return demo.departments[f"d-{district.code}"]


def dispatch(demo: Demo, clock: Clock, case: Case, message: dict):
    """Dispatch (sometimes with a co-handler); a district center re-dispatches to a street."""
    department = _target_department(demo, case, message)
    co = []
    if demo.rng.random() < 0.1 and department.code != "scjgj":
        co = [demo.departments["scjgj"]]
    assignment = services.dispatch_case(
        case,
        actor=demo.agent(),
        department=department,
        co_departments=co,
        at=clock.minutes(2, 20, demo.rng),
    )
    if department.kind == Department.Kind.DISTRICT_CENTER and demo.rng.random() < 0.7:
        street = _street_office(demo, case, department)
        if street is not None:
            assignment = services.redispatch_assignment(
                assignment,
                actor=demo.handler(department),
                department=street,
                note="属地街道办理",
                at=clock.after(demo.rng.uniform(0.2, 1.5)),
            )
    return assignment


def _street_office(demo: Demo, case: Case, district: Department):
    if case.region and case.region.level == 4:
        return demo.departments.get(f"s-{case.region.code}")
    streets = [d for d in demo.departments.values() if d.parent_id == district.pk]
    return demo.rng.choice(streets) if streets else None


def sign(demo: Demo, clock: Clock, assignment):
    late = demo.rng.random() < 0.12
    hours = demo.rng.uniform(2.2, 6) if late else demo.rng.uniform(0.1, 1.8)
    if assignment.case.urgency != "normal":
        clock.minutes(3, 12, demo.rng)
    else:
        clock.after(hours)
    return services.sign_assignment(
        assignment, actor=demo.handler(assignment.department), at=clock.t
    )


def handle_and_reply(demo: Demo, clock: Clock, assignment, message: dict, result=None):
    rng, handler = demo.rng, demo.handler(assignment.department)
    if rng.random() < 0.5:
        services.add_progress(
            assignment,
            actor=handler,
            note="已安排人员现场核实。",
            at=clock.after(rng.uniform(1, 10)),
        )
    if rng.random() < 0.12:
        extension = services.request_extension(
            assignment,
            actor=handler,
            reason="涉及多个部门，需协调后答复。",
            days=rng.randint(3, 10),
            at=clock.after(rng.uniform(2, 14)),
        )
        services.decide_extension(
            extension,
            actor=demo.supervisor,
            approve=rng.random() < 0.8,
            at=clock.after(rng.uniform(0.5, 4)),
        )
    assignment.refresh_from_db()
    budget = sla.working_time_between(clock.t, assignment.reply_due_at).total_seconds() / 3600
    late = rng.random() < 0.1
    clock.after(budget + rng.uniform(1, 14) if late else max(0.5, budget * rng.uniform(0.2, 0.9)))
    result = result or rng.choices(["resolved", "explained", "unresolved"], [65, 28, 7])[0]
    content = message["reply"] or "经核实，已按规定处理，感谢您的监督。"
    return services.reply_assignment(
        assignment, actor=handler, result=result, content=content, at=clock.t
    )


def callback(demo: Demo, clock: Clock, case: Case, satisfied=True):
    rng = demo.rng
    if rng.random() < 0.2:
        services.record_callback(
            case,
            actor=demo.agent(),
            reached=False,
            note="无人接听",
            at=clock.after(rng.uniform(1, 6)),
        )
    rating = (
        rng.choices(["satisfied", "basically_satisfied"], [75, 25])[0]
        if satisfied
        else "unsatisfied"
    )
    return services.record_callback(
        case,
        actor=demo.agent(),
        reached=True,
        resolved=satisfied,
        satisfaction=rating,
        at=clock.after(rng.uniform(1, 8)),
    )


def supervise(demo: Demo, clock: Clock, case: Case, assignment, answer=True):
    rng = demo.rng
    due = sla.add_working_time(clock.t, 2, DeadlineUnit.WORKING_DAYS)
    order = services.supervise_case(
        case,
        actor=demo.supervisor,
        level=rng.choice(["normal", "important"]),
        reason="超期未办结，请加快办理并书面说明。",
        due_at=due,
        at=clock.after(rng.uniform(0.5, 3)),
    )
    if answer:
        services.answer_supervision(
            order,
            actor=demo.handler(assignment.department),
            answer="已成立专班，正在加快处理。",
            at=clock.after(rng.uniform(0.5, 6)),
        )
