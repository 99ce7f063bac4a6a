"""No module outside the policy and privacy modules decides access or masking.

An AST walk over the apps: reading a user's roles or memberships, comparing a role or a
center kind, masking a phone, or branching on a case's `confidential`/`anonymous` flag are the
policy's and the privacy filter's business. Everything else asks `core.policy.can/scope` or
`cases.privacy`. A new module that decides by itself fails here with its file and line.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("core", "departments", "cases", "knowledgebase", "notifications", "hotline")

# Where deciding is the job (and the data they read: roles, memberships).
DECIDERS = {
    "core/policy.py",
    "core/privacy.py",
    "core/roles.py",
    "departments/policy.py",
    "departments/memberships.py",
    "cases/policy.py",
    "cases/privacy.py",
    "knowledgebase/policy.py",
    "hotline/policy.py",
    "notifications/policy.py",
}
# Role helpers nobody else calls (`departments.memberships.memberships` is data: reading a
# user's memberships to show them is fine; comparing their roles is deciding).
FORBIDDEN_NAMES = {"has_role", "user_roles", "mask_phone"}
FORBIDDEN_ATTRIBUTES = {"memberships"}  # user.memberships: a membership query
CENTER_WORDS = {"center", "sub_center", "agent", "supervisor", "handler", "dept_admin"}
PROTECTED_FLAGS = {"confidential", "anonymous"}


def _modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or relative in DECIDERS:
                continue
            yield relative, ast.parse(path.read_text(encoding="utf-8"), relative)


ROLE_NAMES = {"AGENT", "SUPERVISOR", "HANDLER", "DEPT_ADMIN", "EDITOR", "REVIEWER", "AUDITOR"}
ROLE_SETS = {"CENTER_KINDS", "CENTER_ROLES", "DEPARTMENT_ROLES"}


def _a_role_or_center_kind(node) -> bool:
    """`Role.AGENT`, `Department.Kind.CENTER`, `"supervisor"`, `CENTER_ROLES`, `(…, …)`."""
    if isinstance(node, ast.Constant):
        return node.value in CENTER_WORDS
    if isinstance(node, ast.Name):
        return node.id in ROLE_SETS
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return any(_a_role_or_center_kind(element) for element in node.elts)
    if isinstance(node, ast.Attribute):
        base = node.value
        if isinstance(base, ast.Name) and base.id == "Role":
            return node.attr in ROLE_NAMES
        if isinstance(base, ast.Attribute) and base.attr == "Kind":
            return node.attr in {"CENTER", "SUB_CENTER"}
        return node.attr in ROLE_SETS
    return False


def _a_role_or_kind_field(node) -> bool:
    return isinstance(node, ast.Attribute) and node.attr in {"role", "kind"}


def _flag_tested(node) -> bool:
    """`if case.confidential`, `x if c.anonymous else y`, `a.confidential or …`."""
    return isinstance(node, ast.Attribute) and node.attr in PROTECTED_FLAGS


def decisions(relative: str, tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        line = f"{relative}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            found.append(f"{line}: uses {node.id}")
        elif isinstance(node, ast.alias) and node.name in FORBIDDEN_NAMES:
            found.append(f"{relative}: imports {node.name}")
        elif isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_ATTRIBUTES:
            found.append(f"{line}: reads .{node.attr}")
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            value_side = any(_a_role_or_center_kind(side) for side in sides)
            if value_side and any(_a_role_or_kind_field(side) for side in sides):
                found.append(f"{line}: compares a role or a center kind")
        elif isinstance(node, (ast.If, ast.IfExp, ast.While)) and _flag_tested(node.test):
            found.append(f"{line}: branches on .{node.test.attr}")
        elif isinstance(node, ast.BoolOp) and any(_flag_tested(v) for v in node.values):
            found.append(f"{line}: branches on a protected caller's flag")
        elif isinstance(node, ast.UnaryOp) and _flag_tested(node.operand):
            found.append(f"{line}: branches on .{node.operand.attr}")
    return found


def test_no_module_outside_the_policy_and_privacy_modules_decides_access_or_masking():
    found = [problem for relative, tree in _modules() for problem in decisions(relative, tree)]
    assert found == [], "\n".join(found)


@pytest.mark.parametrize(
    "source",
    [
        "from core.roles import has_role\nhas_role(user, 'agent')",
        "roles = {m.role for m in user.memberships.all()}",
        "ok = membership.role == Role.SUPERVISOR",
        "center = department.kind in (Department.Kind.CENTER, Department.Kind.SUB_CENTER)",
        "shown = '' if case.confidential else case.citizen_phone",
        "if case.anonymous or case.confidential:\n    pass",
        "from cases.privacy import mask_phone",
    ],
)
def test_the_walk_catches_a_module_that_decides_by_itself(source):
    assert decisions("somewhere.py", ast.parse(source))
