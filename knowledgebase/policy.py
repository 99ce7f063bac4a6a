"""Who writes, reviews and rates knowledge articles (registered with `core.policy`).

- editors of the owning department write its articles; the 12345 center's editors look after
  the imported ones, which have no owner;
- reviewers of the owning department or of the 12345 center publish and send back;
- the center's agents and supervisors rate an article's help;
- everyone signed in reads live articles; the writers (editors, reviewers, department admins)
  of a department also its drafts; reviewers (and superusers) every article.
"""

from django.db.models import Q, QuerySet

from core import policy
from core.roles import Role
from departments.memberships import memberships
from departments.models import Department
from departments.policy import is_center_staff
from knowledgebase.models import LIVE_ARTICLES, Article

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


WRITERS = (Role.EDITOR, Role.REVIEWER, Role.DEPT_ADMIN)


def writer_departments(user) -> list[int]:
    """Departments whose drafts the user may see (editors, reviewers, department admins)."""
    return [m.department_id for m in memberships(user) if m.role in WRITERS]


def editor_departments(user) -> list[Department]:
    """The departments the user writes articles for."""
    return [m.department for m in memberships(user) if m.role == Role.EDITOR]


@policy.rule("knowledgebase.draft")
def _draft(user, _obj) -> bool:
    return bool(editor_departments(user))


@policy.scope_rule(Article)
def _article_scope(user, queryset: QuerySet) -> QuerySet:
    if user.is_superuser or any(m.role == Role.REVIEWER for m in memberships(user)):
        return queryset
    scope = LIVE_ARTICLES
    if departments := writer_departments(user):
        scope |= Q(department_id__in=departments)
    return queryset.filter(scope)


def reviewable(user) -> Q:
    """The articles this user reviews: all for the center's reviewers (and superusers), their
    department's for a department's reviewer, none for anyone else."""
    reviewers = [m for m in memberships(user) if m.role == Role.REVIEWER]
    if user.is_superuser or any(m.department.kind == CENTER for m in reviewers):
        return Q()
    if reviewers:
        return Q(department_id__in=[m.department_id for m in reviewers])
    return Q(pk__in=[])


def drafted_by_me(user) -> Q:
    """The articles this user writes: their departments' (the center's editors also the
    imported ones, which have no owner)."""
    editors = editor_departments(user)
    mine = Q(department_id__in=[d.pk for d in editors])
    if any(d.kind == CENTER for d in editors):
        mine |= Q(department__isnull=True)
    return mine


@policy.rule("knowledgebase.browse")
def _browse(user, _obj) -> bool:
    return True  # everyone signed in reads the live articles (`can` refuses anonymous users)


@policy.rule("knowledgebase.review_queue")
def _review_queue(user, _obj) -> bool:
    return user.is_superuser or any(m.role == Role.REVIEWER for m in memberships(user))


@policy.rule("knowledgebase.work_queues")
def _work_queues(user, _obj) -> bool:
    """Editors see their drafts, reviewers the review queue (on the home page and the menu)."""
    return _draft(user, None) or _review_queue(user, None)
