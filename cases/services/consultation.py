"""Joint consultation (会商): a supervisor invites the departments concerned by a dispute or a
hard case, each records its position through its own page or token, and the supervisor records
the decision on the main and co-handlers, who are dispatched in the same step. Every step is a
line on the timeline, so the departments' views stay on record with the decision."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from cases import events
from cases.choices import Action, AssignmentRole, ConsultationStatus, DisputeStatus
from cases.models import Case, Consultation, ConsultationPosition, Dispute
from cases.services.dispatch import drive_case, ensure_dispatchable, new_assignment
from cases.services.guards import (
    ensure_case_visible,
    ensure_supervisor,
    ensure_transition,
    lock_assignments,
    lock_case,
    moment,
    require_text,
    update,
)
from core import policy
from core.errors import ActionForbidden, InvalidInput, NotFound, TransitionNotAllowed

MAX_INVITED = 10


def _invited(departments) -> list:
    departments = list(dict.fromkeys(departments or []))
    if not departments:
        raise InvalidInput(_("invite at least one department"), field="departments")
    if len(departments) > MAX_INVITED:
        raise InvalidInput(
            _("invite at most %(max)d departments") % {"max": MAX_INVITED}, field="departments"
        )
    for department in departments:
        ensure_dispatchable(department, field="departments")
    return departments


def _ensure_none_open(case: Case) -> None:
    if case.consultations.filter(status=ConsultationStatus.OPEN).exists():
        raise TransitionNotAllowed(
            _("case %(number)s already has an open joint consultation") % {"number": case.number}
        )


@transaction.atomic
def open_consultation(
    case: Case, *, actor, topic: str, departments, at: datetime.datetime | None = None
) -> Consultation:
    """Invite the departments concerned to state their positions on the case (会商)."""
    at = moment(at)
    topic = require_text(topic, "topic", _("what the consultation is to decide"))
    departments = _invited(departments)
    case = lock_case(case)
    lock_assignments(case)
    ensure_supervisor(actor, case, _("open joint consultations"))
    ensure_transition(case, Action.OPEN_CONSULTATION)
    _ensure_none_open(case)
    dispute = case.disputes.filter(status=DisputeStatus.OPEN).first()
    consultation = Consultation.objects.create(
        case=case, dispute=dispute, topic=topic, opened_by=actor, opened_at=at
    )
    ConsultationPosition.objects.bulk_create(
        [ConsultationPosition(consultation=consultation, department=d) for d in departments]
    )
    update(case)  # the case's `updated_at`: lists sorted by change see the consultation
    events.consultation_opened(
        case, actor=actor, consultation=consultation, departments=departments, at=at
    )
    return consultation


def _lock(consultation: Consultation) -> tuple[Case, Consultation]:
    """The case, its assignments, then the consultation (the fixed order of locks)."""
    case = lock_case(Case(pk=consultation.case_id))
    lock_assignments(case)
    return case, consultation


def _ensure_open(case: Case, consultation: Consultation) -> Consultation:
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status != ConsultationStatus.OPEN:
        raise TransitionNotAllowed(
            _("case %(number)s: this joint consultation was already decided")
            % {"number": case.number}
        )
    return consultation


def _position_of(actor, consultation: Consultation, case: Case) -> ConsultationPosition:
    positions = consultation.positions.select_related("department").order_by("id")
    for position in positions:
        if policy.can(actor, "cases.record_position", position):
            return position
    raise ActionForbidden(
        _("case %(number)s: only an invited department records a position")
        % {"number": case.number}
    )


@transaction.atomic
def record_position(
    consultation: Consultation, *, actor, position: str, at: datetime.datetime | None = None
) -> ConsultationPosition:
    """An invited department states its position (recorded again, the latest one counts)."""
    at = moment(at)
    position = require_text(position, "position", _("the department's position"))
    case, consultation = _lock(consultation)
    ensure_case_visible(actor, case)
    locked = Consultation.objects.select_for_update().filter(pk=consultation.pk).first()
    if locked is None:  # no consultation on the case: the table says why
        ensure_transition(case, Action.RECORD_POSITION)
        raise NotFound(_("no joint consultation %(pk)s") % {"pk": consultation.pk})
    row = _position_of(actor, locked, case)  # who may never record one is told first
    ensure_transition(case, Action.RECORD_POSITION)
    _ensure_open(case, locked)
    update(row, position=position, recorded_by=actor, recorded_at=at)
    events.position_recorded(case, actor=actor, position=row, at=at)
    return row


def _decided(consultation, department, co_departments) -> list:
    ensure_dispatchable(department)
    co_departments = list(dict.fromkeys(co_departments or []))
    for co in co_departments:
        ensure_dispatchable(co, field="co_departments")
        if co.pk == department.pk:
            raise InvalidInput(
                _("%(department)s is already the main department") % {"department": co},
                field="co_departments",
            )
    return co_departments


def _close_dispute(dispute_id, *, actor, department, note: str, at) -> None:
    if dispute_id is None:
        return
    dispute = Dispute.objects.select_for_update().get(pk=dispute_id)
    if dispute.status == DisputeStatus.OPEN:
        update(
            dispute,
            status=DisputeStatus.DECIDED,
            decided_department=department,
            decided_by=actor,
            decided_at=at,
            decision_note=note,
        )


@transaction.atomic
def decide_consultation(
    consultation: Consultation,
    *,
    actor,
    department,
    co_departments=(),
    decision: str,
    at: datetime.datetime | None = None,
) -> Consultation:
    """The supervisor records the decision and dispatches the decided main department (which
    cannot return it: the consultation settled the jurisdiction) and co-handlers."""
    at = moment(at)
    decision = require_text(decision, "decision", _("the decision"))
    case, consultation = _lock(consultation)
    ensure_supervisor(actor, case, _("decide joint consultations"))
    target = ensure_transition(case, Action.DECIDE_CONSULTATION)
    consultation = _ensure_open(case, consultation)
    co_departments = _decided(consultation, department, co_departments)
    main = new_assignment(
        case, department, role=AssignmentRole.MAIN, actor=actor, at=at, allow_return=False
    )
    for co in co_departments:
        new_assignment(case, co, role=AssignmentRole.CO, actor=actor, at=at)
    update(
        consultation,
        status=ConsultationStatus.DECIDED,
        decided_by=actor,
        decided_at=at,
        main_department=department,
        decision=decision,
    )
    consultation.co_departments.set(co_departments)
    _close_dispute(
        consultation.dispute_id, actor=actor, department=department, note=decision, at=at
    )
    drive_case(case, target, main)
    events.consultation_decided(
        case,
        actor=actor,
        consultation=consultation,
        assignment=main,
        co_departments=co_departments,
        at=at,
    )
    return consultation
