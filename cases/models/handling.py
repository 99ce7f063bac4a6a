"""What departments and the center do with a dispatched case."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import (
    ACTIVE_ASSIGNMENT_STATUSES,
    ASSIGNMENT_INITIAL_STATUS,
    OWING_ASSIGNMENT_STATUSES,
    UNSIGNED_ASSIGNMENT_STATUSES,
    AssignmentRole,
    AssignmentStatus,
    CallbackChannel,
    Decision,
    DisputeStatus,
    ReplyResult,
    Satisfaction,
    SupervisionLevel,
    SupervisionStatus,
    values,
)


def sign_overdue_q(now=None) -> Q:
    """Still to be signed for, past the sign deadline (`Assignment.is_overdue_to_sign` agrees)."""
    return Q(status__in=UNSIGNED_ASSIGNMENT_STATUSES, sign_due_at__lt=now or timezone.now())


def reply_overdue_q(now=None) -> Q:
    """The department still owes the reply, past the reply deadline."""
    return Q(status__in=OWING_ASSIGNMENT_STATUSES, reply_due_at__lt=now or timezone.now())


class AssignmentQuerySet(models.QuerySet):
    """The vocabulary of assignment lists, from the assignment transition table."""

    def active(self):
        """Assignments the table still moves (`ACTIVE_ASSIGNMENT_STATUSES`)."""
        return self.filter(status__in=ACTIVE_ASSIGNMENT_STATUSES)


class Assignment(models.Model):
    """One dispatch of a case to one department, with its own deadlines."""

    case = models.ForeignKey(
        "cases.Case", models.CASCADE, related_name="assignments", verbose_name=_("case")
    )
    department = models.ForeignKey(
        "departments.Department",
        models.PROTECT,
        related_name="assignments",
        verbose_name=_("department"),
    )
    # The case's own sort key, copied when the assignment is made (a case's created_at never
    # changes): a department's case list walks (department, case_created_at, case) and reads a
    # page's worth of index entries, not the department's whole history (cases.policy).
    case_created_at = models.DateTimeField(_("case created at"), editable=False)
    role = models.CharField(
        _("role"), max_length=4, choices=AssignmentRole.choices, default=AssignmentRole.MAIN
    )
    # Two-level dispatch: a district center's assignment is the parent of its street office's.
    parent = models.ForeignKey(
        "self",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("dispatched through"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AssignmentStatus.choices,
        default=ASSIGNMENT_INITIAL_STATUS,
    )
    dispatched_at = models.DateTimeField(_("dispatched at"), default=timezone.now)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    sign_due_at = models.DateTimeField(_("sign due"))
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_due_at = models.DateTimeField(_("return allowed until"), null=True, blank=True)
    reply_due_at = models.DateTimeField(_("reply due"))
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    reply_result = models.CharField(
        _("result"), max_length=10, choices=ReplyResult.choices, blank=True
    )
    reply_content = models.TextField(_("reply to the citizen"), blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_reason = models.TextField(_("return reason"), blank=True)
    return_suggested_department = models.ForeignKey(
        "departments.Department",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("suggested department"),
    )
    return_count = models.PositiveSmallIntegerField(_("returns"), default=0)
    # Taken back by a supervisor (收回): counted apart from returns in assessment.
    withdrawn_at = models.DateTimeField(_("taken back at"), null=True, blank=True)
    extension_count = models.PositiveSmallIntegerField(_("extensions"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["dispatched_at", "id"]
        indexes = [
            # a department's open work by deadline (its home: due soon, overdue), not its history
            models.Index(
                fields=["department", "status", "reply_due_at"], name="asg_dept_status_due"
            ),
            models.Index(fields=["status", "sign_due_at"], name="asg_status_sign_due"),
            models.Index(fields=["status", "reply_due_at"], name="asg_status_reply_due"),
            models.Index(fields=["dispatched_at"], name="asg_dispatched"),
            models.Index(
                fields=["department", "case_created_at", "case"], name="asg_dept_case_created"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=values(AssignmentStatus)), name="assignment_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(role__in=values(AssignmentRole)), name="assignment_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(reply_result="") | Q(reply_result__in=values(ReplyResult)),
                name="assignment_result_valid",
            ),
            models.CheckConstraint(
                condition=Q(sign_due_at__gt=F("dispatched_at"))
                & Q(reply_due_at__gt=F("dispatched_at")),
                name="assignment_due_after_dispatch",
                violation_error_message=_("Deadlines fall after the dispatch."),
            ),
            models.CheckConstraint(
                condition=~Q(status="replied")
                | (Q(replied_at__isnull=False) & ~Q(reply_result="")),
                name="assignment_replied_has_result",
                violation_error_message=_("A replied assignment has a result and a time."),
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(role="main", parent__isnull=True)
                & Q(status__in=[s.value for s in ACTIVE_ASSIGNMENT_STATUSES]),
                name="one_open_main_assignment_per_case",
                violation_error_message=_("A case has one main department at a time."),
            ),
        ]

    def __str__(self) -> str:
        # Shown in the assignment pickers of the case page: the department and its role.
        return f"{self.department} ({self.get_role_display()})"

    @property
    def is_active(self) -> bool:
        """The table still moves it (the same set as `AssignmentQuerySet.active`)."""
        return self.status in ACTIVE_ASSIGNMENT_STATUSES

    @property
    def is_overdue_to_sign(self) -> bool:
        """Still to be signed for and past the sign deadline (the same rule as `sign_overdue_q`)."""
        return self.status in UNSIGNED_ASSIGNMENT_STATUSES and self.sign_due_at < timezone.now()

    @property
    def is_sign_overdue(self) -> bool:
        reference = self.signed_at or timezone.now()
        return reference > self.sign_due_at

    @property
    def is_reply_overdue(self) -> bool:
        reference = self.replied_at or timezone.now()
        return reference > self.reply_due_at


class Extension(models.Model):
    """A department's request for a later reply deadline, and the supervisor's decision."""

    assignment = models.ForeignKey(
        Assignment, models.CASCADE, related_name="extensions", verbose_name=_("assignment")
    )
    reason = models.TextField(_("reason"))
    days = models.PositiveSmallIntegerField(_("working days"))
    status = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    previous_due_at = models.DateTimeField(_("previous deadline"))
    new_due_at = models.DateTimeField(_("new deadline"), null=True, blank=True)

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["status", "requested_at"], name="ext_status_requested")]
        constraints = [
            models.CheckConstraint(condition=Q(days__gte=1), name="extension_days_positive"),
            models.CheckConstraint(
                condition=Q(status__in=values(Decision)), name="extension_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id} +{self.days} ({self.status})"


class Callback(models.Model):
    """One attempt to call the citizen back, and what they said."""

    case = models.ForeignKey(
        "cases.Case", models.CASCADE, related_name="callbacks", verbose_name=_("case")
    )
    # None: an automatic channel (the SMS survey) recorded it, not an agent
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(
        _("channel"),
        max_length=8,
        choices=CallbackChannel.choices,
        default=CallbackChannel.PHONE,
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    reached = models.BooleanField(_("citizen reached"))
    resolved = models.BooleanField(_("resolved"), null=True, blank=True)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=20, choices=Satisfaction.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        ordering = ["created_at"]
        indexes = [models.Index(fields=["case", "created_at"], name="callback_case_created")]
        constraints = [
            models.CheckConstraint(
                condition=Q(reached=True) | (Q(resolved__isnull=True) & Q(satisfaction="")),
                name="callback_unreached_has_no_rating",
                violation_error_message=_(
                    "A callback that did not reach the citizen has no rating."
                ),
            ),
            models.CheckConstraint(
                condition=Q(satisfaction="") | Q(satisfaction__in=values(Satisfaction)),
                name="callback_satisfaction_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.created_at:%Y-%m-%d %H:%M}"


class SupervisionOrder(models.Model):
    """A formal supervision order (督办) the department must answer by its own due date."""

    case = models.ForeignKey(
        "cases.Case", models.CASCADE, related_name="supervisions", verbose_name=_("case")
    )
    assignment = models.ForeignKey(
        Assignment, models.SET_NULL, null=True, blank=True, related_name="supervisions"
    )
    department = models.ForeignKey(
        "departments.Department",
        models.PROTECT,
        related_name="supervisions",
        verbose_name=_("department"),
    )
    level = models.CharField(
        _("level"),
        max_length=10,
        choices=SupervisionLevel.choices,
        default=SupervisionLevel.NORMAL,
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SupervisionStatus.choices,
        default=SupervisionStatus.OPEN,
    )
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    due_at = models.DateTimeField(_("due"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # 领导批示: what the leader instructed, shown to the department above everything else
    instruction = models.TextField(_("leader's instruction"), blank=True)
    # the center's review of the answer: accepted (the order closes) or sent back (open again)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    sent_back_count = models.PositiveSmallIntegerField(_("answers sent back"), default=0)

    class Meta:
        verbose_name = _("supervision order")
        verbose_name_plural = _("supervision orders")
        ordering = ["due_at"]
        indexes = [models.Index(fields=["status", "due_at"], name="supervision_status_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_at__gt=F("opened_at")),
                name="supervision_due_after_opened",
                violation_error_message=_("A supervision order is due after it is opened."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=values(SupervisionStatus)), name="supervision_status_valid"
            ),
            models.UniqueConstraint(
                fields=["case", "level"],
                condition=Q(status=SupervisionStatus.OPEN),
                name="one_open_supervision_per_level",
                violation_error_message=_(
                    "This case already has an open supervision order of this level."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.level} due {self.due_at:%Y-%m-%d}"


class Dispute(models.Model):
    """A jurisdiction dispute: departments keep returning a case; a supervisor decides."""

    case = models.ForeignKey(
        "cases.Case", models.CASCADE, related_name="disputes", verbose_name=_("case")
    )
    departments = models.ManyToManyField(
        "departments.Department", related_name="disputes", verbose_name=_("departments involved")
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    decided_department = models.ForeignKey(
        "departments.Department",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided department"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("jurisdiction dispute")
        verbose_name_plural = _("jurisdiction disputes")
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="open"), name="one_open_dispute_per_case"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} ({self.status})"
