"""Reference lists (regions, departments), the caller (`me/`) and token login."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_errors import ERRORS
from core.errors import ActionForbidden, ApplicationError
from departments import tokens
from departments.accounts import LockedOut, lockout_message
from departments.api import serializers as s
from departments.api.filtersets import DepartmentFilterSet, RegionFilterSet
from departments.memberships import memberships
from departments.models import ApiToken, Department, Region
from departments.policy import is_center_staff, roles_shown


def reference_schema(noun: str, serializer):
    return extend_schema_view(
        list=extend_schema(
            summary=f"List {noun}s", responses={200: serializer(many=True), **ERRORS}
        ),
        retrieve=extend_schema(summary=f"One {noun}", responses={200: serializer, **ERRORS}),
    )


@reference_schema("region", s.RegionSerializer)
class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """The gazetteer: city, districts, streets/towns, communities (read-only)."""

    queryset = Region.objects.select_related("parent")
    serializer_class = s.RegionSerializer
    filterset_class = RegionFilterSet
    ordering_fields = ["code", "id"]
    ordering = ["code"]


@reference_schema("department", s.DepartmentSerializer)
class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    """The departments a case may be dispatched or transferred to (read-only)."""

    queryset = Department.objects.select_related("region")
    serializer_class = s.DepartmentSerializer
    filterset_class = DepartmentFilterSet
    ordering_fields = ["path", "code", "id"]
    ordering = ["path"]


class MeView(APIView):
    """The calling user, their roles and department."""

    @extend_schema(summary="Who am I", responses={200: s.MeSerializer, **ERRORS})
    def get(self, request):
        """The calling user, their roles and their departments."""
        user = request.user
        held = memberships(user)
        roles = roles_shown(user)
        data = {
            "id": user.pk,
            "username": user.get_username(),
            "name": user.get_full_name() or user.get_username(),
            "is_center": is_center_staff(user),  # the policy's answer, for clients
            "roles": roles,
            "department": held[0].department if held else None,
            "memberships": held,
            "token": request.auth.name if isinstance(request.auth, ApiToken) else None,
        }
        return Response(s.MeSerializer(data).data)


class InvalidCredentials(ApplicationError):
    code = "invalid_credentials"
    status_code = 400


class TokenLoginView(APIView):
    """A username and password in exchange for an API token of that user."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary="Get an API token with a username and password",
        request=s.LoginInput,
        responses={201: s.TokenOutSerializer, **ERRORS},
        auth=[],
    )
    def post(self, request):
        """Check the password and issue a token acting as that user (shown once)."""
        data = s.LoginInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request._request,  # django-axes counts the failures on Django's own request
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if getattr(request._request, "axes_locked_out", False):
            raise LockedOut(lockout_message())
        if user is None or not user.is_active:
            raise InvalidCredentials(str(_("Unable to sign in with these credentials.")))
        held = memberships(user)
        if not held:
            raise ActionForbidden(str(_("This user works for no department.")))
        department = held[0].department
        token, key = tokens.issue_token(
            department, actor=user, name=data.validated_data["name"], user=user
        )
        body = {
            "token": key,
            "name": token.name,
            "prefix": token.prefix,
            "department": department.pk,
        }
        return Response(s.TokenOutSerializer(body).data, status=status.HTTP_201_CREATED)
