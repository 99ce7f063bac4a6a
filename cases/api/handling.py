"""The departments' side: their work list and actions, extensions, supervision orders.

Reads are scoped through `cases.selectors`; each action is input → service → the object re-read
through the selector. Role checks (who may sign, who decides an extension) are the services'.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cases import services
from cases.api import serializers as s
from cases.api.views import ScopedViewSetMixin, validated
from cases.filtersets import AssignmentFilterSet, ExtensionFilterSet, SupervisionFilterSet
from cases.models import Assignment, Consultation, Extension, SupervisionOrder
from cases.selectors import (
    get_assignment_for,
    visible_assignments,
    visible_consultations,
    visible_supervisions,
)
from core.api_errors import ERRORS
from core.errors import NotFound


def read_only(noun: str, serializer):
    """The schema of a scoped list and detail."""
    return extend_schema_view(
        list=extend_schema(
            summary=f"List the {noun}s the caller may see",
            responses={200: serializer(many=True), **ERRORS},
        ),
        retrieve=extend_schema(summary=f"One {noun}", responses={200: serializer, **ERRORS}),
    )


def an_action(input_serializer, summary: str, response=s.AssignmentSerializer, code: int = 200):
    """The schema of one action: its input, the re-read object, or an error."""
    return extend_schema(
        summary=summary, request=input_serializer, responses={code: response, **ERRORS}
    )


class ScopedReadOnlyViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """A list and detail whose queryset is already scoped; 404 outside the scope."""

    lookup_value_regex = "[0-9]+"

    noun = "object"
    model = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return self.model.objects.none()
        return self.scoped_queryset()

    def scoped_queryset(self):
        raise NotImplementedError

    def get_object(self):
        pk = self.kwargs["pk"]
        obj = self.get_queryset().filter(pk=pk).first() if str(pk).isdigit() else None
        if obj is None:
            noun = self.get_queryset().model._meta.verbose_name  # translated
            raise NotFound(_("%(noun)s %(pk)s not found") % {"noun": noun, "pk": pk})
        return obj

    def _answer(self, pk, code: int = status.HTTP_200_OK) -> Response:
        self.kwargs["pk"] = pk
        serializer = self.get_serializer_class()(
            self.get_object(), context=self.get_serializer_context()
        )
        return Response(serializer.data, status=code)


@read_only("assignment", s.AssignmentSerializer)
class AssignmentViewSet(ScopedReadOnlyViewSet):
    """The calling department's work list (the center sees every assignment)."""

    serializer_class = s.AssignmentSerializer
    filterset_class = AssignmentFilterSet
    ordering_fields = ["dispatched_at", "sign_due_at", "reply_due_at", "id"]
    ordering = ["-dispatched_at"]
    noun = "assignment"
    model = Assignment

    def scoped_queryset(self):
        return visible_assignments(self.request.user)

    def _assignment(self, pk):
        return get_assignment_for(self.request.user, int(pk))

    @an_action(None, "Sign for the dispatched case")
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        """The department accepts the dispatched case."""
        services.sign_assignment(self._assignment(pk), actor=request.user)
        return self._answer(pk)

    @an_action(s.ReturnInput, "Return the case: not this department's")
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        """Return the case with a reason (and who it belongs to, ideally)."""
        data = validated(s.ReturnInput, request)
        services.return_assignment(self._assignment(pk), actor=request.user, **data)
        return self._answer(pk)

    @an_action(s.ExtendInput, "Ask for a later reply deadline", s.ExtensionSerializer, 201)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        """Ask the supervisor for more working days, with a reason."""
        data = validated(s.ExtendInput, request)
        extension = services.request_extension(self._assignment(pk), actor=request.user, **data)
        extension = Extension.objects.select_related("assignment__case").get(pk=extension.pk)
        return Response(s.ExtensionSerializer(extension).data, status=status.HTTP_201_CREATED)

    @an_action(s.RequiredNoteInput, "Add a progress note")
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        """Tell the center how the handling is going."""
        data = validated(s.RequiredNoteInput, request)
        services.add_progress(self._assignment(pk), actor=request.user, **data)
        return self._answer(pk)

    @an_action(s.ReplyInput, "Reply: the result and the text for the citizen")
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        """Reply with the result (resolved, explained, unresolved) and the text."""
        data = validated(s.ReplyInput, request)
        services.reply_assignment(self._assignment(pk), actor=request.user, **data)
        return self._answer(pk)

    @an_action(s.RedispatchInput, "Re-dispatch inside the territory (a district center)", code=201)
    @action(detail=True, methods=["post"])
    def redispatch(self, request, pk=None):
        """The district center holding the case passes it to a department of its territory;
        answers with the new assignment."""
        data = validated(s.RedispatchInput, request)
        child = services.redispatch_assignment(self._assignment(pk), actor=request.user, **data)
        return self._answer(child.pk, status.HTTP_201_CREATED)

    @an_action(s.ReviewReturnInput, "Review a return (the center)")
    @action(detail=True, methods=["post"], url_path="review-return", url_name="review-return")
    def review_return(self, request, pk=None):
        """Accept the return (the case goes back for re-dispatch) or reject it."""
        data = validated(s.ReviewReturnInput, request)
        services.review_return(self._assignment(pk), actor=request.user, **data)
        return self._answer(pk)


@read_only("extension", s.ExtensionSerializer)
class ExtensionViewSet(ScopedReadOnlyViewSet):
    """Extension requests of the assignments the caller may see."""

    serializer_class = s.ExtensionSerializer
    filterset_class = ExtensionFilterSet
    ordering_fields = ["requested_at", "id"]
    ordering = ["-requested_at"]
    noun = "extension"
    model = Extension

    def scoped_queryset(self):
        assignments = visible_assignments(self.request.user).values("pk")
        return Extension.objects.filter(assignment__in=assignments).select_related(
            "assignment__case"
        )

    @an_action(
        s.DecideInput, "Approve or reject an extension (a supervisor)", s.ExtensionSerializer
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """A supervisor approves or rejects the extension."""
        data = validated(s.DecideInput, request)
        services.decide_extension(self.get_object(), actor=request.user, **data)
        return self._answer(pk)


@read_only("supervision order", s.SupervisionSerializer)
class SupervisionViewSet(ScopedReadOnlyViewSet):
    """Supervision orders addressed to the caller's department (the center: all of them)."""

    serializer_class = s.SupervisionSerializer
    filterset_class = SupervisionFilterSet
    ordering_fields = ["due_at", "opened_at", "id"]
    ordering = ["due_at"]
    noun = "supervision order"
    model = SupervisionOrder

    def scoped_queryset(self):
        return visible_supervisions(self.request.user)  # never another department's order

    @an_action(s.SupervisionAnswerInput, "Answer a supervision order", s.SupervisionSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """The department answers the supervision order."""
        data = validated(s.SupervisionAnswerInput, request)
        services.answer_supervision(self.get_object(), actor=request.user, **data)
        return self._answer(pk)

    @an_action(
        s.SupervisionReviewInput,
        "Accept the answer (the order closes) or send it back (a supervisor)",
        s.SupervisionSerializer,
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """The center accepts the department's answer or sends it back with a reason."""
        data = validated(s.SupervisionReviewInput, request)
        services.review_supervision(self.get_object(), actor=request.user, **data)
        return self._answer(pk)


@read_only("joint consultation", s.ConsultationSerializer)
class ConsultationViewSet(ScopedReadOnlyViewSet):
    """Joint consultations (会商) on the cases the caller may see (the invited departments do)."""

    serializer_class = s.ConsultationSerializer
    ordering_fields = ["opened_at", "id"]
    ordering = ["-opened_at"]
    noun = "joint consultation"
    model = Consultation

    def scoped_queryset(self):
        return visible_consultations(self.request.user)

    @an_action(
        s.PositionInput, "Record the calling department's position", s.ConsultationSerializer
    )
    @action(detail=True, methods=["post"])
    def position(self, request, pk=None):
        """An invited department states its position on the case."""
        data = validated(s.PositionInput, request)
        services.record_position(self.get_object(), actor=request.user, **data)
        return self._answer(pk)

    @an_action(
        s.ConsultationDecideInput,
        "Decide: the main department and co-handlers, dispatched at once (a supervisor)",
        s.ConsultationSerializer,
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """A supervisor records the decision; the decided departments are dispatched."""
        data = validated(s.ConsultationDecideInput, request)
        services.decide_consultation(self.get_object(), actor=request.user, **data)
        return self._answer(pk)
