"""Admin for knowledge articles and their versions."""

from django.contrib import admin

from knowledgebase.models import Article, ArticleFeedback, ArticleVersion


class ArticleVersionInline(admin.TabularInline):
    model = ArticleVersion
    extra = 0
    can_delete = False
    fields = ["version", "title", "published_by", "published_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("published_by")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
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
    filter_horizontal = []
    autocomplete_fields = ["regions"]
    inlines = [ArticleVersionInline]


@admin.register(ArticleVersion)
class ArticleVersionAdmin(admin.ModelAdmin):
    list_display = ["title", "version", "published_by", "published_at"]
    search_fields = ["title", "article__external_id"]
    list_select_related = ["published_by"]
    raw_id_fields = ["article", "published_by"]


@admin.register(ArticleFeedback)
class ArticleFeedbackAdmin(admin.ModelAdmin):
    list_display = ["article", "helpful", "user", "case", "created_at"]
    list_filter = ["helpful"]
    list_select_related = ["article", "user", "case"]
    raw_id_fields = ["article", "user", "case"]
