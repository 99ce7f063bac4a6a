"""Admin for knowledge articles and their versions: the workflow is never skipped here.

Articles are drafted, submitted, published and sent back on the knowledge pages (review by a
reviewer). In the admin nothing is published: status, versions and search words are read only;
the content of a draft or a sent-back article may be corrected, through
`knowledgebase.services.update_article` (so the rules of an edit hold), and the content of an
article in review, published or archived is read only, so no unreviewed text reaches citizens.
"""

from django.contrib import admin, messages

from core.errors import ApplicationError
from departments.adminsite import EVERY_OPERATION, VIEW_ONLY, CenterAdmin, CenterInline
from knowledgebase import services
from knowledgebase.models import Article, ArticleFeedback, ArticleStatus, ArticleVersion

CORRECTABLE = (ArticleStatus.DRAFT, ArticleStatus.SENT_BACK)
CONTENT_FIELDS = (*services.CONTENT_FIELDS, "regions")
WORKFLOW_FIELDS = (
    "status",
    "version",
    "review_comment",
    "department",
    "source",
    "external_id",
    "issuing_unit",
    "created_by",
    "created_at",
    "updated_at",
    "published_at",
)


class ArticleVersionInline(CenterInline):
    model = ArticleVersion
    fields = ["version", "title", "published_by", "published_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("published_by")


@admin.register(Article)
class ArticleAdmin(CenterAdmin):
    operations = EVERY_OPERATION - {"add", "delete"}  # drafted and archived on the pages
    list_display = [
        "title",
        "department",
        "issuing_unit",
        "source",
        "category",
        "status",
        "version",
        "review_by",
    ]
    list_filter = ["status", "source", "kind", "department__kind"]
    search_fields = ["title", "answer", "external_id", "policy_document", "issuing_unit"]
    list_select_related = ["department", "category"]
    raw_id_fields = ["department", "category", "created_by"]
    autocomplete_fields = ["regions"]
    inlines = [ArticleVersionInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status in CORRECTABLE:
            return WORKFLOW_FIELDS
        return (*WORKFLOW_FIELDS, *CONTENT_FIELDS)

    def save_model(self, request, obj, form, change):
        """A correction of a draft goes through the service, which checks who may edit it."""
        changed = {n: form.cleaned_data[n] for n in form.changed_data if n in CONTENT_FIELDS}
        if not changed:  # an edit of nothing must not turn a published article into a draft
            return
        try:
            services.update_article(obj, actor=request.user, **changed)
        except ApplicationError as error:
            messages.error(request, error.message)

    def save_related(self, request, form, formsets, change):
        """The regions were saved by the service (or refused with it): no save_m2m here."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(ArticleVersion)
class ArticleVersionAdmin(CenterAdmin):
    operations = VIEW_ONLY
    list_display = ["title", "version", "published_by", "published_at"]
    search_fields = ["title", "article__external_id"]
    list_select_related = ["published_by"]
    raw_id_fields = ["article", "published_by"]


@admin.register(ArticleFeedback)
class ArticleFeedbackAdmin(CenterAdmin):
    operations = VIEW_ONLY
    list_display = ["article", "helpful", "user", "case", "created_at"]
    list_filter = ["helpful"]
    list_select_related = ["article", "user", "case"]
    raw_id_fields = ["article", "user", "case"]
