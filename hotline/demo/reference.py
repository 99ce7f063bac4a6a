"""Reference data of the demo city (Changsha): regions, categories, departments, users.

Everything is keyed on official codes, so loading twice updates in place and adds nothing.
"""

import csv

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from cases.models import Category
from core.roles import Role
from departments.models import Department, Membership, Region
from departments.tree import move_node
from hotline.demo import AREAS, CATEGORIES, STREETS, data_path

CITY_CODE = "430100"
CITY_NAME = "长沙市"
PROVINCE = ("430000", "湖南省")
DEMO_PASSWORD = "hotline-demo"

# Invented communities for each street: the official data stops at street/town level.
COMMUNITY_NAMES = ["和平", "新华", "桂花", "枫林", "育才", "友谊"]
COMMUNITIES_PER_STREET = 3

FUNCTIONAL_DEPARTMENTS = [
    ("gaj", "长沙市公安局", "公安局"),
    ("jyj", "长沙市教育局", "教育局"),
    ("mzj", "长沙市民政局", "民政局"),
    ("sfj", "长沙市司法局", "司法局"),
    ("czj", "长沙市财政局", "财政局"),
    ("rsj", "长沙市人力资源和社会保障局", "人社局"),
    ("zrzyj", "长沙市自然资源和规划局", "自然资源局"),
    ("sthjj", "长沙市生态环境局", "生态环境局"),
    ("zjj", "长沙市住房和城乡建设局", "住建局"),
    ("cgj", "长沙市城市管理和综合执法局", "城管局"),
    ("jtj", "长沙市交通运输局", "交通运输局"),
    ("slj", "长沙市水利局", "水利局"),
    ("nyj", "长沙市农业农村局", "农业农村局"),
    ("swj", "长沙市商务局", "商务局"),
    ("wlj", "长沙市文化旅游广电局", "文旅局"),
    ("wjw", "长沙市卫生健康委员会", "卫健委"),
    ("yjj", "长沙市应急管理局", "应急局"),
    ("scjgj", "长沙市市场监督管理局", "市场监管局"),
    ("ybj", "长沙市医疗保障局", "医保局"),
    ("lyj", "长沙市林业局", "林业局"),
    ("gjj", "长沙住房公积金管理中心", "公积金中心"),
    ("tax", "国家税务总局长沙市税务局", "税务局"),
    ("power", "国网长沙供电公司", "供电公司"),
    ("water", "长沙水业集团", "水业集团"),
    ("gas", "长沙新奥燃气有限公司", "燃气公司"),
    ("bus", "长沙市公共交通集团", "公交集团"),
]

TRANSFER_HOTLINES = [
    ("hotline-110", "110报警服务台", "110"),
    ("hotline-119", "119火警", "119"),
    ("hotline-120", "120急救中心", "120"),
    ("hotline-122", "122交通事故报警", "122"),
]

# username → (department code, role, full name)
DEMO_USERS = {
    "agent": ("center", Role.AGENT, "李话务"),
    "supervisor": ("center", Role.SUPERVISOR, "王班长"),
    "handler": ("cgj", Role.HANDLER, "张承办"),
    "handler2": ("scjgj", Role.HANDLER, "刘承办"),
    "deptadmin": ("cgj", Role.DEPT_ADMIN, "陈管理"),
    "editor": ("sub-12333", Role.EDITOR, "赵编辑"),
    "reviewer": ("center", Role.REVIEWER, "孙审核"),
    "auditor": ("center", Role.AUDITOR, "周审计"),
}


def _rows(relative: str) -> list[dict[str, str]]:
    with data_path(relative).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _upsert(model, key: dict, **fields):
    """The tree node with `key`: created with its path, or updated (and moved, if its parent
    changed, with everything below it)."""
    node = model.objects.filter(**key).first()
    if node is None:
        return model.objects.create_node(**key, **fields)
    parent = fields.pop("parent", node.parent)
    if node.parent_id != (parent.pk if parent else None):
        node = move_node(node, new_parent=parent)
    changed = [name for name, value in fields.items() if getattr(node, name) != value]
    for name in changed:
        setattr(node, name, fields[name])
    if changed:
        node.save(update_fields=changed)
    return node


def load_regions() -> dict[str, Region]:
    """The province, the city, its districts, streets and invented communities."""
    province = _upsert(Region, {"code": PROVINCE[0]}, name=PROVINCE[1], level=Region.Level.PROVINCE)
    city = _upsert(
        Region, {"code": CITY_CODE}, name=CITY_NAME, level=Region.Level.CITY, parent=province
    )
    regions = {city.code: city}
    for row in _rows(AREAS):
        if row["cityCode"] == CITY_CODE[:4]:
            regions[row["code"]] = _upsert(
                Region,
                {"code": row["code"]},
                name=row["name"],
                level=Region.Level.DISTRICT,
                parent=city,
            )
    for row in _rows(STREETS):
        if row["cityCode"] == CITY_CODE[:4]:
            street = _upsert(
                Region,
                {"code": row["code"]},
                name=row["name"],
                level=Region.Level.STREET,
                parent=regions[row["areaCode"]],
            )
            regions[street.code] = street
            for n, name in enumerate(COMMUNITY_NAMES[:COMMUNITIES_PER_STREET], start=1):
                code = f"{street.code}{n:03d}"
                regions[code] = _upsert(
                    Region,
                    {"code": code},
                    name=f"{name}社区",
                    level=Region.Level.COMMUNITY,
                    parent=street,
                )
    return regions


def load_categories() -> int:
    """The DB44/T 2479-2024 classification; blank third levels describe their second level."""
    nodes: dict[str, Category] = {}
    for row in _rows(CATEGORIES):
        l1, l2 = row["level_1_code"], row["level_2_code"]
        if l1 not in nodes:
            nodes[l1] = _upsert(Category, {"code": l1}, name=row["level_1_name"], level=1)
        if l2 not in nodes:
            nodes[l2] = _upsert(
                Category, {"code": l2}, name=row["level_2_name"], level=2, parent=nodes[l1]
            )
        if not row["level_3_name"]:
            _upsert(Category, {"code": l2}, description=row["remark"])
            continue
        code = row["level_3_code"]
        if not code.startswith(l2):  # the standard prints 090499 twice; keep both leaves
            code = l2 + code[-2:]
        nodes[code] = _upsert(
            Category,
            {"code": code},
            name=row["level_3_name"],
            level=3,
            parent=nodes[l2],
            description=row["remark"],
        )
    return len(nodes)


def load_departments(regions: dict[str, Region]) -> dict[str, Department]:
    """The center, district centers, street offices, functional departments and hotlines."""
    city = regions[CITY_CODE]
    center = _upsert(
        Department,
        {"code": "center"},
        name="长沙市12345政务服务便民热线",
        short_name="12345中心",
        kind=Department.Kind.CENTER,
        region=city,
        phone="12345",
    )
    departments = {"center": center}
    departments["sub-12333"] = _upsert(
        Department,
        {"code": "sub-12333"},
        name="12333人社服务热线分中心",
        short_name="12333",
        kind=Department.Kind.SUB_CENTER,
        parent=center,
        phone="12333",
    )
    for code, name, short in FUNCTIONAL_DEPARTMENTS:
        departments[code] = _upsert(
            Department,
            {"code": code},
            name=name,
            short_name=short,
            kind=Department.Kind.FUNCTIONAL,
            parent=center,
        )
    for code, name, phone in TRANSFER_HOTLINES:
        departments[code] = _upsert(
            Department,
            {"code": code},
            name=name,
            short_name=phone,
            kind=Department.Kind.TRANSFER,
            phone=phone,
        )
    for region in regions.values():
        if region.level == Region.Level.DISTRICT:
            departments[f"d-{region.code}"] = _upsert(
                Department,
                {"code": f"d-{region.code}"},
                name=f"{region.name}12345分中心",
                short_name=region.name,
                kind=Department.Kind.DISTRICT_CENTER,
                parent=center,
                region=region,
            )
    for region in regions.values():
        if region.level == Region.Level.STREET:
            suffix = "办事处" if region.name.endswith("街道") else "人民政府"
            departments[f"s-{region.code}"] = _upsert(
                Department,
                {"code": f"s-{region.code}"},
                name=f"{region.name}{suffix}",
                short_name=region.name,
                kind=Department.Kind.STREET_OFFICE,
                parent=departments[f"d-{region.parent.code}"],
                region=region,
            )
    return departments


def load_users(departments: dict[str, Department]) -> list[str]:
    """The demo users, all with the demo password, each in their department and role.

    Only the supervisor gets a staff account: the admin is the center supervisors' tool.
    The agent registers and looks cases up on the workbench, which masks what it should;
    departments, editors and reviewers work on their own pages.
    """
    User = get_user_model()
    for username, (department_code, role, full_name) in DEMO_USERS.items():
        staff = role == Role.SUPERVISOR
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": full_name[1:], "last_name": full_name[0], "is_staff": staff},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        elif user.is_staff != staff:  # a demo loaded before the admin was the center's
            user.is_staff = staff
            user.save(update_fields=["is_staff"])
        Membership.objects.get_or_create(
            user=user, department=departments[department_code], role=role
        )
        user.groups.add(Group.objects.get(name=role))
    return list(DEMO_USERS)
