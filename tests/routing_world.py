"""Helpers for the routing tests: reference rows by code, rules, and cases closed through the
services (the `fresh_caches` fixture is in conftest.py)."""

from django.contrib.auth import get_user_model

from cases import services
from cases.models import Case, Category
from core.roles import Role
from departments.models import Department, Membership, Region, ResponsibilityRule

TIANXIN, YUELU = "430103", "430104"
POZIJIE = "430103002"  # 坡子街街道, 天心区
POZIJIE_XINHUA = "430103002002"  # 新华社区 of 坡子街街道 (invented by the demo city)
LIGHTS = "030501"  # 城乡建设/城市设施管理/公共设施
FOOD = "0708"  # 公共安全/食品安全


def category(code: str) -> Category:
    return Category.objects.get(code=code)


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def department(code: str) -> Department:
    return Department.objects.get(code=code)


def make_rule(name: str, *, category_code=None, region_code=None, to=None, **fields):
    """A rule straight in the table (the services are tested on their own)."""
    return ResponsibilityRule.objects.create(
        name=name,
        category=category(category_code) if category_code else None,
        region=region(region_code) if region_code else None,
        department=department(to) if to else None,
        **fields,
    )


def handler_of(code: str, username: str | None = None):
    user = get_user_model().objects.create_user(username=username or f"h-{code}", password="x")
    Membership.objects.create(user=user, department=department(code), role=Role.HANDLER)
    return user


def register(agent, **fields) -> Case:
    defaults = {
        "channel": "phone",
        "request_type": "complaint",
        "content": "路灯不亮了，晚上很黑。",
        "citizen_phone": "13812345678",
    }
    return services.register_case(actor=agent, **(defaults | fields))


def closed_case(users, *, to: str, handler, **fields) -> Case:
    """A case dispatched to `to`, signed, replied and closed through the services."""
    case = register(users["agent"], **fields)
    assignment = services.dispatch_case(case, actor=users["agent"], department=department(to))
    services.sign_assignment(assignment, actor=handler)
    services.reply_assignment(assignment, actor=handler, result="resolved", content="已处理。")
    services.record_callback(
        case, actor=users["agent"], reached=True, resolved=True, satisfaction="satisfied"
    )
    services.close_case(case, actor=users["agent"])
    case.refresh_from_db()
    return case
