"""A small world for lifecycle tests: the people, and a case brought to each status.

Every case is built through the services, so each status is reached the way the product
reaches it. Import the `world` fixture into a test module to use it.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from cases import services
from cases.choices import Status
from cases.models import (
    Case,
    Consultation,
    Dispute,
    Extension,
    ReplyReviewPolicy,
    SupervisionOrder,
    Transfer,
)
from core.roles import Role
from departments.models import Department, Membership
from departments.tokens import service_user

DISTRICT = "d-430103"  # 天心区12345分中心
STREET = "s-430103002"


@dataclass
class World:
    agent: object
    supervisor: object
    handler: object  # 城管局 (cgj)
    handler2: object  # 市场监管局 (scjgj)
    district_handler: object  # the 天心区 district center
    departments: dict

    def dept(self, code: str) -> Department:
        return self.departments[code]


def make_user(username: str, department: Department, role: str):
    user = get_user_model().objects.create_user(username=username, password="x")
    Membership.objects.create(user=user, department=department, role=role)
    return user


def build_world(users, departments) -> World:
    """The demo users plus a handler of 天心区's district center (the `world` fixture)."""
    return World(
        agent=users["agent"],
        supervisor=users["supervisor"],
        handler=users["handler"],
        handler2=users["handler2"],
        district_handler=make_user("tianxin", departments[DISTRICT], Role.HANDLER),
        departments=departments,
    )


def register(w: World, **fields) -> Case:
    defaults = {
        "channel": "phone",
        "request_type": "complaint",
        "content": "小区门口夜间施工噪音扰民，请相关部门处理。",
        "citizen_name": "王先生",
        "citizen_phone": "13812345678",
    }
    return services.register_case(actor=w.agent, **(defaults | fields))


def latest(case: Case):
    return case.assignments.order_by("-id").first()


def _registered(w):
    """Registered after an accepted return, so that even this case has an assignment."""
    case = register(w)
    assignment = services.dispatch_case(case, actor=w.agent, department=w.dept(DISTRICT))
    services.return_assignment(assignment, actor=w.district_handler, reason="不属于本辖区")
    services.review_return(assignment, actor=w.supervisor, accept=True)
    return case


def _dispatched(w):
    case = _registered(w)
    services.dispatch_case(case, actor=w.agent, department=w.dept(DISTRICT))
    services.supervise_case(
        case,
        actor=w.supervisor,
        level="normal",
        reason="群众反映强烈",
        due_at=latest(case).reply_due_at,
    )
    return case


def _in_progress(w):
    case = _dispatched(w)
    services.sign_assignment(latest(case), actor=w.district_handler)
    return case


def _return_review(w):
    case = _dispatched(w)
    services.return_assignment(latest(case), actor=w.district_handler, reason="应由城管局处理")
    return case


def _disputed(w):
    case = _return_review(w)
    services.open_dispute(case, actor=w.supervisor, reason="两个部门互相推诿")
    return case


def _replied(w):
    case = _in_progress(w)
    services.reply_assignment(
        latest(case), actor=w.district_handler, result="resolved", content="已责令停止夜间施工。"
    )
    return case


def _reply_review(w):
    """Replied while the review policy covers every reply: waiting for the center (issue 14)."""
    case = _in_progress(w)
    rule = ReplyReviewPolicy.objects.create(review=True)
    services.reply_assignment(
        latest(case), actor=w.district_handler, result="resolved", content="已责令停止夜间施工。"
    )
    rule.delete()  # the rest of the world's replies go straight to the callback queue
    return case


def satisfied_callback(w, case):
    return services.record_callback(
        case, actor=w.agent, reached=True, resolved=True, satisfaction="satisfied"
    )


def _closed(w):
    case = _replied(w)
    satisfied_callback(w, case)  # a replied case closes only after its callback
    services.close_case(case, actor=w.agent)
    return case


def _decision(w):
    case = _replied(w)
    services.complete_callback(
        case,
        actor=w.agent,
        reached=True,
        resolved=False,
        satisfaction="unsatisfied",
        note="市民不满意",
        then="decision",
    )
    return case


def _parked(w, settings):
    case = _replied(w)
    settings.HOTLINE_MAX_REOPENS = 0
    services.reopen_case(case, actor=w.supervisor, reason="多次处理仍未解决")
    return case


def _ended(action):
    def build(w):
        case = _registered(w)
        if action == "answer":
            services.answer_case(case, actor=w.agent, answer="请拨打物业电话。")
        elif action == "transfer":
            services.transfer_case(
                case, actor=w.agent, to=w.dept("hotline-110"), reason="正在发生的治安事件"
            )
        elif action == "invalidate":
            services.invalidate_case(case, actor=w.agent, reason="无声电话")
        else:
            services.merge_case(case, actor=w.agent, parent=register(w))
        return case

    return build


BUILDERS = {
    Status.REGISTERED: _registered,
    Status.ANSWERED: _ended("answer"),
    Status.TRANSFERRED: _ended("transfer"),
    Status.INVALID: _ended("invalidate"),
    Status.MERGED: _ended("merge"),
    Status.DISPATCHED: _dispatched,
    Status.IN_PROGRESS: _in_progress,
    Status.RETURN_REVIEW: _return_review,
    Status.DISPUTED: _disputed,
    Status.REPLIED: _replied,
    Status.CLOSED: _closed,
    Status.REPLY_REVIEW: _reply_review,
    Status.DECISION: _decision,
}


def case_in(status: str, w: World, settings) -> Case:
    """A case brought to `status` through the services."""
    case = _parked(w, settings) if status == Status.PARKED else BUILDERS[Status(status)](w)
    case.refresh_from_db()
    assert case.status == status
    return case


def open_dispute_of(case: Case) -> Dispute:
    return case.disputes.filter(status="open").first() or Dispute(case=case)


def pending_extension_of(case: Case) -> Extension:
    assignment = latest(case)
    return assignment.extensions.filter(status="pending").first() or Extension(
        assignment=assignment
    )


def open_order_of(case: Case) -> SupervisionOrder:
    return case.supervisions.filter(status="open").first() or SupervisionOrder(case=case)


def transfer_of(case: Case, w: World) -> Transfer:
    """The case's transfer to 110 (`_ended("transfer")`), or one opened by hand on a case in
    another status, so that the services' refusal by the transition table is what is tried."""
    found = case.transfers.first()
    if found is not None:
        return found
    return Transfer.objects.create(
        case=case, partner=w.dept("hotline-110"), direction="outbound", due_at=case.created_at
    )


def partner_user(w: World, code: str = "hotline-110"):
    """The user a partner line's token acts as (its service user)."""
    return service_user(w.dept(code))


def answered_order_of(case: Case) -> SupervisionOrder:
    return case.supervisions.filter(status="answered").first() or SupervisionOrder(case=case)


def open_consultation_of(case: Case) -> Consultation:
    return case.consultations.filter(status="open").first() or Consultation(case=case)
