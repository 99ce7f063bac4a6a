"""Knowledge articles, their published versions and agents' feedback on them."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    SENT_BACK = "sent_back", _("Sent back")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class ArticleSource(models.TextChoices):
    OWN = "own", _("Written here")
    DEMO = "demo", _("Demo content")
    IMPORTED = "imported", _("Imported from elsewhere")


class Article(models.Model):
    """A maintained answer to a question citizens ask, owned by a department.

    An imported article (a public policy Q&A data set) has no owning department: it keeps the
    unit that issued it and applies only in the regions it names (see `knowledgebase.index`).
    """

    Status = ArticleStatus
    Source = ArticleSource

    class Kind(models.TextChoices):
        SERVICE_GUIDE = "service_guide", _("Service guide")
        LAW = "law", _("Law or regulation")
        HOT_QUESTION = "hot_question", _("Hot question")

    external_id = models.CharField(
        _("source id"), max_length=64, null=True, blank=True, unique=True
    )
    title = models.CharField(_("title"), max_length=128)
    questions = models.JSONField(_("other phrasings"), default=list, blank=True)
    answer = models.TextField(_("answer"))
    kind = models.CharField(
        _("kind"), max_length=14, choices=Kind.choices, default=Kind.HOT_QUESTION
    )
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    category = models.ForeignKey(
        "cases.Category",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("category"),
    )
    department = models.ForeignKey(
        "departments.Department",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("owning department"),
    )
    source = models.CharField(
        _("source"), max_length=8, choices=ArticleSource.choices, default=ArticleSource.OWN
    )
    issuing_unit = models.CharField(_("issuing unit"), max_length=128, blank=True)
    regions = models.ManyToManyField(
        "departments.Region",
        blank=True,
        related_name="articles",
        verbose_name=_("applies in"),
    )
    policy_document = models.CharField(_("policy document"), max_length=255, blank=True)
    effective_date = models.DateField(_("effective from"), null=True, blank=True)
    review_by = models.DateField(_("review by"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    version = models.PositiveIntegerField(_("published version"), default=0)
    review_comment = models.TextField(_("review comment"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # The published version's words (jieba, space-joined), written when it is published:
    # the search reads them, and PostgreSQL indexes them (weights A and C).
    search_title = models.TextField(editable=False, blank=True)
    search_body = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["title"]
        indexes = [
            models.Index(fields=["status", "review_by"], name="article_status_review"),
            models.Index(fields=["department", "status"], name="article_dept_status"),
            # The search index's freshness check reads the latest change.
            models.Index(fields=["updated_at"], name="article_updated"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ArticleStatus]),
                name="article_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(source__in=[s.value for s in ArticleSource]),
                name="article_source_valid",
            ),
            models.CheckConstraint(
                condition=Q(department__isnull=False) | Q(source="imported"),
                name="article_owned_unless_imported",
                violation_error_message=_(
                    "An article has an owning department unless it is imported."
                ),
            ),
            models.CheckConstraint(
                condition=Q(review_by__isnull=True)
                | Q(effective_date__isnull=True)
                | Q(review_by__gte=F("effective_date")),
                name="article_review_after_effective",
                violation_error_message=_("An article is reviewed after it takes effect."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_demo(self) -> bool:
        """Written for the demo city: labelled 演示内容 wherever it is shown."""
        return self.source == self.Source.DEMO

    @property
    def issued_by(self) -> str:
        """Who stands behind the answer: the issuing unit, else the owning department."""
        if self.issuing_unit:
            return self.issuing_unit
        return self.department.name if self.department_id else ""

    @property
    def is_stale(self) -> bool:
        """Past its review-by date: still shown, but not as current."""
        return bool(self.review_by and self.review_by < timezone.localdate())

    @property
    def is_live(self) -> bool:
        """A version is published and the article is not archived: it can be suggested."""
        return self.status == ArticleStatus.PUBLISHED or (
            self.version > 0 and self.status != ArticleStatus.ARCHIVED
        )


# The articles search may suggest: published, or with a published version under revision.
LIVE_ARTICLES = Q(status=ArticleStatus.PUBLISHED) | Q(
    version__gt=0,
    status__in=[ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW, ArticleStatus.SENT_BACK],
)


class ArticleVersion(models.Model):
    """A published version of an article, kept for its history."""

    article = models.ForeignKey(
        Article, models.CASCADE, related_name="versions", verbose_name=_("article")
    )
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=128)
    questions = models.JSONField(_("other phrasings"), default=list, blank=True)
    answer = models.TextField(_("answer"))
    policy_document = models.CharField(_("policy document"), max_length=255, blank=True)
    effective_date = models.DateField(_("effective from"), null=True, blank=True)
    review_by = models.DateField(_("review by"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now)

    class Meta:
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")
        ordering = ["article", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["article", "version"], name="article_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class ArticleFeedback(models.Model):
    """An agent's or citizen's word on whether an article helped."""

    article = models.ForeignKey(Article, models.CASCADE, related_name="feedback")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey("cases.Case", models.SET_NULL, null=True, blank=True, related_name="+")
    helpful = models.BooleanField(_("helped"))
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("article feedback")
        verbose_name_plural = _("article feedback")

    def __str__(self) -> str:
        return f"{self.article_id} helpful={self.helpful}"
