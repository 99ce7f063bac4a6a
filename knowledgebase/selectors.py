"""Reads of the knowledge base: lists for agents and editors, with counts batch-loaded."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core import policy
from core.errors import NotFound
from knowledgebase.models import LIVE_ARTICLES, Article, ArticleStatus
from knowledgebase.policy import drafted_by_me, reviewable, writer_departments


def visible_articles(user) -> QuerySet[Article]:
    """Live articles for everyone signed in; drafts for their department's writers."""
    return (
        policy.scope(user, Article.objects.all())
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
        raise NotFound(_("article %(pk)s not found") % {"pk": pk})
    return article


def stale_articles(user) -> QuerySet[Article]:
    """Live articles past their review-by date, of the departments the user writes for."""
    today = timezone.localdate()
    queryset = visible_articles(user).filter(LIVE_ARTICLES, review_by__lt=today)
    if not user.is_superuser:
        queryset = queryset.filter(department_id__in=writer_departments(user))
    return queryset.order_by("review_by", "pk")


def published_text(article: Article) -> tuple[str, str] | None:
    """The title and answer citizens may be told: the live published version's, even while the
    next version is drafted or reviewed; None when no version is live (never published, or
    archived)."""
    if not article.is_live:
        return None
    if article.status == Article.Status.PUBLISHED:
        return article.title, article.answer
    live = article.versions.filter(version=article.version).values_list("title", "answer")
    return live.first()


def my_drafts(user) -> QuerySet[Article]:
    """Drafts and sent-back articles of the departments the user writes for, oldest first."""
    statuses = [ArticleStatus.DRAFT, ArticleStatus.SENT_BACK]
    return (
        visible_articles(user)
        .filter(drafted_by_me(user), status__in=statuses)
        .order_by("updated_at", "pk")
    )


def review_queue(user) -> QuerySet[Article]:
    """Articles waiting for this reviewer's decision, the longest waiting first."""
    return (
        visible_articles(user)
        .filter(reviewable(user), status=ArticleStatus.IN_REVIEW)
        .order_by("updated_at", "pk")
    )
