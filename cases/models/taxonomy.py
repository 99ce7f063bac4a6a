"""The three-level demand classification (DB44/T 2479-2024 in the demo)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.tree import TreeNode


class Category(TreeNode):
    """One node of the three-level demand classification."""

    depth_field = "level"
    max_depth = 3

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.PositiveSmallIntegerField(_("level"))
    path = models.CharField(_("path"), max_length=64, db_index=True, editable=False)
    description = models.TextField(_("description"), blank=True)
    # Citizens may report this category themselves (Open311 services, self-service).
    public = models.BooleanField(_("open to citizens"), default=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=3),
                name="category_level_1_to_3",
                violation_error_message=_("A category is on level 1, 2 or 3."),
            ),
            models.CheckConstraint(
                condition=Q(level=1, parent__isnull=True) | Q(level__gt=1, parent__isnull=False),
                name="category_parent_matches_level",
                violation_error_message=_("Only first-level categories have no parent."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Synonym(models.Model):
    """An everyday word and the term the classification and the articles use (噪音 → 噪声).

    Center supervisors keep the table in the admin; the category search, the knowledge search and
    the routing rules' words read it (`cases.routing.synonyms`).
    """

    word = models.CharField(_("everyday word"), max_length=32, unique=True)
    term = models.CharField(_("standard term"), max_length=32)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("synonym")
        verbose_name_plural = _("synonyms")
        ordering = ["word"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(word=models.F("term")) & ~Q(word="") & ~Q(term=""),
                name="synonym_differs_from_term",
                violation_error_message=_("A synonym names another, non-empty term."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.word} → {self.term}"
