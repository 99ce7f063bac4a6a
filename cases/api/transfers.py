"""Two-way transfers on the API: the partner lines' side (and the center's reading of it).

A partner line (110/119/120/122, 12333 …) calls with its own token: it lists the transfers
addressed to it, acknowledges and answers them, and sends the hotline matters of its own
(`POST /api/v1/transfers/inbound/`), whose answer it reads back on the transfer. Another line's
transfer is a 404, as a missing one is.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action

from cases import privacy, services
from cases.api.handling import ScopedReadOnlyViewSet, an_action, read_only
from cases.api.serializers import text
from cases.api.views import validated
from cases.choices import RequestType, Status, TransferDirection, TransferStatus, Urgency
from cases.filtersets import TransferFilterSet
from cases.models import Transfer
from cases.selectors import get_transfer_for, visible_transfers
from core import policy
from core.phones import PhoneSerializerField
from departments.models import Region

# An inbound transfer is answered once its case is: the direct answer or the department's reply.
ANSWERED_BACK = (Status.ANSWERED, Status.REPLIED, Status.CLOSED)


class TransferCaseSerializer(serializers.Serializer):
    """What a partner line reads of the case: the matter, and the caller as `cases.privacy`
    lets this viewer see them (a masked phone outside the center; nothing of a protected one)."""

    # what may be empty says so (allow_blank): the schema is what a partner's client checks
    number = serializers.CharField()
    title = serializers.CharField(allow_blank=True)
    content = serializers.CharField()
    request_type = serializers.ChoiceField(choices=RequestType.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    address = serializers.CharField(allow_blank=True)
    citizen_name = serializers.CharField(allow_blank=True)
    citizen_phone = serializers.CharField(allow_blank=True)

    def to_representation(self, case):
        shown = privacy.identity(case, center=bool(self.context.get("center")))
        return {
            "number": case.number,
            "title": case.title,
            "content": case.content,
            "request_type": case.request_type,
            "urgency": case.urgency,
            "address": case.address,
            "citizen_name": shown.name,
            "citizen_phone": shown.phone,
        }


class TransferSerializer(serializers.ModelSerializer):
    """A transfer, outbound or inbound; an inbound one carries the hotline's answer once given."""

    case = TransferCaseSerializer(read_only=True)
    partner = serializers.SlugRelatedField(slug_field="code", read_only=True)
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    status = serializers.SerializerMethodField()
    answer = serializers.SerializerMethodField()
    answered_at = serializers.SerializerMethodField()
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Transfer
        fields = [
            "id",
            "direction",
            "status",
            "partner",
            "partner_name",
            "reference",
            "reason",
            "sent_at",
            "due_at",
            "is_overdue",
            "received_at",
            "answered_at",
            "answer",
            "case",
        ]
        read_only_fields = fields

    @staticmethod
    def _back(transfer: Transfer) -> tuple[str, object]:
        """The hotline's answer to an inbound transfer: ("", None) until there is one."""
        case = transfer.case
        if transfer.direction != TransferDirection.INBOUND or case.status not in ANSWERED_BACK:
            return "", None
        if case.answer:
            return case.answer, getattr(transfer, "direct_answer_at", None)
        return getattr(transfer, "reply_text", "") or "", getattr(transfer, "reply_at", None)

    @extend_schema_field(serializers.ChoiceField(choices=TransferStatus.choices))
    def get_status(self, transfer: Transfer) -> str:
        if transfer.direction == TransferDirection.INBOUND and self._back(transfer)[0]:
            return TransferStatus.HANDLED
        return transfer.status

    @extend_schema_field(serializers.CharField(allow_blank=True))  # "" until answered
    def get_answer(self, transfer: Transfer) -> str:
        if transfer.direction == TransferDirection.INBOUND:
            return self._back(transfer)[0]
        return transfer.answer

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_answered_at(self, transfer: Transfer):
        at = (
            self._back(transfer)[1]
            if transfer.direction == TransferDirection.INBOUND
            else transfer.answered_at
        )
        return serializers.DateTimeField().to_representation(at) if at else None


class AcknowledgeInput(serializers.Serializer):
    reference = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class TransferAnswerInput(serializers.Serializer):
    answer = text(5000)


class InboundTransferInput(serializers.Serializer):
    """A matter a partner line hands the hotline (a non-police matter from 110 …)."""

    reference = serializers.RegexField(r"^[^\x00]*\S[^\x00]*$", max_length=64)
    request_type = serializers.ChoiceField(choices=RequestType.choices)
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


@read_only("transfer", TransferSerializer)
class TransferViewSet(ScopedReadOnlyViewSet):
    """Transfers: a partner line sees its own; the center sees them all."""

    serializer_class = TransferSerializer
    filterset_class = TransferFilterSet
    ordering_fields = ["sent_at", "due_at", "id"]
    ordering = ["-sent_at", "-id"]
    noun = "transfer"
    model = Transfer

    def scoped_queryset(self):
        return visible_transfers(self.request.user)

    @an_action(AcknowledgeInput, "Acknowledge a transfer (the partner line)", TransferSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """The partner line received the transfer (with its own reference, if it has one)."""
        data = validated(AcknowledgeInput, request)
        transfer = get_transfer_for(request.user, pk)
        services.acknowledge_transfer(transfer, actor=request.user, **data)
        return self._answer(pk)

    @an_action(TransferAnswerInput, "Answer a transfer (the partner line)", TransferSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """The partner line says what it did; the case goes on to the callback."""
        data = validated(TransferAnswerInput, request)
        transfer = get_transfer_for(request.user, pk)
        services.answer_transfer(transfer, actor=request.user, **data)
        return self._answer(pk)

    @an_action(
        InboundTransferInput, "Hand the hotline a matter (a partner line)", TransferSerializer, 201
    )
    @action(detail=False, methods=["post"])
    def inbound(self, request):
        """A partner line sends a case with its reference; read the answer on the transfer."""
        policy.ensure(  # before the body: who may never send is told so first (403, not 400)
            request.user,
            "cases.send_transfer",
            message=_("only a partner line's system can send the hotline a transfer"),
        )
        data = validated(InboundTransferInput, request)
        reference = data.pop("reference")
        transfer = services.receive_transfer(actor=request.user, reference=reference, fields=data)
        return self._answer(transfer.pk, status.HTTP_201_CREATED)
