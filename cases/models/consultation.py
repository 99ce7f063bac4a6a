"""Joint consultation (会商): the departments concerned state their positions on a hard or
disputed case, and a supervisor records the decision on the main and co-handlers."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import ConsultationStatus, values


class Consultation(models.Model):
    """One joint consultation on a case, from the invitation to the decision."""

    case = models.ForeignKey(
        "cases.Case", models.CASCADE, related_name="consultations", verbose_name=_("case")
    )
    dispute = models.ForeignKey(
        "cases.Dispute", models.SET_NULL, null=True, blank=True, related_name="consultations"
    )
    topic = models.TextField(_("what is to be decided"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ConsultationStatus.choices,
        default=ConsultationStatus.OPEN,
    )
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    main_department = models.ForeignKey(
        "departments.Department",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided main department"),
    )
    co_departments = models.ManyToManyField(
        "departments.Department",
        blank=True,
        related_name="+",
        verbose_name=_("decided co-handlers"),
    )
    decision = models.TextField(_("decision"), blank=True)

    class Meta:
        verbose_name = _("joint consultation")
        verbose_name_plural = _("joint consultations")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=values(ConsultationStatus)),
                name="consultation_status_valid",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status="open"),
                name="one_open_consultation_per_case",
                violation_error_message=_("This case already has an open joint consultation."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} ({self.status})"


class ConsultationPosition(models.Model):
    """An invited department and the position it recorded (blank until it does)."""

    consultation = models.ForeignKey(
        Consultation, models.CASCADE, related_name="positions", verbose_name=_("consultation")
    )
    department = models.ForeignKey(
        "departments.Department",
        models.PROTECT,
        related_name="consultation_positions",
        verbose_name=_("department"),
    )
    position = models.TextField(_("position"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consultation position")
        verbose_name_plural = _("consultation positions")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "department"], name="one_position_per_department"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consultation_id} {self.department_id}"
