"""The demo cases, planned per final status and built through the lifecycle services."""

import random
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from cases import services, sla
from cases.choices import DEAD_END_STATUSES, Status
from cases.models import Case
from cases.services.review import seed_demo_policies
from core.roles import Role
from departments.models import Department, Membership, Region
from hotline.demo.cases.content import load_messages, request_type
from hotline.demo.cases.knowledge import build_knowledge_answers
from hotline.demo.cases.steps import (
    Clock,
    Demo,
    Stop,
    callback,
    dispatch,
    handle_and_reply,
    register,
    sign,
    supervise,
)

SEED = 12345
REVEALS = 3  # confidential callers' numbers revealed for their callbacks
CASE_COUNT = 300
DEMO_AGENTS = ["agent", "demo-agent-1", "demo-agent-2"]
PLAN = {
    Status.REGISTERED: 15,
    Status.ANSWERED: 20,
    Status.TRANSFERRED: 8,
    Status.INVALID: 8,
    Status.MERGED: 10,
    Status.DISPATCHED: 25,
    Status.IN_PROGRESS: 45,
    Status.RETURN_REVIEW: 8,
    Status.DISPUTED: 5,
    Status.REPLIED: 30,
    Status.PARKED: 5,
    Status.DECISION: 5,  # issue 14 (B): unsatisfied callbacks waiting for the supervisors
}
# Built last, once the review rules are in force (issue 14): complaints' and reports' replies
# waiting for the center's review, so that the review queue is lived in.
REVIEW_CASES = 2
REVIEWED_TYPES = ("complaint", "report")


def _demo_agents() -> list:
    User = get_user_model()
    center = Department.objects.get(code="center")
    agents = [User.objects.get(username="agent")]
    for username in DEMO_AGENTS[1:]:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": "话务", "last_name": "演示"}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            Membership.objects.create(user=user, department=center, role=Role.AGENT)
            user.groups.add(Group.objects.get(name=Role.AGENT))
        agents.append(user)
    return agents


# ---------------------------------------------------------------- scenarios per final status


def ago(demo: Demo, hours: float) -> datetime:
    """The instant `hours` of working time before now."""
    return sla.subtract_working_time(demo.now, hours)


def _days_ago(demo: Demo, low: float, high: float) -> datetime:
    return demo.now - timedelta(days=demo.rng.uniform(low, high))


def end_at_intake(status):
    def run(demo, clock, case, message):
        at, agent = clock.minutes(2, 10, demo.rng), demo.agent()
        if status == Status.ANSWERED:
            answer = message["reply"] or "已根据知识库解答。"
            services.answer_case(case, actor=agent, answer=answer, at=at)
        elif status == Status.TRANSFERRED:
            to = demo.departments[demo.rng.choice(["sub-12333", "hotline-110", "hotline-122"])]
            services.transfer_case(case, actor=agent, to=to, reason="属该热线受理范围", at=at)
        else:
            services.invalidate_case(case, actor=agent, reason="来电无声，多次询问无应答", at=at)

    return run


def to_dispatched(demo, clock, case, message):
    assignment = dispatch(demo, clock, case, message)
    if demo.rng.random() < 0.4:
        services.urge_assignment(assignment, threshold="sign_overdue", at=clock.after(2.5))


def to_in_progress(demo, clock, case, message):
    assignment = sign(demo, clock, dispatch(demo, clock, case, message))
    services.add_progress(
        assignment,
        actor=demo.handler(assignment.department),
        note="已受理，正在核查。",
        at=clock.after(demo.rng.uniform(0.5, 4)),
    )
    if clock.t > assignment.reply_due_at or demo.rng.random() < 0.15:
        supervise(demo, clock, case, assignment, answer=demo.rng.random() < 0.5)


def to_return_review(demo, clock, case, message):
    assignment = dispatch(demo, clock, case, message)
    services.return_assignment(
        assignment,
        actor=demo.handler(assignment.department),
        reason="该事项不属于本单位职责范围。",
        at=clock.after(demo.rng.uniform(0.3, 2)),
    )


def to_disputed(demo, clock, case, message):
    to_return_review(demo, clock, case, message)
    services.open_dispute(
        case, actor=demo.supervisor, reason="相关单位对管辖权存在争议。", at=clock.after(1)
    )


def to_replied(demo, clock, case, message):
    assignment = sign(demo, clock, dispatch(demo, clock, case, message))
    if demo.rng.random() < 0.08:
        supervise(demo, clock, case, assignment)
    handle_and_reply(demo, clock, assignment, message)


def to_closed(demo, clock, case, message):
    if case.request_type == "consultation" and demo.rng.random() < 0.5:
        services.answer_case(
            case,
            actor=demo.agent(),
            answer=message["reply"] or "已解答。",
            at=clock.minutes(3, 15, demo.rng),
        )
    else:
        to_replied(demo, clock, case, message)
        if demo.rng.random() < 0.1:
            reopen_once(demo, clock, case, message)
    callback(demo, clock, case)
    services.close_case(
        case, actor=demo.agent(), note="回访完毕，办结归档。", at=clock.minutes(2, 30, demo.rng)
    )


def reopen_once(demo, clock, case, message, satisfied=False):
    callback(demo, clock, case, satisfied=satisfied)
    services.reopen_case(
        case,
        actor=demo.supervisor,
        reason="市民对答复不满意，要求重新办理。",
        at=clock.after(demo.rng.uniform(0.5, 4)),
    )
    case.refresh_from_db()
    if case.status == Status.DISPATCHED:
        assignment = case.assignments.order_by("-id").first()
        handle_and_reply(demo, clock, sign(demo, clock, assignment), message, result="unresolved")


def to_decision(demo, clock, case, message):
    """Replied, the citizen unsatisfied: sent to the supervisors' decision queue (研判)."""
    to_replied(demo, clock, case, message)
    callback(demo, clock, case, satisfied=False)
    services.refer_to_decision(
        case, actor=demo.agent(), note="市民不满意，提交研判。", at=clock.minutes(2, 20, demo.rng)
    )


def to_parked(demo, clock, case, message):
    to_replied(demo, clock, case, message)
    for _ in range(settings.HOTLINE_MAX_REOPENS + 1):
        reopen_once(demo, clock, case, message)


STEPS = {
    Status.REGISTERED: (lambda demo: demo.now - timedelta(minutes=demo.rng.randint(5, 240)), None),
    Status.ANSWERED: (lambda demo: _days_ago(demo, 0.2, 60), end_at_intake(Status.ANSWERED)),
    Status.TRANSFERRED: (lambda demo: _days_ago(demo, 0.2, 60), end_at_intake(Status.TRANSFERRED)),
    Status.INVALID: (lambda demo: _days_ago(demo, 0.2, 60), end_at_intake(Status.INVALID)),
    Status.DISPATCHED: (lambda demo: ago(demo, demo.rng.uniform(0.3, 6)), to_dispatched),
    Status.IN_PROGRESS: (lambda demo: ago(demo, demo.rng.uniform(8, 50)), to_in_progress),
    Status.RETURN_REVIEW: (lambda demo: ago(demo, demo.rng.uniform(3, 6)), to_return_review),
    Status.DISPUTED: (lambda demo: ago(demo, demo.rng.uniform(8, 30)), to_disputed),
    Status.REPLIED: (lambda demo: _days_ago(demo, 25, 40), to_replied),
    Status.CLOSED: (lambda demo: _days_ago(demo, 30, 150), to_closed),
    Status.PARKED: (lambda demo: _days_ago(demo, 140, 170), to_parked),
    Status.DECISION: (lambda demo: _days_ago(demo, 25, 40), to_decision),
    Status.REPLY_REVIEW: (lambda demo: _days_ago(demo, 25, 40), to_replied),  # after the rules
}


def build_case(demo: Demo, status: Status, message: dict) -> Case:
    """Register a case at a start fitting `status`, then walk it there through the services."""
    start, steps = STEPS[status]
    clock = Clock(start(demo).replace(second=0, microsecond=0), demo.now)
    case = register(demo, clock, message)
    try:
        if steps:
            steps(demo, clock, case, message)
    except Stop:  # the next step would be in the future: the case is where it is today
        pass
    case.refresh_from_db()
    return case


def build_duplicate(demo: Demo) -> Case | None:
    """A citizen calls again about a case being handled: merged into it (并单)."""
    parents = [c for c in demo.live if c.created_at < demo.now - timedelta(days=2)]
    if not parents:
        return None
    parent = demo.rng.choice(parents)
    clock = Clock(parent.created_at + timedelta(hours=demo.rng.uniform(2, 40)), demo.now)
    message = {"title": parent.title, "text": "再次反映：" + parent.content, "reply": ""}
    case = register(demo, clock, message)
    services.merge_case(case, actor=demo.agent(), parent=parent, at=clock.minutes(2, 10, demo.rng))
    return case


def _plan(rng, count: int) -> list[Status]:
    plan = [status for status, n in PLAN.items() if status != Status.MERGED for _ in range(n)]
    plan += [Status.CLOSED] * max(0, count - len(plan) - PLAN[Status.MERGED])
    rng.shuffle(plan)
    return plan


def _demo(now: datetime) -> Demo:
    city = Region.objects.get(code="430100")
    return Demo(
        rng=random.Random(SEED),
        now=now,
        agents=_demo_agents(),
        supervisor=get_user_model().objects.get(username="supervisor"),
        departments={d.code: d for d in Department.objects.select_related("region", "parent")},
        districts={r.name: r for r in city.children.all()},
    )


def demo_cases_exist() -> bool:
    return Case.objects.filter(created_by__username__in=DEMO_AGENTS[1:]).exists()


@transaction.atomic
def build_demo_cases(count: int = CASE_COUNT, *, now: datetime | None = None) -> int:
    """Build the demo cases once (none when they exist); returns how many were built."""
    if demo_cases_exist():
        return 0
    demo = _demo((now or timezone.now()).replace(second=0, microsecond=0))
    plan = _plan(demo.rng, count)
    messages = load_messages(len(plan) + 10 * REVIEW_CASES)
    built = 0
    for status, message in zip(plan, messages, strict=False):
        case = build_case(demo, status, message)
        if case.main_department_id and case.status not in DEAD_END_STATUSES:  # a merge parent
            demo.live.append(case)
        built += 1
    for _ in range(PLAN[Status.MERGED]):
        built += build_duplicate(demo) is not None
    built += build_review_cases(demo, messages[len(plan) :])
    built += build_knowledge_answers(demo)
    reveal_for_callbacks(demo)
    return built


def reveal_for_callbacks(demo: Demo) -> None:
    """Agents called a few confidential callers back, revealing their numbers (recorded): the
    personal-data auditor's log and home have rows to read."""
    called_back = Case.objects.filter(confidential=True, status__in=[Status.REPLIED, Status.CLOSED])
    for case in called_back.order_by("pk")[:REVEALS]:
        services.reveal_citizen(case, actor=demo.agent(), reason="回访需拨打来电人号码")


def build_review_cases(demo: Demo, messages: list[dict]) -> int:
    """With the demo's review rules in force (complaints and reports reviewed), a few replied
    complaints whose replies wait for the center's review (办结审核)."""
    seed_demo_policies()
    reviewed = [m for m in messages if request_type(m["title"]) in REVIEWED_TYPES]
    for message in reviewed[:REVIEW_CASES]:
        build_case(demo, Status.REPLY_REVIEW, message)
    return len(reviewed[:REVIEW_CASES])
