"""POST /api/v1/kb/ask/: the citizens' dialogue for other channels (app, WeChat)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_errors import ERRORS
from core.errors import InvalidInput
from core.http import client_address
from departments.models import Region
from knowledgebase import dialogue
from knowledgebase.api import serializers as s


class AskView(APIView):
    """Ask a question (answered from the knowledge base), or escalate the conversation."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        request=s.AskInputSerializer,
        responses={200: s.AskOutputSerializer, 201: s.AskOutputSerializer, **ERRORS},
    )
    def post(self, request):
        """Answer `question`; with `escalate` {name, phone}, register the conversation as a case."""
        data = s.AskInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        data = data.validated_data
        region = self._region(data.get("region"))
        conversation = [{"question": q, "answer": None} for q in data.get("conversation", [])]
        if data.get("question"):
            turn = dialogue.ask(conversation, data["question"], region=region)
        elif not data.get("escalate"):
            raise InvalidInput(_("give a question"), field="question")
        else:
            turn = {"question": "", "answer": None, "others": []}
        if data.get("escalate"):
            case = dialogue.escalate(
                conversation, region=region, client=client_address(request), **data["escalate"]
            )
            body = {**turn, "case_number": case.number, "no_answer": None}
            return Response(s.AskOutputSerializer(body).data, status=status.HTTP_201_CREATED)
        body = {**turn, "case_number": None, "no_answer": None}
        if turn["answer"] is None:
            body["no_answer"] = dialogue.no_answer()  # the page's own words
        return Response(s.AskOutputSerializer(body).data)

    @staticmethod
    def _region(code):
        if not code:
            return None
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise InvalidInput(_("unknown region %(code)r") % {"code": code}, field="region")
        return region
