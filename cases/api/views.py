"""Cases for the center and the departments: lists, detail, timeline and the center's actions.

Every read goes through `cases.selectors` (a case outside the caller's scope is 404, and absent
from lists); every action is input serializer → service → the case re-read through the selector.
"""

from django.db.models import DateTimeField, Prefetch, Value
from django.db.models.functions import Coalesce
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from cases import privacy, services
from cases.api import serializers as s
from cases.api.case_rows import case_row_data, case_rows
from cases.choices import Action, AssignmentRole, DisputeStatus, assignment_sources
from cases.filtersets import CaseFilterSet, CategoryFilterSet
from cases.models import Assignment, Case, Category, Dispute, PersonalDataAccess
from cases.selectors import (
    cases_to_filter,
    get_attachment_for,
    get_case_for,
    newest_visible_cases,
    visible_cases,
    visible_consultations,
    visible_events,
)
from cases.views.attachments import file_for, file_response
from core import policy
from core.api_errors import ERRORS
from core.errors import InvalidInput, TransitionNotAllowed
from departments.idempotency import IdempotentMixin

# Cases without a reply deadline sort last when ordered by `due`.
NO_DEADLINE = parse_datetime("9999-12-31T00:00:00+00:00")


def validated(serializer_class, request, **context) -> dict:
    """The action's input, or a 400 naming the fields that are wrong."""
    serializer = serializer_class(data=request.data, context={"request": request, **context})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ScopedViewSetMixin(IdempotentMixin):
    """Tells the serializers whether the caller is the center (who sees citizens' identity);
    answers carrying citizens' data are never cached (`Cache-Control: no-store`)."""

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["center"] = privacy.sees_identity(self.request.user)
        return context

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        return privacy.no_store(response)


REVEAL_PARAMETERS = [
    OpenApiParameter(
        "reveal",
        str,
        enum=["citizen"],
        description="`citizen`: the protected caller's whole phone (center only, recorded)",
    ),
    OpenApiParameter("reason", str, description="Why the caller's identity is needed"),
]


def case_action(input_serializer, summary: str, response=None, code: int = 200):
    """The schema of one case action: its input, the case (or `response`) or an error."""
    return extend_schema(
        summary=summary,
        request=input_serializer,
        responses={code: response or s.CaseDetailSerializer, **ERRORS},
    )


@extend_schema_view(
    list=extend_schema(
        summary="List the cases the caller may see",
        responses={200: s.CaseSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(
        summary="One case with its assignments (`?reveal=citizen&reason=…`: a recorded reveal)",
        parameters=REVEAL_PARAMETERS,
        responses={200: s.CaseDetailSerializer, **ERRORS},
    ),
    create=extend_schema(
        summary="Register a case (the center's systems)",
        request=s.CaseCreateSerializer,
        responses={201: s.CaseDetailSerializer, **ERRORS},
    ),
)
class CaseViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Cases: the center sees all, a department the cases it holds an assignment for."""

    serializer_class = s.CaseSerializer
    filterset_class = CaseFilterSet
    lookup_field = "number"
    lookup_value_regex = "[0-9]{13}"
    ordering_fields = ["created_at", "due", "number", "status", "urgency", "request_type"]
    ordering = ["-created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Case.objects.none()
        queryset = self._shaped(visible_cases(self.request.user))
        if self.action == "list":
            return queryset
        return self._detailed(queryset)

    def _detailed(self, cases):
        """With what one case's answer shows: its assignments and their departments."""
        assignments = Assignment.objects.select_related("department")
        return cases.prefetch_related(Prefetch("assignments", queryset=assignments))

    def _shaped(self, cases):
        """The `due` ordering key, and for the list only the columns it shows."""
        queryset = cases.select_related("parent").annotate(
            due=Coalesce("reply_due_at", Value(NO_DEADLINE, output_field=DateTimeField()))
        )
        if self.action == "list":
            return queryset.select_related(None)  # the list reads rows (`list` below)
        return queryset

    def _window_page(self):
        """The list read a page at a time from the assignments' index (`newest_visible_cases`:
        the same rows as the scope) when it is in its default order, newest first and walked
        forwards; None otherwise. One filterset, on the unscoped cases, serves the walk."""
        request, paginator = self.request, self.paginator
        if paginator is None:
            return None
        base = cases_to_filter()
        # the filterset DRF's filter backend builds (the same class, data and request)
        filterset = DjangoFilterBackend().get_filterset(request, base, self)
        if not filterset.is_valid():  # the filter backend answers 400 for it
            return None
        if tuple(paginator.get_ordering(request, base, self)) != ("-created_at", "-id"):
            return None
        size = paginator.get_page_size(request) + 1  # DRF reads one row more than the page
        cursor = paginator.decode_cursor(request)
        if cursor is not None and cursor.reverse:
            return None
        after = None
        if cursor is not None:
            size += cursor.offset
            after = None if cursor.position is None else (cursor.position, None)
        cases = filterset.qs if filterset.narrows() else None
        page = newest_visible_cases(request.user, cases=cases, size=size, after=after)
        return self._shaped(page)

    def get_serializer_class(self):
        return s.CaseSerializer if self.action == "list" else s.CaseDetailSerializer

    def list(self, request, *args, **kwargs):
        """A page of cases as plain rows: the same JSON as CaseSerializer, without building
        model instances and DRF fields for each (`cases.api.case_rows`)."""
        cases = self._window_page()
        if cases is None:
            cases = self.filter_queryset(self.get_queryset())
        rows = self.paginate_queryset(case_rows(cases))
        center = self.get_serializer_context()["center"]
        return self.get_paginated_response(case_row_data(rows, center=center))

    def retrieve(self, request, *args, **kwargs):
        """One case; `?reveal=citizen` with a `reason` reveals a protected caller (recorded)."""
        case = self.get_object()
        context = self.get_serializer_context()
        if request.query_params.get("reveal") == "citizen":
            reason = request.query_params.get("reason", "")
            services.reveal_citizen(
                case, actor=request.user, reason=reason, channel=PersonalDataAccess.Channel.API
            )
            context["revealed"] = case.pk
        return Response(s.CaseDetailSerializer(case, context=context).data)

    def get_object(self):
        # 404 for missing and foreign alike; the check probes this case alone, and the case
        # is read again by id, not through the scope's list of the department's cases
        case = get_case_for(self.request.user, self.kwargs["number"])
        return self._detailed(self._shaped(cases_to_filter())).get(pk=case.pk)

    def _answer(self, number: str, code: int = status.HTTP_200_OK) -> Response:
        self.kwargs["number"] = number
        data = s.CaseDetailSerializer(self.get_object(), context=self.get_serializer_context())
        return Response(data.data, status=code)

    def create(self, request, *args, **kwargs):
        """Register a case (and dispatch it, with `dispatch_to`); answers with number and status."""
        data = validated(s.CaseCreateSerializer, request)
        department = data.pop("dispatch_to", None)
        case = services.register_and_act(
            actor=request.user,
            fields=data,
            verb="dispatch" if department else "save",
            department=department,
        )
        return self._answer(case.number, status.HTTP_201_CREATED)

    @extend_schema(
        summary="The case's timeline", responses={200: s.EventSerializer(many=True), **ERRORS}
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def events(self, request, number=None):
        """The case's timeline, oldest first."""
        case = get_case_for(request.user, number)
        events = visible_events(request.user, case)
        context = self.get_serializer_context()
        return Response(s.EventSerializer(events, many=True, context=context).data)

    @extend_schema(
        summary="Add a file (multipart, field `file`: a photo, PDF or office document)",
        request={"multipart/form-data": s.AttachmentInput},
        responses={201: s.AttachmentSerializer, **ERRORS},
    )
    @action(
        detail=True,
        methods=["post"],
        parser_classes=[MultiPartParser, FormParser],
        filterset_class=None,
    )
    def attachments(self, request, number=None):
        """Add a file; its type is judged on its content (a renamed executable is refused)."""
        case = get_case_for(request.user, number)
        policy.ensure(  # before the input: who may never add files is told so first
            request.user,
            "cases.add_attachment",
            case,
            message=_("case %(number)s: only the center or the department holding it can add files")
            % {"number": case.number},
        )
        upload = request.FILES.get("file")
        if upload is None:
            raise InvalidInput(_("Send the file in the multipart field `file`."), field="file")
        attachment = services.add_attachment(case, actor=request.user, upload=upload)
        attachment.case = case
        data = s.AttachmentSerializer(attachment, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Download one file of the case (outside the center: images without EXIF data)",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **ERRORS},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<attachment_id>[0-9]+)",
        url_name="attachment-file",
        pagination_class=None,
        filterset_class=None,
    )
    def attachment_file(self, request, number=None, attachment_id=None):
        """The file, from storage, if the caller may see it (404 otherwise)."""
        attachment = get_attachment_for(request.user, number, int(attachment_id))
        stored = file_for(attachment, request.user)
        return file_response(attachment, stored)

    @case_action(s.AnswerInput, "Answer the citizen directly (consultations)")
    @action(detail=True, methods=["post"])
    def answer(self, request, number=None):
        """Answer the case directly from the knowledge base."""
        data = validated(s.AnswerInput, request)
        services.answer_case(get_case_for(request.user, number), actor=request.user, **data)
        return self._answer(number)

    @case_action(s.TransferInput, "Transfer to an emergency or other hotline")
    @action(detail=True, methods=["post"])
    def transfer(self, request, number=None):
        """Transfer the case to another hotline (110/119/120/122, 12333 …)."""
        data = validated(s.TransferInput, request)
        services.transfer_case(get_case_for(request.user, number), actor=request.user, **data)
        return self._answer(number)

    @case_action(s.DispatchInput, "Dispatch to a main department and co-handlers")
    @action(detail=True, methods=["post"], url_path="dispatch", url_name="dispatch")
    def dispatch_case(self, request, number=None):
        """Dispatch the case to its main department (and co-handlers)."""
        data = validated(s.DispatchInput, request)
        services.dispatch_case(get_case_for(request.user, number), actor=request.user, **data)
        return self._answer(number)

    @case_action(s.MergeInput, "Merge into a parent case (duplicate demand)")
    @action(detail=True, methods=["post"])
    def merge(self, request, number=None):
        """Merge the case into the case that already carries the same demand."""
        data = validated(s.MergeInput, request)
        case = get_case_for(request.user, number)
        parent = get_case_for(request.user, data["parent"])
        services.merge_case(case, actor=request.user, parent=parent)
        return self._answer(number)

    @case_action(s.ReasonInput, "Mark invalid (silent, prank, test)")
    @action(detail=True, methods=["post"])
    def invalidate(self, request, number=None):
        """Mark the case invalid with a reason."""
        data = validated(s.ReasonInput, request)
        services.invalidate_case(get_case_for(request.user, number), actor=request.user, **data)
        return self._answer(number)

    @case_action(s.CallbackInput, "Record a callback to the citizen")
    @action(detail=True, methods=["post"])
    def callback(self, request, number=None):
        """Record the callback: reached, resolved and the citizen's satisfaction."""
        data = validated(s.CallbackInput, request)
        services.complete_callback(get_case_for(request.user, number), actor=request.user, **data)
        return self._answer(number)

    @case_action(s.ReasonInput, "Reopen an unsatisfied or unresolved case")
    @action(detail=True, methods=["post"])
    def reopen(self, request, number=None):
        """Send the case back to its department (or park it past the reopen cap)."""
        data = validated(s.ReasonInput, request)
        services.reopen_case(get_case_for(request.user, number), actor=request.user, **data)
        return self._answer(number)

    @case_action(s.NoteInput, "Send to the supervisors' decision queue (研判)")
    @action(detail=True, methods=["post"], url_path="refer-decision", url_name="refer-decision")
    def refer_decision(self, request, number=None):
        """An unsatisfied or unresolved case waits for a supervisor's decision."""
        data = validated(s.NoteInput, request)
        services.refer_to_decision(get_case_for(request.user, number), actor=request.user, **data)
        return self._answer(number)

    @case_action(s.ReasonInput, "Close from the decision queue, with a reason (a supervisor)")
    @action(detail=True, methods=["post"])
    def conclude(self, request, number=None):
        """A supervisor closes the case from the decision queue; the reason is on record."""
        data = validated(s.ReasonInput, request)
        services.conclude_case(get_case_for(request.user, number), actor=request.user, **data)
        return self._answer(number)

    @case_action(s.ReasonInput, "Park from the decision queue as unresolvable (a supervisor)")
    @action(detail=True, methods=["post"])
    def park(self, request, number=None):
        """A supervisor parks the case from the decision queue (挂账), with a reason."""
        data = validated(s.ReasonInput, request)
        services.park_case(get_case_for(request.user, number), actor=request.user, **data)
        return self._answer(number)

    @case_action(
        s.ConsultationOpenInput, "Open a joint consultation (会商)", s.ConsultationSerializer, 201
    )
    @action(detail=True, methods=["post"], url_path="consult", url_name="consult")
    def consult(self, request, number=None):
        """A supervisor invites the departments concerned to state their positions."""
        data = validated(s.ConsultationOpenInput, request)
        case = get_case_for(request.user, number)
        consultation = services.open_consultation(case, actor=request.user, **data)
        consultation = visible_consultations(request.user).get(pk=consultation.pk)
        data = s.ConsultationSerializer(consultation).data
        return Response(data, status=status.HTTP_201_CREATED)

    @case_action(s.NoteInput, "Close the case")
    @action(detail=True, methods=["post"])
    def close(self, request, number=None):
        """Close the case."""
        data = validated(s.NoteInput, request)
        services.close_case(get_case_for(request.user, number), actor=request.user, **data)
        return self._answer(number)

    @case_action(s.NoteInput, "Urge the department holding the case")
    @action(detail=True, methods=["post"])
    def urge(self, request, number=None):
        """Urge the case's open main assignment."""
        data = validated(s.NoteInput, request)
        case = get_case_for(request.user, number)
        policy.ensure(  # before looking for the assignment: a department's urge is a 403
            request.user,
            "cases.work_as_center",
            case,
            message=_("case %(number)s: only the center's agents or supervisors can urge")
            % {"number": case.number},
        )
        assignment = open_main_assignment(case)
        services.urge_assignment(assignment, actor=request.user, **data)
        return self._answer(number)

    @case_action(s.ReasonInput, "Open a jurisdiction dispute on a repeated return (a supervisor)")
    @action(detail=True, methods=["post"], url_path="open-dispute", url_name="open-dispute")
    def open_dispute(self, request, number=None):
        """Escalate the case under return review to a jurisdiction dispute."""
        data = validated(s.ReasonInput, request)
        services.open_dispute(get_case_for(request.user, number), actor=request.user, **data)
        return self._answer(number)

    @case_action(s.DecideDisputeInput, "Decide the open jurisdiction dispute (a supervisor)")
    @action(detail=True, methods=["post"], url_path="decide-dispute", url_name="decide-dispute")
    def decide_dispute(self, request, number=None):
        """Name the responsible department; it is dispatched and cannot return the case."""
        data = validated(s.DecideDisputeInput, request)
        case = get_case_for(request.user, number)
        services.decide_dispute(open_dispute_of(case), actor=request.user, **data)
        return self._answer(number)

    @case_action(s.SuperviseInput, "Open a supervision order", s.SupervisionSerializer, 201)
    @action(detail=True, methods=["post"])
    def supervise(self, request, number=None):
        """Open a formal supervision order the department must answer."""
        data = validated(s.SuperviseInput, request)
        case = get_case_for(request.user, number)
        order = services.supervise_case(case, actor=request.user, **data)
        order = type(order).objects.select_related("case").get(pk=order.pk)
        return Response(s.SupervisionSerializer(order).data, status=status.HTTP_201_CREATED)

    # --- issue 14 (helper A): take back and reassign, reply review

    @case_action(s.TakeBackInput, "Take the case back and reassign it (a supervisor)")
    @action(detail=True, methods=["post"], url_path="take-back", url_name="take-back")
    def take_back(self, request, number=None):
        """Withdraw the case from its departments before the reply; `department` reassigns it."""
        data = validated(s.TakeBackInput, request)
        services.take_back_case(get_case_for(request.user, number), actor=request.user, **data)
        return self._answer(number)

    @case_action(s.NoteInput, "Approve the department's reply (reply review, a supervisor)")
    @action(detail=True, methods=["post"], url_path="approve-reply", url_name="approve-reply")
    def approve_reply(self, request, number=None):
        """Accept the reply under review: the case goes to the callback queue."""
        data = validated(s.NoteInput, request)
        services.approve_reply(get_case_for(request.user, number), actor=request.user, **data)
        return self._answer(number)

    @case_action(s.ReasonInput, "Send the department's reply back (reply review, a supervisor)")
    @action(detail=True, methods=["post"], url_path="send-back-reply", url_name="send-back-reply")
    def send_back_reply(self, request, number=None):
        """Send the reply under review back with a reason: the department handles it again."""
        data = validated(s.ReasonInput, request)
        services.send_back_reply(get_case_for(request.user, number), actor=request.user, **data)
        return self._answer(number)


def open_dispute_of(case) -> Dispute:
    """The case's open dispute; none (a case not in dispute) is the service's 409 to give."""
    return case.disputes.filter(status=DisputeStatus.OPEN).first() or Dispute(case=case)


def open_main_assignment(case) -> Assignment:
    """The assignment a case-level urge goes to, or a 409 when nobody holds the case."""
    assignment = (
        case.assignments.filter(
            role=AssignmentRole.MAIN, status__in=assignment_sources(Action.URGE)
        )
        .order_by("-dispatched_at")
        .first()
    )
    if assignment is None:
        raise TransitionNotAllowed(
            _("case %(number)s has no open assignment to urge") % {"number": case.number}
        )
    return assignment


@extend_schema_view(
    list=extend_schema(
        summary="The category tree (filter by level, parent, subtree)",
        responses={200: s.CategorySerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(summary="One category", responses={200: s.CategorySerializer, **ERRORS}),
)
class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """The three-level demand classification (read-only reference data)."""

    queryset = Category.objects.all()
    serializer_class = s.CategorySerializer
    filterset_class = CategoryFilterSet
    ordering_fields = ["code", "id"]
    ordering = ["code"]
