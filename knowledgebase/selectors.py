"""Reads of the knowledge base: lists for agents and editors, with counts batch-loaded."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from core.errors import NotFound
from core.roles import Role
from knowledgebase.models import LIVE_ARTICLES, Article

WRITERS = (Role.EDITOR, Role.REVIEWER, Role.DEPT_ADMIN)


def writer_departments(user) -> list[int]:
    """Departments whose drafts the user may see (editors, reviewers, department admins)."""
    return [m.department_id for m in user.memberships.all() if m.role in WRITERS]


def visible_articles(user) -> QuerySet[Article]:
    """Live articles for everyone signed in; drafts for their department's writers."""
    scope = LIVE_ARTICLES
    if user.is_superuser or any(m.role == Role.REVIEWER for m in user.memberships.all()):
        scope = Q()
    elif departments := writer_departments(user):
        scope |= Q(department_id__in=departments)
    return (
        Article.objects.filter(scope)
        .select_related("department", "category")
        .annotate(
            answered_count=Count("answered_cases", distinct=True),
            helped=Count("feedback", filter=Q(feedback__helpful=True), distinct=True),
            not_helped=Count("feedback", filter=Q(feedback__helpful=False), distinct=True),
        )
    )


def get_article_for(user, pk: int) -> Article:
    """One article the user may see, or NotFound."""
    article = visible_articles(user).filter(pk=pk).first()
    if article is None:
        raise NotFound(f"article {pk} not found")
    return article


def stale_articles(user) -> QuerySet[Article]:
    """Live articles past their review-by date, of the departments the user writes for."""
    today = timezone.localdate()
    queryset = visible_articles(user).filter(LIVE_ARTICLES, review_by__lt=today)
    if not user.is_superuser:
        queryset = queryset.filter(department_id__in=writer_departments(user))
    return queryset.order_by("review_by", "pk")
