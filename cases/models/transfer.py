"""A case handed to a partner line (110/119/120/122, 12333 …) or received from one."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import TransferDirection, TransferStatus, values


class TransferQuerySet(models.QuerySet):
    """The vocabulary of transfer lists: still waiting for the partner's answer, overdue."""

    def unanswered(self):
        return self.filter(direction=TransferDirection.OUTBOUND).exclude(
            status=TransferStatus.HANDLED
        )

    def overdue(self, now=None):
        return self.unanswered().filter(due_at__lt=now or timezone.now())


class Transfer(models.Model):
    """One hand-over between the hotline and a partner line, in either direction.

    Outbound: the center transferred the case; the partner acknowledges (received) and answers
    (handled, with its result text) through the API by `due_at`. Inbound: the partner sent the
    case (channel `transfer`) with its own `reference`; the case's reply goes back to it.
    """

    case = models.ForeignKey(
        "cases.Case", models.CASCADE, related_name="transfers", verbose_name=_("case")
    )
    # A department of kind `transfer` or `sub_center`: it holds the partner's tokens and webhook.
    partner = models.ForeignKey(
        "departments.Department",
        models.PROTECT,
        related_name="+",
        verbose_name=_("partner line"),
    )
    direction = models.CharField(_("direction"), max_length=8, choices=TransferDirection.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=TransferStatus.choices, default=TransferStatus.SENT
    )
    # Inbound: the sender's reference; outbound: the partner's own, given when it acknowledges.
    reference = models.CharField(_("partner's reference"), max_length=64, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+"
    )
    due_at = models.DateTimeField(_("answer due"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    answer = models.TextField(_("partner's result"), blank=True)

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["partner", "status", "due_at"], name="transfer_partner_due"),
            models.Index(fields=["direction", "status", "due_at"], name="transfer_open_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(direction__in=values(TransferDirection)), name="transfer_direction"
            ),
            models.CheckConstraint(
                condition=Q(status__in=values(TransferStatus)), name="transfer_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=TransferStatus.HANDLED, direction=TransferDirection.OUTBOUND)
                | ~Q(answer=""),
                name="transfer_handled_has_answer",
                violation_error_message=_("A handled transfer carries the partner's result."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} ⇄ {self.partner_id}"

    @property
    def is_overdue(self) -> bool:
        """An outbound transfer still unanswered past its deadline."""
        return bool(
            self.direction == TransferDirection.OUTBOUND
            and self.status != TransferStatus.HANDLED
            and self.due_at
            and self.due_at < timezone.now()
        )
