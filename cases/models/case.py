"""The case (工单), its append-only timeline and its attachments."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import (
    OPEN_STATUSES,
    AttachmentSource,
    Channel,
    RequestType,
    Status,
    Urgency,
    values,
)


def overdue_q(now=None) -> Q:
    """Overdue: open (`OPEN_STATUSES`) and past the reply deadline; `Case.is_overdue` agrees."""
    return Q(status__in=OPEN_STATUSES, reply_due_at__lt=now or timezone.now())


class CaseQuerySet(models.QuerySet):
    """The vocabulary of case lists: open, overdue (the predicates on `Case` say the same)."""

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now=None):
        return self.filter(overdue_q(now))


class Case(models.Model):
    """One citizen demand, from intake to closure."""

    number = models.CharField(_("number"), max_length=13, unique=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    request_type = models.CharField(_("request type"), max_length=14, choices=RequestType.choices)
    category = models.ForeignKey(
        "cases.Category",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("category"),
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    content = models.TextField(_("content"))
    citizen_name = models.CharField(_("citizen name"), max_length=50, blank=True)
    citizen_phone = models.CharField(_("citizen phone"), max_length=20, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    # A confidential reporter's identity never leaves the center (GB/T 33358).
    confidential = models.BooleanField(_("confidential"), default=False)
    address = models.CharField(_("address"), max_length=255, blank=True)
    # WGS84, as Open311 and the maps of the world speak (GCJ-02 input is converted on the way in).
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    region = models.ForeignKey(
        "departments.Region",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("region"),
    )
    urgency = models.CharField(
        _("urgency"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.REGISTERED
    )
    main_department = models.ForeignKey(
        "departments.Department",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("main department"),
    )
    transferred_to = models.ForeignKey(
        "departments.Department",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("transferred to"),
    )
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_cases",
        verbose_name=_("merged into"),
    )
    answer = models.TextField(_("direct answer"), blank=True)
    answered_with = models.ManyToManyField(
        "knowledgebase.Article",
        blank=True,
        related_name="answered_cases",
        verbose_name=_("answered with articles"),
    )
    reply_due_at = models.DateTimeField(_("reply due"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("reopens"), default=0)
    # The latest callback's outcome, kept on the case for lists and assessment.
    resolved = models.BooleanField(_("resolved"), null=True, blank=True)
    satisfaction = models.CharField(_("satisfaction"), max_length=20, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "reply_due_at"], name="case_status_due"),
            models.Index(fields=["main_department", "status"], name="case_dept_status"),
            models.Index(
                fields=["region", "category", "created_at"], name="case_region_cat_created"
            ),
            models.Index(fields=["citizen_phone", "created_at"], name="case_phone_created"),
            models.Index(fields=["created_at"], name="case_created"),
            models.Index(fields=["status", "created_at"], name="case_status_created"),
            # the open backlog newest first (the overdue list, a queue's open cases): it grows
            # with the backlog, not the history; the list walked the whole created_at index
            # for 67 overdue cases of 200,000 (78 ms)
            models.Index(
                fields=["created_at", "id"],
                name="case_open_created",
                condition=Q(status__in=OPEN_STATUSES),
            ),
            # ... and by deadline: the most overdue first (the supervisor's home), a walk that
            # stops at the first cases due, not a sort of the whole backlog
            models.Index(
                fields=["reply_due_at", "id"],
                name="case_open_due",
                condition=Q(status__in=OPEN_STATUSES),
            ),
            # the callback queue: replied cases, oldest reply first
            models.Index(fields=["status", "replied_at"], name="case_status_replied"),
            # ... walked in order: its rows are replied cases and their merged duplicates, and
            # an OR of the two statuses kept PostgreSQL from the index above (it sorted all
            # 37,000 waiting rows of a 1M-case database for each page: 142 ms)
            models.Index(
                fields=["replied_at", "id"],
                name="case_callback_queue",
                condition=Q(status__in=[Status.REPLIED, Status.MERGED]),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__regex=r"^[0-9]{13}$"),
                name="case_number_13_digits",
                violation_error_message=_("A case number is 13 digits: the date and a sequence."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=values(Status)), name="case_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=values(Channel)), name="case_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(request_type__in=values(RequestType)), name="case_request_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(urgency__in=values(Urgency)), name="case_urgency_valid"
            ),
            models.CheckConstraint(
                condition=Q(reply_due_at__isnull=True) | Q(reply_due_at__gt=F("created_at")),
                name="case_due_after_created",
                violation_error_message=_("A case is due after it was registered."),
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=F("created_at")),
                name="case_closed_after_created",
            ),
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(parent__isnull=False),
                name="case_merged_has_parent",
                violation_error_message=_("A merged case names the case it was merged into."),
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=F("id")),
                name="case_not_own_parent",
            ),
            models.CheckConstraint(
                condition=~Q(content=""),
                name="case_content_not_empty",
                violation_error_message=_("A case says what the citizen asked for."),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        """The center or a department still owes the citizen a reply (`OPEN_STATUSES`)."""
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        """Past the reply deadline while still open (the same rule as `overdue_q`)."""
        return bool(self.is_open and self.reply_due_at and self.reply_due_at < timezone.now())


class CaseEvent(models.Model):
    """One entry of a case's append-only timeline."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="events", verbose_name=_("case"))
    assignment = models.ForeignKey(
        "cases.Assignment",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("assignment"),
    )
    type = models.CharField(_("type"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["case", "created_at"], name="event_case_created"),
            models.Index(fields=["type", "created_at"], name="event_type_created"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.type} {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Case events are append-only; write a new event instead.")
        super().save(*args, **kwargs)


def attachment_path(instance, filename: str) -> str:
    """A random stored name (the citizen's file name is kept in `name`, never in a path)."""
    return _stored_name("attachments", filename)


def shared_path(instance, filename: str) -> str:
    return _stored_name("attachments/shared", filename)


def thumbnail_path(instance, filename: str) -> str:
    return _stored_name("attachments/thumbs", filename)


def _stored_name(folder: str, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension[:8]}"


class Attachment(models.Model):
    """A file the citizen, an agent or a department added to a case.

    `file` is what was sent; for an image, `shared_file` is the copy without its EXIF data (the
    place it was taken) that departments download, and `thumbnail` a small preview of it.
    """

    case = models.ForeignKey(
        Case, models.CASCADE, related_name="attachments", verbose_name=_("case")
    )
    assignment = models.ForeignKey(
        "cases.Assignment", models.SET_NULL, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    shared_file = models.FileField(_("shared copy"), upload_to=shared_path, blank=True)
    thumbnail = models.FileField(_("thumbnail"), upload_to=thumbnail_path, blank=True)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    source = models.CharField(
        _("added by"),
        max_length=12,
        choices=AttachmentSource.choices,
        default=AttachmentSource.CENTER,
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=values(AttachmentSource)), name="attachment_source_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class DailySequence(models.Model):
    """The last case number handed out on a day (numbers are the date and a sequence)."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("daily case sequence")
        verbose_name_plural = _("daily case sequences")

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"
