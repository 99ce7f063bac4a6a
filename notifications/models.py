"""Messages about cases (SMS, e-mail, in-app), their templates, opt-outs and SMS surveys."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    IN_APP = "in_app", _("In-app notice")


class Audience(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    DEPARTMENT = "department", _("Department")


class TemplateKey(models.TextChoices):
    """One template per event the hotline tells someone about."""

    REGISTERED = "registered", _("Case registered (to the citizen)")
    DISPATCHED = "dispatched", _("Case dispatched (to the department: sign for it)")
    URGED = "urged", _("Urged (to the department)")
    SUPERVISED = "supervised", _("Supervision order (to the department)")
    REPLIED = "replied", _("Replied (the result, to the citizen)")
    SURVEY = "survey", _("Satisfaction survey (to the citizen)")
    REOPENED = "reopened", _("Reopened (to the department)")


class MessageTemplate(models.Model):
    """The text of one event's message, edited by the center's supervisors."""

    key = models.CharField(_("event"), max_length=20, choices=TemplateKey.choices, unique=True)
    subject = models.CharField(_("e-mail subject"), max_length=120, blank=True)
    text = models.TextField(_("text"))
    sms_template_id = models.CharField(
        _("SMS platform template id"),
        max_length=64,
        blank=True,
        help_text=_("The id the SMS platform gave this template when it approved it."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.get_key_display()


class Notification(models.Model):
    """One message to one recipient: the outbox row, its delivery state and (in-app) its reading."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent")

    case = models.ForeignKey(
        "cases.Case", models.CASCADE, related_name="notifications", verbose_name=_("case")
    )
    event = models.ForeignKey(
        "cases.CaseEvent", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    template = models.CharField(_("event"), max_length=20, choices=TemplateKey.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    audience = models.CharField(_("audience"), max_length=12, choices=Audience.choices)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name=_("recipient"),
    )
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    params = models.JSONField(_("template parameters"), default=dict, blank=True)
    sms_template_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    provider_id = models.CharField(_("provider message id"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notif_due"),
            models.Index(fields=["user", "read_at"], name="notif_user_unread"),
            models.Index(fields=["phone", "channel", "sent_at"], name="notif_phone_sent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(channel="sms") | ~Q(phone=""),
                name="notif_sms_has_phone",
            ),
            models.CheckConstraint(
                condition=~Q(channel="email") | ~Q(email=""),
                name="notif_email_has_address",
            ),
            models.CheckConstraint(
                condition=~Q(channel="in_app") | Q(user__isnull=False),
                name="notif_in_app_has_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_template_display()} → {self.get_channel_display()}"


class OptOut(models.Model):
    """A citizen's phone that asked for no more messages (by replying TD, or told an agent)."""

    phone = models.CharField(_("phone"), max_length=20, unique=True)
    source = models.CharField(_("source"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("SMS opt-out")
        verbose_name_plural = _("SMS opt-outs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.phone


class SmsSurvey(models.Model):
    """The satisfaction question sent by SMS after the reply (一事一评), and how it ended."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the answer")
        ANSWERED = "answered", _("Answered")
        UNCLEAR = "unclear", _("Unclear answer: call back by phone")
        EXPIRED = "expired", _("No answer: call back by phone")
        LATE = "late", _("Answered after the case moved on")

    case = models.ForeignKey(
        "cases.Case", models.CASCADE, related_name="sms_surveys", verbose_name=_("case")
    )
    notification = models.OneToOneField(Notification, models.CASCADE, related_name="survey")
    phone = models.CharField(_("phone"), max_length=20)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="open")
    sent_at = models.DateTimeField(_("sent at"))
    due_at = models.DateTimeField(_("answer due"))
    reply = models.CharField(_("reply"), max_length=500, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    callback = models.ForeignKey(
        "cases.Callback", models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("SMS survey")
        verbose_name_plural = _("SMS surveys")
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["phone", "status"], name="survey_phone_status")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.status}"


class InboundSms(models.Model):
    """A message a citizen sent back through the SMS platform (kept whatever it says)."""

    message_id = models.CharField(_("platform message id"), max_length=100, unique=True)
    phone = models.CharField(_("phone"), max_length=20)
    content = models.CharField(_("content"), max_length=500)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    outcome = models.CharField(_("outcome"), max_length=20)
    survey = models.ForeignKey(
        SmsSurvey, models.SET_NULL, null=True, blank=True, related_name="inbound"
    )

    class Meta:
        verbose_name = _("inbound SMS")
        verbose_name_plural = _("inbound SMS")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return self.message_id
