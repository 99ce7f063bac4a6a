"""The reply-review policy (办结审核): which departments' replies the center reviews first."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.choices import RequestType


class ReplyReviewPolicy(models.Model):
    """One rule of the reply review: cases of this type, category and department (blank: any)
    are reviewed (or not) before the callback. The most specific matching rule decides."""

    request_type = models.CharField(
        _("request type"), max_length=14, choices=RequestType.choices, blank=True
    )
    # A category covers its subtree (matched by the materialized path).
    category = models.ForeignKey(
        "cases.Category",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    department = models.ForeignKey(
        "departments.Department",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    review = models.BooleanField(_("review the reply"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("reply review policy")
        verbose_name_plural = _("reply review policies")
        ordering = ["request_type", "category", "department"]
        constraints = [
            models.CheckConstraint(
                condition=Q(request_type="") | Q(request_type__in=RequestType.values),
                name="reply_review_type_valid",
            ),
        ]

    def __str__(self) -> str:
        scope = [self.request_type or "*", str(self.category or "*"), str(self.department or "*")]
        return f"{'/'.join(scope)}: {'review' if self.review else 'no review'}"

    @property
    def specificity(self) -> int:
        return bool(self.request_type) + bool(self.category_id) + bool(self.department_id)
