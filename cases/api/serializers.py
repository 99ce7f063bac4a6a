"""What the API shows of cases and their handling, and what the actions take as input.

The citizen's identity is shaped by `cases.privacy` (the center sees the name and an ordinary
caller's phone; a protected caller's phone only after a recorded reveal; a department a
masked phone, and nothing at all of a confidential or anonymous reporter).
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases import privacy, services
from cases.choices import (
    Action,
    CallbackChannel,
    Channel,
    ReplyResult,
    RequestType,
    Satisfaction,
    SupervisionLevel,
    Urgency,
)
from cases.models import (
    Assignment,
    Attachment,
    Case,
    CaseEvent,
    Category,
    Consultation,
    ConsultationPosition,
    Extension,
    SupervisionOrder,
)
from cases.selectors import dispatch_targets, leader_instructions, visible_attachments
from core.phones import PhoneSerializerField
from departments.models import Department, Region


def center_view(context) -> bool:
    """True when the serializer's viewer works for the center (computed once per request)."""
    return bool(context.get("center"))


def revealed(context, case) -> bool:
    """The caller's identity was revealed for this case in this request (and recorded)."""
    return context.get("revealed") == case.pk


class CaseBriefSerializer(serializers.ModelSerializer):
    """A case as it appears inside an assignment, extension or supervision order."""

    category = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Case
        fields = ["number", "title", "status", "request_type", "urgency", "category"]
        read_only_fields = fields


# A visible character at least, and no NUL anywhere (refused at the edge).
TEXT_PATTERN = r"^[^\x00]*[^\s\x00][^\x00]*$"


def text(max_length: int, **kwargs) -> serializers.RegexField:
    """Required text. The field strips the whitespace around it, so "  " is blank, and NUL is
    refused; the pattern tells the schema (and clients generated from it) so."""
    return serializers.RegexField(TEXT_PATTERN, max_length=max_length, **kwargs)


def reply_result_field():
    """The result of a reply: "" until the department replies (declared, since a read-only
    model field loses `allow_blank` and the schema would not list the empty value)."""
    return serializers.ChoiceField(choices=ReplyResult.choices, allow_blank=True, read_only=True)


class AssignmentBriefSerializer(serializers.ModelSerializer):
    """An assignment inside a case's detail."""

    department_name = serializers.CharField(source="department.name", read_only=True)
    reply_result = reply_result_field()

    class Meta:
        model = Assignment
        fields = [
            "id",
            "department",
            "department_name",
            "role",
            "status",
            "dispatched_at",
            "sign_due_at",
            "signed_at",
            "reply_due_at",
            "replied_at",
            "reply_result",
        ]
        read_only_fields = fields


class CaseSerializer(serializers.ModelSerializer):
    """A case; the citizen's identity as the viewer may see it."""

    category = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    category_name = serializers.CharField(source="category.name", read_only=True, default="")
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    main_department = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    parent = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Case
        fields = [
            "number",
            "status",
            "channel",
            "request_type",
            "category",
            "category_name",
            "title",
            "content",
            "citizen_name",
            "citizen_phone",
            "anonymous",
            "confidential",
            "address",
            "region",
            "urgency",
            "main_department",
            "parent",
            "answer",
            "reply_due_at",
            "replied_at",
            "closed_at",
            "is_overdue",
            "reopen_count",
            "resolved",
            "satisfaction",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        shown = privacy.identity(
            instance, center=center_view(self.context), revealed=revealed(self.context, instance)
        )
        data["citizen_name"], data["citizen_phone"] = shown.name, shown.phone
        return data


class AttachmentSerializer(serializers.ModelSerializer):
    """A file of a case, with the address that downloads it (through the policy)."""

    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "source", "uploaded_at", "url"]
        read_only_fields = fields

    def get_url(self, attachment: Attachment) -> str:
        """The API address of the file (the copy without EXIF data outside the center)."""
        path = reverse(
            "api:case-attachment-file",
            kwargs={"number": attachment.case.number, "attachment_id": attachment.pk},
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class AttachmentInput(serializers.Serializer):
    file = serializers.FileField(help_text="A photo, a PDF or an office document")


class LeaderInstructionSerializer(serializers.ModelSerializer):
    """A leader's instruction (领导批示) on a supervision order the caller may see."""

    class Meta:
        model = SupervisionOrder
        fields = ["id", "department", "instruction", "status", "due_at"]
        read_only_fields = fields


class CaseDetailSerializer(CaseSerializer):
    """A case with its assignments, the leader's instructions the caller may see (first for a
    department to read), its files and the actions the caller may take on it now."""

    assignments = AssignmentBriefSerializer(many=True, read_only=True)
    leader_instructions = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "leader_instructions", "assignments"]
        fields += ["attachments", "allowed_actions"]
        read_only_fields = fields

    @extend_schema_field(LeaderInstructionSerializer(many=True))
    def get_leader_instructions(self, case: Case) -> list:
        """The open and answered leader's orders of the case the caller may see."""
        request = self.context.get("request")
        if request is None:
            return []
        orders = leader_instructions(request.user, case)
        return LeaderInstructionSerializer(orders, many=True).data

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, case: Case) -> list[dict]:
        """The files the caller may see (a confidential reporter's stay in the center)."""
        request = self.context.get("request")
        if request is None:
            return []
        files = visible_attachments(request.user, case)
        for attachment in files:
            attachment.case = case
        return AttachmentSerializer(files, many=True, context=self.context).data

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(Action.choices)))
    def get_allowed_actions(self, case: Case) -> list[str]:
        """What both transition tables allow now, for this caller (as on the case's page)."""
        request = self.context.get("request")
        return services.allowed_actions(case, request.user) if request else []


class CaseCreateSerializer(serializers.Serializer):
    """What the telephony system or another platform sends to register a case."""

    channel = serializers.ChoiceField(choices=Channel.choices)
    request_type = serializers.ChoiceField(choices=RequestType.choices)
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.filter(is_active=True), required=False, allow_null=True
    )
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    content = text(5000)
    citizen_name = serializers.CharField(
        max_length=50, required=False, allow_blank=True, default=""
    )
    citizen_phone = PhoneSerializerField(required=False, allow_blank=True, default="")
    anonymous = serializers.BooleanField(required=False, default=False)
    confidential = serializers.BooleanField(required=False, default=False)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), required=False, allow_null=True
    )
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False, default="normal")
    dispatch_to = serializers.SlugRelatedField(
        slug_field="code",
        queryset=dispatch_targets(),
        required=False,
        allow_null=True,
        help_text=_(
            "A department's code: register and dispatch in one step, as the intake page does "
            "(nothing is registered when the dispatch is refused)."
        ),
    )


class EventSerializer(serializers.ModelSerializer):
    """One entry of the timeline."""

    actor = serializers.SerializerMethodField()
    data = serializers.SerializerMethodField()

    class Meta:
        model = CaseEvent
        fields = ["id", "type", "created_at", "actor", "assignment", "data"]
        read_only_fields = fields

    def get_actor(self, event) -> str:
        """Who did it ("" for the automatic sweeps)."""
        if event.actor is None:
            return ""
        return event.actor.get_full_name() or event.actor.username

    def get_data(self, event) -> dict:
        """The event's details, without the citizen's identity outside the center."""
        return privacy.event_data_for(event.data, center=center_view(self.context))


class AssignmentSerializer(serializers.ModelSerializer):
    """One dispatch of a case to a department: the department's work item."""

    case = CaseBriefSerializer(read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    reply_result = reply_result_field()
    # the department a return names, by name (issue 14)
    return_suggested_department_name = serializers.CharField(
        source="return_suggested_department.name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Assignment
        fields = [
            "id",
            "case",
            "department",
            "department_name",
            "role",
            "parent",
            "status",
            "dispatched_at",
            "sign_due_at",
            "signed_at",
            "return_due_at",
            "reply_due_at",
            "replied_at",
            "reply_result",
            "reply_content",
            "returned_at",
            "return_reason",
            "return_suggested_department",
            "return_suggested_department_name",
            "return_count",
            "withdrawn_at",
            "extension_count",
        ]
        read_only_fields = fields


class ExtensionSerializer(serializers.ModelSerializer):
    """A request for a later reply deadline and its decision."""

    case = serializers.CharField(source="assignment.case.number", read_only=True)
    department = serializers.IntegerField(source="assignment.department_id", read_only=True)

    class Meta:
        model = Extension
        fields = [
            "id",
            "assignment",
            "case",
            "department",
            "reason",
            "days",
            "status",
            "requested_at",
            "decided_at",
            "decision_note",
            "previous_due_at",
            "new_due_at",
        ]
        read_only_fields = fields


class SupervisionSerializer(serializers.ModelSerializer):
    """A supervision order and its answer."""

    case = serializers.CharField(source="case.number", read_only=True)

    class Meta:
        model = SupervisionOrder
        fields = [
            "id",
            "case",
            "assignment",
            "department",
            "level",
            "reason",
            "status",
            "opened_at",
            "due_at",
            "answer",
            "answered_at",
            "instruction",
            "reviewed_at",
            "review_note",
            "sent_back_count",
        ]
        read_only_fields = fields


class PositionSerializer(serializers.ModelSerializer):
    """An invited department and its recorded position (blank until it records one)."""

    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = ConsultationPosition
        fields = ["department", "department_name", "position", "recorded_at"]
        read_only_fields = fields


class ConsultationSerializer(serializers.ModelSerializer):
    """A joint consultation (会商): the invited departments' positions and the decision."""

    case = serializers.CharField(source="case.number", read_only=True)
    positions = PositionSerializer(many=True, read_only=True)
    co_departments = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Consultation
        fields = [
            "id",
            "case",
            "topic",
            "status",
            "opened_at",
            "positions",
            "decided_at",
            "main_department",
            "co_departments",
            "decision",
        ]
        read_only_fields = fields


# --- action inputs ---------------------------------------------------------------------------

DEPARTMENTS = Department.objects.filter(is_active=True)


class AnswerInput(serializers.Serializer):
    answer = text(5000)
    # The knowledge articles cited, by id (the model is reached through the relation: the
    # knowledge base stands on a floor above cases). An unknown id is a 400, not a 500.
    articles = serializers.ListField(
        child=serializers.PrimaryKeyRelatedField(
            queryset=Case._meta.get_field("answered_with").related_model.objects.all()
        ),
        required=False,
        default=list,
        max_length=20,
    )


class TransferInput(serializers.Serializer):
    to = serializers.PrimaryKeyRelatedField(queryset=DEPARTMENTS)
    reason = text(2000)


class DispatchInput(serializers.Serializer):
    department = serializers.PrimaryKeyRelatedField(queryset=DEPARTMENTS)
    co_departments = serializers.PrimaryKeyRelatedField(
        queryset=DEPARTMENTS, many=True, required=False, default=list
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class MergeInput(serializers.Serializer):
    parent = serializers.RegexField(r"^[0-9]{13}$", help_text=_("The number of the parent case."))


class ReasonInput(serializers.Serializer):
    reason = text(2000)


class NoteInput(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class RequiredNoteInput(serializers.Serializer):
    note = text(2000)


class CallbackInput(serializers.Serializer):
    reached = serializers.BooleanField()
    resolved = serializers.BooleanField(required=False, allow_null=True, default=None)
    satisfaction = serializers.ChoiceField(
        choices=Satisfaction.choices, required=False, allow_blank=True, default=""
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    then = serializers.ChoiceField(
        choices=[
            ("close", _("Close the case")),
            ("reopen", _("Reopen the case")),
            ("decision", _("Send to the supervisors' decision")),
        ],
        required=False,
        allow_blank=True,
        default="",
        help_text=_("What follows in the same step, as on the callback form (nothing when empty)."),
    )
    channel = serializers.ChoiceField(
        choices=CallbackChannel.choices, required=False, default=CallbackChannel.PHONE
    )

    def validate(self, attrs):
        if not attrs["reached"] and (attrs["resolved"] is not None or attrs["satisfaction"]):
            raise serializers.ValidationError(
                {"reached": [_("A callback that did not reach the citizen has no rating.")]}
            )
        return attrs


class SuperviseInput(serializers.Serializer):
    level = serializers.ChoiceField(choices=SupervisionLevel.choices, default="normal")
    reason = text(2000)
    due_at = serializers.DateTimeField()
    instruction = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The leader's instruction (领导批示): required for a leader's order."),
    )


class ReturnInput(serializers.Serializer):
    reason = text(2000)
    suggested_department = serializers.PrimaryKeyRelatedField(
        queryset=DEPARTMENTS, required=False, allow_null=True, default=None
    )


class ExtendInput(serializers.Serializer):
    reason = text(2000)
    # the longest extension is the deadline policy's: the service refuses more (400, "days")
    days = serializers.IntegerField(min_value=1, max_value=366)


class ReplyInput(serializers.Serializer):
    result = serializers.ChoiceField(choices=ReplyResult.choices)
    content = text(5000)


class ReviewReturnInput(serializers.Serializer):
    accept = serializers.BooleanField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class DecideInput(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class RedispatchInput(serializers.Serializer):
    department = serializers.PrimaryKeyRelatedField(queryset=DEPARTMENTS)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class DecideDisputeInput(serializers.Serializer):
    department = serializers.PrimaryKeyRelatedField(queryset=DEPARTMENTS)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class SupervisionAnswerInput(serializers.Serializer):
    answer = text(5000)


class TakeBackInput(serializers.Serializer):
    """Take the case back (收回); with `department`, reassign it in the same step (改派)."""

    reason = text(2000)
    department = serializers.PrimaryKeyRelatedField(
        queryset=DEPARTMENTS, required=False, allow_null=True, default=None
    )
    co_departments = serializers.PrimaryKeyRelatedField(
        queryset=DEPARTMENTS, many=True, required=False, default=list
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if attrs["co_departments"] and attrs["department"] is None:
            raise serializers.ValidationError(
                {"department": [_("Name the main department for the co-handlers.")]}
            )
        return attrs


class SupervisionReviewInput(serializers.Serializer):
    accept = serializers.BooleanField()
    note = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Why the answer is sent back (required then)."),
    )


class ConsultationOpenInput(serializers.Serializer):
    topic = text(2000)
    departments = serializers.PrimaryKeyRelatedField(
        queryset=DEPARTMENTS, many=True, allow_empty=False
    )


class PositionInput(serializers.Serializer):
    position = text(5000)


class ConsultationDecideInput(serializers.Serializer):
    department = serializers.PrimaryKeyRelatedField(queryset=DEPARTMENTS)
    co_departments = serializers.PrimaryKeyRelatedField(
        queryset=DEPARTMENTS, many=True, required=False, default=list
    )
    decision = text(5000)


class CategorySerializer(serializers.ModelSerializer):
    """A node of the category tree."""

    class Meta:
        model = Category
        fields = ["id", "code", "name", "level", "parent", "path", "public", "is_active"]
        read_only_fields = fields
