"""The working calendar and the deadline policies the deadline clock reads."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.choices import DeadlineStage, DeadlineUnit, RequestType, Urgency, values


class WorkingDay(models.Model):
    """The official status of one date: a holiday, or a weekend day that is worked (调休)."""

    date = models.DateField(_("date"), primary_key=True)
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=60, blank=True)
    source = models.CharField(_("source"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("working calendar")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class DeadlinePolicy(models.Model):
    """A time limit for one stage, per request type and urgency (blank means any)."""

    stage = models.CharField(_("stage"), max_length=10, choices=DeadlineStage.choices)
    request_type = models.CharField(
        _("request type"), max_length=14, choices=RequestType.choices, blank=True
    )
    urgency = models.CharField(_("urgency"), max_length=12, choices=Urgency.choices, blank=True)
    limit = models.PositiveIntegerField(_("limit"))
    unit = models.CharField(_("unit"), max_length=14, choices=DeadlineUnit.choices)
    # The extension stage: `limit` is the longest one extension, this the most per assignment.
    max_count = models.PositiveSmallIntegerField(
        _("most per assignment"),
        default=3,
        help_text=_("Extension stage only: how many extensions one assignment may be granted."),
    )

    class Meta:
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")
        ordering = ["stage", "request_type", "urgency"]
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "request_type", "urgency"], name="deadline_policy_unique"
            ),
            models.CheckConstraint(condition=Q(limit__gte=1), name="deadline_limit_positive"),
            models.CheckConstraint(
                condition=Q(unit__in=values(DeadlineUnit)), name="deadline_unit_valid"
            ),
        ]

    def __str__(self) -> str:
        scope = f"{self.request_type or '*'}/{self.urgency or '*'}"
        return f"{self.stage} {scope}: {self.limit} {self.unit}"
