"""The personal-data access log (PIPL): who revealed which caller's identity, when and why."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PersonalDataAccess(models.Model):
    """One explicit reveal of a protected caller's identity by a center user (append-only)."""

    class Channel(models.TextChoices):
        PAGE = "page", _("workbench page")
        API = "api", _("REST API")

    case = models.ForeignKey(
        "cases.Case", models.PROTECT, related_name="identity_reveals", verbose_name=_("case")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("user")
    )
    reason = models.CharField(_("reason"), max_length=200)
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.PAGE
    )
    created_at = models.DateTimeField(_("revealed at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("personal-data access")
        verbose_name_plural = _("personal-data accesses")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["case", "created_at"], name="pii_access_case_time")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="pii_access_has_reason")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} revealed {self.case_id} at {self.created_at:%Y-%m-%d %H:%M}"
