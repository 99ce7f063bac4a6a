"""What the API shows of regions, departments, the caller and tokens."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from departments.models import Department, Region


class RegionSerializer(serializers.ModelSerializer):
    """An administrative division; `parent` is the parent's code."""

    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "parent", "path"]
        read_only_fields = fields


class DepartmentSerializer(serializers.ModelSerializer):
    """A department; `region` is the code of the territory it governs."""

    region = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Department
        fields = ["id", "code", "name", "short_name", "kind", "parent", "region", "is_active"]
        read_only_fields = fields


class MembershipOutSerializer(serializers.Serializer):
    department = DepartmentSerializer()
    role = serializers.CharField()


class MeSerializer(serializers.Serializer):
    """The calling user, their roles and departments."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    is_center = serializers.BooleanField(help_text=_("Sees every case and citizens' identity."))
    roles = serializers.ListField(child=serializers.CharField())
    department = DepartmentSerializer(allow_null=True, help_text=_("The first department."))
    memberships = MembershipOutSerializer(many=True)
    token = serializers.CharField(allow_null=True, help_text=_("The token's name, if any."))


class LoginInput(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"})
    name = serializers.CharField(max_length=80, required=False, default="login")


class TokenOutSerializer(serializers.Serializer):
    """A newly issued key: shown once, keep it secret."""

    token = serializers.CharField()
    name = serializers.CharField()
    prefix = serializers.CharField()
    department = serializers.IntegerField()
