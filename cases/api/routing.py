"""`POST /api/v1/routing/suggest/`: who should handle a case described by its fields."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.choices import RequestType
from cases.models import Category
from cases.routing.classifier import suggest_categories
from cases.routing.ruleset import category_label
from cases.routing.suggestions import suggest
from core.api_errors import ERRORS
from departments.api.permissions import ApiScopePermission, IsCenterStaff
from departments.gazetteer import resolve_address
from departments.models import Region


class SuggestInputSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    content = serializers.CharField(required=False, allow_blank=True, default="")
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=Category.objects.all(), required=False, allow_null=True
    )
    request_type = serializers.ChoiceField(
        choices=RequestType.choices, required=False, allow_blank=True, default=""
    )
    address = serializers.CharField(required=False, allow_blank=True, max_length=255, default="")
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), required=False, allow_null=True
    )
    limit = serializers.IntegerField(required=False, min_value=1, max_value=10, default=3)

    def validate(self, attrs):
        if not (attrs.get("title") or attrs.get("content") or attrs.get("category")):
            raise serializers.ValidationError(
                {"content": [_("Give the case's content, title or category.")]}
            )
        return attrs


class BriefRegionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.IntegerField()


class AddressSerializer(serializers.Serializer):
    region = BriefRegionSerializer(allow_null=True)
    confidence = serializers.FloatField()
    candidates = BriefRegionSerializer(many=True)
    candidate_count = serializers.IntegerField()


class CategoryGuessSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    label = serializers.CharField()
    probability = serializers.FloatField()


class SuggestionSerializer(serializers.Serializer):
    department = serializers.SerializerMethodField()
    score = serializers.FloatField()
    reason = serializers.CharField(
        help_text="The reasons as one line, joined as the request's language joins clauses "
        '("；" in Chinese).'
    )
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text="Each reason on its own, strongest first."
    )
    source = serializers.CharField()
    rule = serializers.SerializerMethodField()

    def get_department(self, suggestion) -> dict:
        d = suggestion.department
        return {"id": d.pk, "code": d.code, "name": d.name, "kind": d.kind}

    def get_rule(self, suggestion) -> dict | None:
        rule = suggestion.rule
        return {"id": rule.id, "name": rule.name} if rule else None


class SuggestOutputSerializer(serializers.Serializer):
    address = AddressSerializer(allow_null=True)
    categories = CategoryGuessSerializer(many=True)
    suggestions = SuggestionSerializer(many=True)


def _categories(text: str) -> list[dict]:
    return [
        {"code": c.code, "name": c.name, "label": category_label(c.path), "probability": p}
        for c, p in suggest_categories(text, k=3)
    ]


class SuggestView(APIView):
    """Ranked departments for a case's fields, each with the reason in words."""

    permission_classes = [ApiScopePermission, IsCenterStaff]

    @extend_schema(
        summary="Suggest departments for a case",
        request=SuggestInputSerializer,
        responses={200: SuggestOutputSerializer, **ERRORS},
    )
    def post(self, request):
        """The territory, the likely categories and the ranked departments for a case."""
        given = SuggestInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        fields = dict(given.validated_data)
        limit = fields.pop("limit")
        address = resolve_address(fields["address"]) if fields["address"] else None
        text = f"{fields['title']} {fields['content']}".strip()
        body = {
            "address": address,
            "categories": _categories(text) if text else [],
            "suggestions": suggest(fields, limit=limit),
        }
        return Response(SuggestOutputSerializer(body).data)


urlpatterns = [path("suggest/", SuggestView.as_view(), name="routing-suggest")]
