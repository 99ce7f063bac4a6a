"""Writes on knowledge articles: draft, submit, publish or send back, revise, archive, feedback.

Who may do what:
- an editor of the owning department drafts, edits, submits and archives its articles;
- a reviewer of the owning department, or of the 12345 center, publishes or sends back with a
  comment (and may archive);
- a sub-center such as 12333 owns its articles; once published they are shared with every agent;
- imported articles (public data sets) have no owning department: the center's editors look
  after them, and they keep the unit that issued them (`issuing_unit`).
Editing a published article starts its next version; the published one stays live (and is
kept as an ArticleVersion) until the next is published.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import policy
from core.errors import ActionForbidden, InvalidInput, TransitionNotAllowed
from departments.models import Department
from knowledgebase import textproc
from knowledgebase.models import Article, ArticleFeedback, ArticleStatus, ArticleVersion

EDITABLE = (ArticleStatus.DRAFT, ArticleStatus.SENT_BACK, ArticleStatus.PUBLISHED)
CONTENT_FIELDS = (
    "title",
    "questions",
    "answer",
    "kind",
    "keywords",
    "category",
    "policy_document",
    "effective_date",
    "review_by",
)
TITLE_MAX = 128


def can_edit(user, article_or_department) -> bool:
    """The owning department's editors write its articles (`knowledgebase.policy`)."""
    return policy.can(user, "knowledgebase.edit", article_or_department)


def can_review(user, article: Article) -> bool:
    """The owning department's or the center's reviewers publish (`knowledgebase.policy`)."""
    return policy.can(user, "knowledgebase.review", article)


def _status(article: Article) -> dict:
    """The article's status as people read it, for a refusal's message."""
    return {"status": article.get_status_display()}


def _lock(article: Article) -> Article:
    return Article.objects.select_for_update().get(pk=article.pk)


def _clean_content(fields: dict) -> dict:
    unknown = set(fields) - set(CONTENT_FIELDS) - {"regions"}
    if unknown:
        raise InvalidInput(
            _("unknown article fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    if "title" in fields:
        fields["title"] = (fields["title"] or "").strip()
        if not fields["title"]:
            needs = _("an article needs a title (the question it answers)")
            raise InvalidInput(needs, field="title")
        if len(fields["title"]) > TITLE_MAX:
            raise InvalidInput(
                _("the title is longer than %(max)d characters") % {"max": TITLE_MAX},
                field="title",
            )
    if "answer" in fields and not (fields["answer"] or "").strip():
        raise InvalidInput(_("an article needs an answer"), field="answer")
    if "questions" in fields:
        fields["questions"] = [q.strip() for q in fields["questions"] or [] if q and q.strip()]
    _check_dates(fields.get("effective_date"), fields.get("review_by"))
    return fields


def _check_dates(effective: datetime.date | None, review_by: datetime.date | None) -> None:
    if effective and review_by and review_by < effective:
        raise InvalidInput(
            _("the review-by date comes before the effective date"), field="review_by"
        )


@transaction.atomic
def create_article(*, actor, department: Department, **fields) -> Article:
    """An editor of the department drafts a new article."""
    if not can_edit(actor, department):
        raise ActionForbidden(_("only the department's knowledge editors draft its articles"))
    fields = _clean_content({"questions": [], **fields})
    if not fields.get("title") or not fields.get("answer"):
        raise InvalidInput(_("an article needs a title and an answer"))
    regions = fields.pop("regions", ())
    article = Article.objects.create(department=department, created_by=actor, **fields)
    article.regions.set(regions)
    return article


@transaction.atomic
def update_article(article: Article, *, actor, **fields) -> Article:
    """Edit a draft, a sent-back article, or start the next version of a published one."""
    article = _lock(article)
    if not can_edit(actor, article):
        raise ActionForbidden(_("only the owning department's editors edit this article"))
    if article.status not in EDITABLE:
        raise TransitionNotAllowed(
            _("an article that is %(status)s cannot be edited") % _status(article)
        )
    fields = _clean_content(fields)
    regions = fields.pop("regions", None)
    for name, value in fields.items():
        setattr(article, name, value)
    if article.effective_date and article.review_by:
        _check_dates(article.effective_date, article.review_by)
    article.status = ArticleStatus.DRAFT
    article.save()
    if regions is not None:
        article.regions.set(regions)
    return article


@transaction.atomic
def submit_article(article: Article, *, actor) -> Article:
    """The editor sends the draft to review."""
    article = _lock(article)
    if not can_edit(actor, article):
        raise ActionForbidden(_("only the owning department's editors submit this article"))
    if article.status not in (ArticleStatus.DRAFT, ArticleStatus.SENT_BACK):
        raise TransitionNotAllowed(
            _("an article that is %(status)s cannot be submitted") % _status(article)
        )
    article.status = ArticleStatus.IN_REVIEW
    article.save(update_fields=["status", "updated_at"])
    return article


@transaction.atomic
def publish_article(article: Article, *, actor) -> Article:
    """A reviewer publishes the article in review: a new version, kept, live at once."""
    article = _lock(article)
    if not can_review(actor, article):
        raise ActionForbidden(_("only a knowledge reviewer publishes articles"))
    if article.status != ArticleStatus.IN_REVIEW:
        raise TransitionNotAllowed(
            _("an article that is %(status)s cannot be published") % _status(article)
        )
    return _publish(article, actor=actor)


def _publish(article: Article, *, actor) -> Article:
    """Write the next version and the search words (the caller holds the row lock)."""
    now = timezone.now()
    article.version += 1
    article.status = ArticleStatus.PUBLISHED
    article.published_at = now
    article.review_comment = ""
    article.search_title = textproc.joined(" ".join([article.title, *article.questions]))
    article.search_body = textproc.joined(article.answer)
    article.save()
    ArticleVersion.objects.create(
        article=article,
        version=article.version,
        title=article.title,
        questions=article.questions,
        answer=article.answer,
        policy_document=article.policy_document,
        effective_date=article.effective_date,
        review_by=article.review_by,
        published_by=actor,
        published_at=now,
    )
    return article


@transaction.atomic
def send_back_article(article: Article, *, actor, comment: str) -> Article:
    """A reviewer returns the article in review to its editors, saying what to change."""
    article = _lock(article)
    if not can_review(actor, article):
        raise ActionForbidden(_("only a knowledge reviewer sends articles back"))
    if article.status != ArticleStatus.IN_REVIEW:
        raise TransitionNotAllowed(
            _("an article that is %(status)s cannot be sent back") % _status(article)
        )
    if not (comment or "").strip():
        raise InvalidInput(_("say what to change when sending an article back"), field="comment")
    article.status = ArticleStatus.SENT_BACK
    article.review_comment = comment.strip()
    article.save(update_fields=["status", "review_comment", "updated_at"])
    return article


@transaction.atomic
def archive_article(article: Article, *, actor) -> Article:
    """Withdraw an article for good: it is never suggested again (its history stays)."""
    article = _lock(article)
    if not policy.can(actor, "knowledgebase.archive", article):
        raise ActionForbidden(_("only the owning department's editors or a reviewer archive"))
    if article.status == ArticleStatus.ARCHIVED:
        raise TransitionNotAllowed(_("the article is already archived"))
    article.status = ArticleStatus.ARCHIVED
    article.save(update_fields=["status", "updated_at"])
    return article


def record_feedback(
    article: Article, *, actor, helpful: bool, case=None, at: datetime.datetime | None = None
) -> ArticleFeedback:
    """An agent (or a citizen, actor None) says whether the article helped (`at`: when, for
    the demo's past calls; now by default)."""
    if actor is not None and actor.is_authenticated:
        if not policy.can(actor, "knowledgebase.rate", article):
            raise ActionForbidden(_("only the center's agents give feedback on articles"))
    else:
        actor = None
    return ArticleFeedback.objects.create(
        article=article, user=actor, case=case, helpful=helpful, created_at=at or timezone.now()
    )
