"""Who writes, reviews and rates knowledge articles (registered with `core.policy`).

- editors of the owning department write its articles; the 12345 center's editors look after
  the imported ones, which have no owner;
- reviewers of the owning department or of the 12345 center publish and send back;
- the center's agents and supervisors rate an article's help.
"""

from core import policy
from core.roles import Role
from departments.memberships import memberships
from departments.models import Department
from departments.policy import is_center_staff

CENTER = Department.Kind.CENTER  # the 12345 center itself, not its sub-centers


def _owner(article_or_department) -> Department | None:
    return getattr(article_or_department, "department", article_or_department)


@policy.rule("knowledgebase.edit")
def _edit(user, article_or_department) -> bool:
    if user.is_superuser:
        return True
    department = _owner(article_or_department)
    return any(
        m.role == Role.EDITOR
        and (
            m.department.kind == CENTER if department is None else m.department_id == department.pk
        )
        for m in memberships(user)
    )


@policy.rule("knowledgebase.review")
def _review(user, article) -> bool:
    if user.is_superuser:
        return True
    return any(
        m.role == Role.REVIEWER
        and (m.department_id == article.department_id or m.department.kind == CENTER)
        for m in memberships(user)
    )


@policy.rule("knowledgebase.archive")
def _archive(user, article) -> bool:
    return _edit(user, article) or _review(user, article)


@policy.rule("knowledgebase.rate")
def _rate(user, _article) -> bool:
    return is_center_staff(user)
