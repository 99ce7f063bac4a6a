"""POST /api/v1/public/lookup/ and /lookup/add/: the progress lookup for apps and WeChat.

Public (no token): the pair of number and last four phone digits is the key, with the same
one-answer-for-every-wrong-pair rule and the same failure limits as the page
(`hotline.lookup.service`).
"""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import services
from cases.privacy import no_store
from core.api_errors import ERRORS
from core.http import client_address
from hotline.lookup.service import citizen_view, find_case


class LookupInput(serializers.Serializer):
    number = serializers.CharField(max_length=20, help_text="The 13-digit request number")
    phone_last4 = serializers.CharField(
        max_length=8, help_text="The last four digits of the phone the citizen gave"
    )


class LookupAddInput(LookupInput):
    text = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    file = serializers.FileField(required=False, help_text="A photo, a PDF or an office document")


class CitizenViewSerializer(serializers.Serializer):
    """The request as its citizen reads it: status in plain words, dates, the reply."""

    number = serializers.CharField()
    status = serializers.CharField(help_text="The status in the citizen's words")
    registered_at = serializers.DateTimeField()
    reply_due_at = serializers.DateTimeField(allow_null=True)
    replied_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    reply = serializers.CharField(help_text="The answer told to the citizen, once given")
    open = serializers.BooleanField(help_text="Information or a photo may still be added")


class PublicView(APIView):
    authentication_classes = []
    permission_classes = [permissions.AllowAny]

    def _case(self, request, serializer_class):
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        case = find_case(values["number"], values["phone_last4"], client=client_address(request))
        return case, values

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        return no_store(response)


class LookupView(PublicView):
    """A citizen looks up their request by number and the last four digits of their phone."""

    @extend_schema(
        summary="Look up a request by number and the last four phone digits (public)",
        request=LookupInput,
        responses={200: CitizenViewSerializer, **ERRORS},
    )
    def post(self, request):
        """The request in the citizen's words; one 404 for every wrong pair; 429 when guessing."""
        case, _values = self._case(request, LookupInput)
        return Response(CitizenViewSerializer(citizen_view(case)).data)


class LookupAddView(PublicView):
    """The citizen adds a few words or a photo to their open request."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        summary="Add information or a photo to one's open request (public, multipart)",
        request={"multipart/form-data": LookupAddInput},
        responses={201: CitizenViewSerializer, **ERRORS},
    )
    def post(self, request):
        """`text` and/or `file` join the request's timeline, which the department sees."""
        case, values = self._case(request, LookupAddInput)
        case = services.add_citizen_information(
            case, text=values.get("text", ""), upload=values.get("file")
        )
        body = CitizenViewSerializer(citizen_view(case)).data
        return Response(body, status=status.HTTP_201_CREATED)
