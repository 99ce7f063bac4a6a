"""Regions (the gazetteer), departments, who works where, routing rules and integrations."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.roles import Role
from core.tree import TreeNode


class Region(TreeNode):
    """An administrative division: city → district → street/town → community."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Province")
        CITY = 2, _("City")
        DISTRICT = 3, _("District / county")
        STREET = 4, _("Street / town")
        COMMUNITY = 5, _("Community / village")

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=64)
    # The administrative level, not the depth: a district moved to another city stays one.
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    # Codes from the root joined by "/", ending in "/": a subtree is one prefix match.
    path = models.CharField(_("path"), max_length=80, db_index=True, editable=False)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "name"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{6}([0-9]{3}([0-9]{3})?)?$"),
                name="region_code_6_9_or_12_digits",
                violation_error_message=_("A region code has 6, 9 or 12 digits."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DepartmentKind(models.TextChoices):
    CENTER = "center", _("Hotline center")
    DISTRICT_CENTER = "district_center", _("District center")
    FUNCTIONAL = "functional", _("Functional department")
    STREET_OFFICE = "street_office", _("Street office")
    SUB_CENTER = "sub_center", _("Sub-center")
    TRANSFER = "transfer", _("Emergency or other hotline")


class Department(TreeNode):
    """An organisation that takes part in handling cases, arranged as a tree."""

    Kind = DepartmentKind

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # The territory a district center or street office governs (territorial management).
    region = models.ForeignKey(
        Region,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="departments",
        verbose_name=_("governed region"),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in DepartmentKind]),
                name="department_kind_valid",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["district_center", "street_office"])
                | Q(region__isnull=False),
                name="territorial_department_has_region",
                violation_error_message=_("District centers and street offices govern a region."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user works in a department in one role (a user may hold several)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    department = models.ForeignKey(
        Department, models.CASCADE, related_name="memberships", verbose_name=_("department")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "department", "role"], name="membership_unique_role"
            ),
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in Role]), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.department} · {self.get_role_display()}"


class ResponsibilityRule(models.Model):
    """A line of a department's responsibility list: which cases go where."""

    class Territorial(models.TextChoices):
        NONE = "", _("Fixed department")
        STREET = "street", _("Street office of the case's region")
        DISTRICT = "district", _("District center of the case's region")

    name = models.CharField(_("name"), max_length=120)
    category = models.ForeignKey(
        "cases.Category",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category subtree"),
    )
    region = models.ForeignKey(
        Region,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region subtree"),
    )
    request_types = models.JSONField(_("request types"), default=list, blank=True)
    include_words = models.JSONField(_("words required"), default=list, blank=True)
    exclude_words = models.JSONField(_("words excluded"), default=list, blank=True)
    department = models.ForeignKey(
        Department,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="rules",
        verbose_name=_("department"),
    )
    territorial = models.CharField(
        _("territorial target"), max_length=10, choices=Territorial.choices, blank=True
    )
    priority = models.IntegerField(_("priority"), default=100)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    source_document = models.CharField(_("source document"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # A draft is not used for routing until published; it may stand for a change to `replaces`.
    is_draft = models.BooleanField(_("draft"), default=False)
    replaces = models.ForeignKey(
        "self",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="drafts",
        verbose_name=_("draft of"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("responsibility rule")
        verbose_name_plural = _("responsibility rules")
        ordering = ["priority", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(department__isnull=False) | ~Q(territorial=""),
                name="rule_has_target",
                violation_error_message=_("A rule names a department or a territorial level."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="rule_period_ordered",
                violation_error_message=_("A rule's period ends after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RuleRevision(models.Model):
    """One saved version of a responsibility rule: who changed it, when and why."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        CHANGED = "changed", _("Changed")
        DRAFTED = "drafted", _("Draft saved")
        PUBLISHED = "published", _("Published")
        DEACTIVATED = "deactivated", _("Deactivated")

    rule = models.ForeignKey(ResponsibilityRule, models.CASCADE, related_name="revisions")
    action = models.CharField(
        _("action"), max_length=12, choices=Action.choices, default=Action.CHANGED
    )
    snapshot = models.JSONField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("rule revision")
        verbose_name_plural = _("rule revisions")
        ordering = ["-changed_at"]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.changed_at:%Y-%m-%d %H:%M}"


def token_expiry():
    """When a token issued (or rotated) now stops working: HOTLINE_API_TOKEN_DAYS from now."""
    return timezone.now() + timedelta(days=settings.HOTLINE_API_TOKEN_DAYS)


class ApiToken(models.Model):
    """A department's machine credential; only the SHA-256 of the key is stored."""

    class Scope(models.TextChoices):
        API = "api", _("REST API")
        OPEN311 = "open311", _("Open311 client")

    department = models.ForeignKey(
        Department, models.CASCADE, related_name="api_tokens", verbose_name=_("department")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("acts as"),
    )
    name = models.CharField(_("name"), max_length=80)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.API)
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), default=token_expiry)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["department", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        """Past its expiry: refused until it is rotated."""
        return self.expires_at <= timezone.now()


class WebhookEndpoint(models.Model):
    """Where a department's system wants to hear about its cases, and the signing secret."""

    department = models.ForeignKey(
        Department, models.CASCADE, related_name="webhooks", verbose_name=_("department")
    )
    url = models.URLField(_("URL"), max_length=300)
    secret = models.CharField(_("secret"), max_length=64, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """The outbox: one event for one endpoint, written with the change, delivered later."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint, models.CASCADE, related_name="deliveries", verbose_name=_("endpoint")
    )
    event_type = models.CharField(_("event"), max_length=40)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint_id} ({self.status})"


class IdempotencyRecord(models.Model):
    """The first answer to an API POST sent with an Idempotency-Key, replayed on retries."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    key = models.CharField(_("key"), max_length=100)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_per_user"),
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.key}"
