"""Center-wide bookkeeping: pre-aggregated daily counts for dashboards and deadline reminders.

`DailyStat` and `DailyHotspotCount` are derived data: `hotline.dashboards.stats` rebuilds any
range of days from the case tables (the sweep refreshes the recent days, a nightly run the last
weeks), and the tests compare them with a direct count. `DeadlineReminder` is the sweep's
memory: one row per assignment, deadline and threshold, unique in the database, so that an
urge is never sent twice, even by two sweeps running at once.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StatCounts(models.Model):
    """The slice (department, district, category, channel) and the measures counted for it,
    shared by the daily rows and their monthly sums."""

    department = models.ForeignKey(
        "departments.Department", models.CASCADE, null=True, blank=True, related_name="+"
    )
    district = models.ForeignKey(
        "departments.Region", models.CASCADE, null=True, blank=True, related_name="+"
    )
    category = models.ForeignKey(
        "cases.Category", models.CASCADE, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=10)
    intake = models.PositiveIntegerField(default=0)
    consultations = models.PositiveIntegerField(default=0)
    answered_directly = models.PositiveIntegerField(default=0)
    dispatched = models.PositiveIntegerField(default=0)
    sign_due = models.PositiveIntegerField(default=0)
    signed_on_time = models.PositiveIntegerField(default=0)
    reply_due = models.PositiveIntegerField(default=0)
    replied_on_time = models.PositiveIntegerField(default=0)
    replied = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(default=0)
    extensions = models.PositiveIntegerField(default=0)
    rated_resolution = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    basically_satisfied = models.PositiveIntegerField(default=0)
    unsatisfied = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    # issue 14: take-backs (counted apart from returns) and replies the review sent back
    withdrawn = models.PositiveIntegerField(default=0)
    replies_sent_back = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class DailyStat(StatCounts):
    """Counts for one local day and one combination of department, district, category, channel.

    Each measure is counted on the day its event happened (see `hotline.dashboards.metrics`):
    intake on the day a case was registered, `sign_due` on the day a sign deadline fell, and so
    on. `department` is the assignment's department for assignment measures and the case's main
    department otherwise; `district` the district of the case's region; `category` the
    first-level category of the case. Roll-up rows (channel "*", no category) repeat each
    day's counts per department and district, for the pages that filter on neither; rows with
    channel "*c" (no department, no district) repeat them per category.
    """

    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("daily statistic")
        verbose_name_plural = _("daily statistics")
        # A day's rows are always replaced together (delete + insert in one transaction).
        indexes = [
            models.Index(fields=["day", "department"], name="dailystat_day_dept"),
            models.Index(fields=["channel", "day"], name="dailystat_channel_day"),
            models.Index(fields=["category", "day"], name="dailystat_category_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.department_id}/{self.district_id}/{self.category_id}"


class MonthlyStat(StatCounts):
    """The DailyStat rows of one calendar month summed per department, district, category and
    channel (roll-up rows included): a one-year period reads twelve of these per slice instead
    of 365 daily rows. Rebuilt from the daily rows whenever a day of the month is refreshed.
    """

    month = models.DateField(_("month"))  # its first day

    class Meta:
        verbose_name = _("monthly statistic")
        verbose_name_plural = _("monthly statistics")
        indexes = [
            models.Index(fields=["channel", "month"], name="monthlystat_channel_month"),
            models.Index(fields=["month", "department"], name="monthlystat_month_dept"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.department_id}/{self.district_id}/{self.category_id}"


class StatsRefresh(models.Model):
    """When the statistics were last rebuilt (the dashboards' "data as of" time): one row."""

    key = models.CharField(_("key"), max_length=20, unique=True)
    refreshed_at = models.DateTimeField(_("refreshed at"))
    first_day = models.DateField(_("first day refreshed"))
    last_day = models.DateField(_("last day refreshed"))

    class Meta:
        verbose_name = _("statistics refresh")
        verbose_name_plural = _("statistics refreshes")

    def __str__(self) -> str:
        return f"{self.key} {self.refreshed_at}"


class DailyHotspotCount(models.Model):
    """Intake of one local day for one leaf category or one street (the hotspot baselines)."""

    class Dimension(models.TextChoices):
        CATEGORY = "category", _("Category")
        REGION = "region", _("Region")

    day = models.DateField(_("day"))
    dimension = models.CharField(_("dimension"), max_length=10, choices=Dimension.choices)
    key = models.BigIntegerField(_("category or region id"))
    count = models.PositiveIntegerField(_("cases"))

    class Meta:
        verbose_name = _("daily hotspot count")
        verbose_name_plural = _("daily hotspot counts")
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "day", "key"], name="hotspotcount_unique_cell"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.dimension}:{self.key} = {self.count}"


class DeadlineReminder(models.Model):
    """The sweep urged this assignment once for this deadline and threshold (never twice)."""

    class Stage(models.TextChoices):
        SIGN = "sign", _("Sign")
        REPLY = "reply", _("Reply")

    class Threshold(models.TextChoices):
        QUARTER_LEFT = "quarter_left", _("A quarter of the limit left")
        OVERDUE = "overdue", _("Past due")

    assignment = models.ForeignKey(
        "cases.Assignment", models.CASCADE, related_name="reminders", verbose_name=_("assignment")
    )
    stage = models.CharField(_("stage"), max_length=6, choices=Stage.choices)
    threshold = models.CharField(_("threshold"), max_length=14, choices=Threshold.choices)
    # An approved extension moves the deadline: the new deadline gets its own reminders.
    due_at = models.DateTimeField(_("deadline"))
    created_at = models.DateTimeField(_("urged at"), default=timezone.now)

    class Meta:
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["threshold", "created_at"], name="reminder_threshold")]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "stage", "threshold", "due_at"],
                name="reminder_once_per_threshold",
                violation_error_message=_("This deadline was already urged at this threshold."),
            ),
            models.CheckConstraint(
                condition=Q(stage__in=["sign", "reply"])
                & Q(threshold__in=["quarter_left", "overdue"]),
                name="reminder_stage_threshold_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id} {self.stage} {self.threshold}"


class RootCauseTask(models.Model):
    """A hotspot handed to a department to find and remove its root cause (每月一题).

    The supervisor attaches the cases behind the hotspot and a due date; the department answers
    with what it found and did; the supervisor closes it (or sends it back by reopening).
    """

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ANSWERED = "answered", _("answered")
        CLOSED = "closed", _("closed")

    title = models.CharField(_("title"), max_length=200)
    finding = models.TextField(_("finding"), blank=True)
    department = models.ForeignKey(
        "departments.Department", models.PROTECT, related_name="root_cause_tasks",
        verbose_name=_("department"),
    )  # fmt: skip
    cases = models.ManyToManyField("cases.Case", related_name="+", verbose_name=_("cases"))
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)  # fmt: skip
    answer = models.TextField(_("answer"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))  # fmt: skip
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("root-cause task")
        verbose_name_plural = _("root-cause tasks")
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["department", "status"], name="rootcause_dept_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | ~Q(answer=""),
                name="rootcause_answered_has_answer",
                violation_error_message=_("An answered task has an answer."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_date < timezone.localdate()
