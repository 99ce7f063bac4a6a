"""Who may see which cases and take which actions on them (registered with `core.policy`).

Scopes:
- the center (agents and supervisors of the center or a sub-center) sees every case;
- district-center staff see the cases in their district and those dispatched to them;
- department staff see the cases their department or its sub-departments hold an
  assignment for (whatever its state, so that history stays readable);
- anyone else sees nothing. Assignments follow the same lines; a supervision order is seen
  by the center, by the department it is addressed to (and those above it) and by the
  district center governing the case — never by a co-handler it is not addressed to.

Actions (`can(user, "cases.<action>", obj)`): the center's actions on a case, the center
supervisors' decisions, a department's work on its own assignment, a district center's
re-dispatch, the answer to a supervision order addressed to the department.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

from cases.choices import AttachmentSource
from cases.events import EventType
from cases.models import (
    Assignment,
    Attachment,
    Case,
    CaseEvent,
    Consultation,
    ConsultationPosition,
    SupervisionOrder,
    Transfer,
)
from core import policy
from core.roles import CENTER_ROLES, DEPARTMENT_ROLES, Role
from departments.models import Department, Region
from departments.policy import (
    governed_districts,
    holds,
    is_center_staff,
    is_center_supervisor,
    partner_lines,
    staff_departments,
    works_for,
)

# ---------------------------------------------------------------- scopes


def _subtree(departments) -> QuerySet:
    """`departments` and every department below them."""
    subtree = Q(pk__in=[])
    for department in departments:
        subtree |= Q(path__startswith=department.path)
    return Department.objects.filter(subtree)


SUBTREE_CACHE = "_case_scope_subtree"


def _subtree_ids(user, departments) -> list[int]:
    """The ids of `departments` and those below them (one query, then cached on the user for
    these departments, like the memberships: a page asks twice, for its rows and its count)."""
    key = tuple((d.pk, d.path) for d in departments)
    cached = getattr(user, SUBTREE_CACHE, None)
    if cached is None or cached[0] != key:
        cached = (key, list(_subtree(departments).order_by("id").values_list("id", flat=True)))
        setattr(user, SUBTREE_CACHE, cached)
    return cached[1]


def _department_subtree_q(user, departments, prefix: str = "") -> Q:
    """`<prefix>department` is one of `departments` or below them: the ids themselves (read
    once per request, `_subtree_ids`), not a subquery, which PostgreSQL plans as one more
    join in every statement (a department's home: 1.6 against 0.8 ms to plan each list)."""
    return Q(**{f"{prefix}department_id__in": _subtree_ids(user, departments)})


def _district_q(districts, prefix: str = "") -> Q:
    """`<prefix>region` lies in one of the districts."""
    territory = Q(pk__in=[])
    for district in districts:
        territory |= Q(path__startswith=district.path)
    return Q(**{f"{prefix}region_id__in": Region.objects.filter(territory).values("id")})


def _union_all(querysets) -> RawSQL | list:
    """One id list of the querysets' `picked` column (`SELECT … UNION ALL SELECT …`).

    A branch that can match nothing (a filter on an empty list: the subtree of a category or
    region code that names none) is left out, as Django leaves it out of a query: it refuses
    to write its SQL (EmptyResultSet). With no branch left the list is empty."""
    parts, params = [], []
    for number, queryset in enumerate(querysets):
        try:
            sql, branch_params = queryset.query.sql_with_params()
        except EmptyResultSet:
            continue
        parts.append(f"SELECT w{number}.picked FROM ({sql}) AS w{number}")
        params.extend(branch_params)
    return RawSQL(" UNION ALL ".join(parts), params) if parts else []


def _access_q(user, departments_q, *, case: str = "") -> Q | None:
    """What every scope of case rows shares: everything for the center (None), nothing for a
    user without a department, and for a department's staff `departments_q(departments)`
    (what its subtree holds) OR-ed with the district's regions of `<case>` for a district
    center. OR-ed, not a branch of the case scope's id list: as a branch ("the district's
    newest n") PostgreSQL read every case of its regions and sorted them; OR-ed, a page walks
    the cases' created_at index and stops after n matches (~n ÷ the district's share)."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if is_center_staff(user):
        return None
    departments = staff_departments(user)
    if not departments:
        return Q(pk__in=[])
    q = departments_q(departments)
    districts = governed_districts(user)
    if districts:
        q |= _district_q(districts, prefix=case)
    return q


def case_scope_q(user) -> Q | None:
    """A filter on Case for what the user may see; None means everything.

    The cases the subtree holds an assignment for, and (issue 14 B) those of the joint
    consultations (会商) it is invited to, as one id list. Not two OR-ed EXISTS: PostgreSQL
    cannot turn an OR of correlated EXISTS into a join, so it probed both for every row of
    the other conditions (a department's text search read every matching case of the city:
    1.1 s at 200k cases); an IN over one UNION ALL is a semi-join it may start from either."""

    def held_or_invited(departments) -> Q:
        held = Assignment.objects.filter(_department_subtree_q(user, departments))
        invited = ConsultationPosition.objects.filter(_department_subtree_q(user, departments))
        return Q(
            pk__in=_union_all(
                [
                    held.order_by().values(picked=F("case_id")),
                    invited.order_by().values(picked=F("consultation__case_id")),
                ]
            )
        )

    return _access_q(user, held_or_invited)


def case_probe_q(user) -> Q | None:
    """`case_scope_q` for one case at a time (`cases.view_case`, a case's page): the same
    three ways in, as EXISTS probes of that case's own assignments and consultations.
    PostgreSQL does not probe `case_scope_q`'s id list for one case: it builds the
    department's whole list first (8.8 ms for the biggest department at 1M cases, growing
    with its history), where a probe reads the case's few rows. Never for lists: an OR of
    correlated EXISTS is probed for every candidate row (see `case_scope_q`)."""

    def held_or_invited(departments) -> Q:
        subtree = _department_subtree_q(user, departments)
        held = Assignment.objects.filter(subtree, case=OuterRef("pk"))
        invited = ConsultationPosition.objects.filter(subtree, consultation__case=OuterRef("pk"))
        return Q(Exists(held)) | Q(Exists(invited))

    return _access_q(user, held_or_invited)


@policy.scope_rule(Case)
def _case_scope(user, queryset: QuerySet) -> QuerySet:
    q = case_scope_q(user)
    return queryset if q is None else queryset.filter(q)


def _before_q(after, field: str, pk: str) -> Q:
    """Rows after `after` in a newest-first walk: `(moment, id)` or `(moment, None)`. The
    plain `<=` on the moment lets the index start at the cursor instead of at the newest row."""
    if after is None:
        return Q()
    moment, last = after
    if last is None:
        return Q(**{f"{field}__lt": moment})
    return Q(**{f"{field}__lte": moment}) & (
        Q(**{f"{field}__lt": moment}) | Q(**{f"{pk}__lt": last})
    )


def case_window_q(user, *, size: int, after=None, cases: QuerySet | None = None) -> Q | None:
    """`case_scope_q` for one page newest first (`policy.scope_window`); None means everything.

    `cases`, when given, is the list's filtered queryset (status, text, region …): each
    department's walk keeps only its cases, so a filtered page still reads about a page of
    the index (a department's closed cases at 1M: 136 → 4 ms) instead of every case it holds.

    The same three ways into a department's scope, the first read a page at a time:
    - per department of the subtree, its newest `size` distinct cases after `after` from the
      index (department, case_created_at, case) of the assignments (one short backward walk
      each: an `IN` over several departments would read all their entries and sort them);
    - the cases of the consultations the subtree is invited to (few: all of them);
    - for a district center, its district's cases (the plain region filter, OR-ed).
    The first `size` of the scope after `after` are among these, so the page is the same.
    """
    matching, invited_matching = {}, {}
    if cases is not None and cases.query.where:
        ids = cases.order_by().values("id")
        matching, invited_matching = {"case_id__in": ids}, {"consultation__case_id__in": ids}

    def newest_held_or_invited(departments) -> Q:
        branches = []
        for department_id in _subtree_ids(user, departments):
            held = (
                Assignment.objects.filter(department_id=department_id, **matching)
                .filter(_before_q(after, "case_created_at", "case_id"))
                .values(sort=F("case_created_at"), picked=F("case_id"))
                .order_by("-sort", "-picked")
                .distinct()[:size]
            )
            branches.append(held)
        invited = ConsultationPosition.objects.filter(
            _department_subtree_q(user, departments), **invited_matching
        )
        branches.append(invited.order_by().values(picked=F("consultation__case_id")))
        return Q(pk__in=_union_all(branches))

    return _access_q(user, newest_held_or_invited)


@policy.window_rule(Case)
def _case_window(user, queryset: QuerySet, *, size: int, after=None) -> QuerySet:
    q = case_window_q(user, size=size, after=after, cases=queryset)
    return queryset if q is None else queryset.filter(q)


def _held_or_governed_q(user) -> Q | None:
    """Rows addressed to the user's department subtree or on a case in their district."""
    return _access_q(
        user, lambda departments: _department_subtree_q(user, departments), case="case__"
    )


@policy.scope_rule(Consultation)
def _consultation_scope(user, queryset: QuerySet) -> QuerySet:
    """A joint consultation is seen by whoever sees its case (the invited departments do)."""
    q = case_scope_q(user)
    return queryset if q is None else queryset.filter(case__in=Case.objects.filter(q))


@policy.scope_rule(Assignment)
def _assignment_scope(user, queryset: QuerySet) -> QuerySet:
    q = _held_or_governed_q(user)
    return queryset if q is None else queryset.filter(q)


@policy.scope_rule(SupervisionOrder)
def _supervision_scope(user, queryset: QuerySet) -> QuerySet:
    q = _held_or_governed_q(user)
    return queryset if q is None else queryset.filter(q)


@policy.scope_rule(Transfer)
def _transfer_scope(user, queryset: QuerySet) -> QuerySet:
    """A partner line sees only its own transfers (even 12333, a part of the center); the rest
    of the center sees them all; departments none."""
    if user.is_superuser:
        return queryset
    partners = partner_lines(user)
    if partners:
        return queryset.filter(partner__in=partners)
    return queryset if is_center_staff(user) else queryset.none()


# Timeline entries about a supervision order: seen by whoever sees the order.
SUPERVISION_EVENTS = (
    EventType.SUPERVISED,
    EventType.SUPERVISION_ANSWERED,
    EventType.SUPERVISION_ACCEPTED,
    EventType.SUPERVISION_SENT_BACK,
)
# Messages to citizens and how their surveys ended: the center's (they name what was sent to whom).
CENTER_ONLY_EVENTS = (EventType.NOTIFICATION_ATTEMPT, EventType.SURVEY_CLOSED)


@policy.scope_rule(CaseEvent)
def _event_scope(user, queryset: QuerySet) -> QuerySet:
    """A case's timeline, less the supervision entries of orders addressed to others."""
    q = _held_or_governed_q(user)
    if q is None:
        return queryset
    theirs = Assignment.objects.filter(q).values("pk")
    queryset = queryset.exclude(type__in=CENTER_ONLY_EVENTS)
    return queryset.exclude(Q(type__in=SUPERVISION_EVENTS) & ~Q(assignment__in=theirs))


@policy.scope_rule(Attachment)
def _attachment_scope(user, queryset: QuerySet) -> QuerySet:
    """The files of the cases one sees; outside the center, a confidential reporter's files
    (those the citizen or the center added) stay hidden: only departments' own files show."""
    if is_center_staff(user):
        return queryset
    queryset = queryset.filter(case__in=_case_scope(user, Case.objects.all()))
    return queryset.exclude(case__confidential=True, source__in=CITIZENS_FILES)


CITIZENS_FILES = (AttachmentSource.CITIZEN, AttachmentSource.CENTER)


# ---------------------------------------------------------------- actions


@policy.rule("cases.view_case")
def _view_case(user, case: Case) -> bool:
    q = case_probe_q(user)
    if q is None:
        return True  # the center sees every case: no query
    return Case.objects.filter(q, pk=case.pk).exists()


@policy.rule("cases.view_assignment")
def _view_assignment(user, assignment: Assignment) -> bool:
    if works_for(user, assignment.department):
        return True  # their own department's assignment: visible by definition
    return policy.scope(user, Assignment.objects.filter(pk=assignment.pk)).exists()


@policy.rule("cases.see_every_case")
def _see_every_case(user, _obj) -> bool:
    """The user's scope is every case (the center's): a count of all the cases that cite an
    article is then exactly the list it opens (the knowledge base links its counts so)."""
    return user.is_authenticated and case_scope_q(user) is None


@policy.rule("cases.list_cases")
def _list_cases(user, _obj) -> bool:
    """The case list opens to the center and to departments' staff (each sees their scope)."""
    return is_center_staff(user) or bool(staff_departments(user, DEPARTMENT_ROLES))


@policy.rule("cases.work_as_center")
def _work_as_center(user, _case) -> bool:
    """Intake, dispatch, answer, transfer, merge, invalidate, urge, callback, close."""
    return is_center_staff(user)


@policy.rule("cases.supervise_work")
def _supervise_work(user, _case) -> bool:
    """Returns, disputes, extensions, reopen, park, supervision orders, reply review, take back."""
    return is_center_supervisor(user)


@policy.rule("cases.handle_assignment")
def _handle_assignment(user, assignment: Assignment) -> bool:
    """Sign, return, progress, extension requests, reply: the assignment's own department."""
    return works_for(user, assignment.department)


@policy.rule("cases.redispatch")
def _redispatch(user, assignment: Assignment) -> bool:
    """The staff of the district center holding the assignment re-dispatch inside it."""
    district = assignment.department
    return district.kind == Department.Kind.DISTRICT_CENTER and works_for(
        user, district, DEPARTMENT_ROLES | CENTER_ROLES
    )


@policy.rule("cases.answer_supervision")
def _answer_supervision(user, order: SupervisionOrder) -> bool:
    """The department the order is addressed to (or one above it) answers it."""
    return works_for(user, order.department)


@policy.rule("cases.see_callbacks")
def _see_callbacks(user, _case) -> bool:
    return is_center_staff(user)


@policy.rule("cases.filter_by_phone")
def _filter_by_phone(user, _obj) -> bool:
    """Searching by a citizen's phone number is the center's (departments would unmask it)."""
    return is_center_staff(user)


@policy.rule("cases.see_identity")
def _see_identity(user, _case) -> bool:
    """The citizen's identity stays in the center (`cases.privacy` says how much of it)."""
    return is_center_staff(user)


@policy.rule("cases.reveal_citizen")
def _reveal_citizen(user, _case) -> bool:
    """A center user may reveal a protected caller's phone (recorded); departments never."""
    return is_center_staff(user)


@policy.rule("cases.read_access_log")
def _read_access_log(user, _obj) -> bool:
    """The personal-data auditor (and superusers) read who revealed what."""
    return holds(user, Role.AUDITOR)


# ---------------------------------------------------------------- two-way transfers


@policy.rule("cases.view_transfer")
def _view_transfer(user, transfer: Transfer) -> bool:
    if works_for(user, transfer.partner, DEPARTMENT_ROLES | CENTER_ROLES):
        return True  # addressed to the user's own line: no query
    return policy.scope(user, Transfer.objects.filter(pk=transfer.pk)).exists()


@policy.rule("cases.handle_transfer")
def _handle_transfer(user, transfer: Transfer) -> bool:
    """The partner line a transfer is addressed to acknowledges and answers it."""
    return works_for(user, transfer.partner, DEPARTMENT_ROLES | CENTER_ROLES)


@policy.rule("cases.send_transfer")
def _send_transfer(user, _obj) -> bool:
    """A partner line's staff (its system's token) hand a case to the hotline."""
    return bool(partner_lines(user))


@policy.rule("cases.see_transfers")
def _see_transfers(user, _obj) -> bool:
    """The center's list of transfers waiting for a partner's answer."""
    return is_center_staff(user)


@policy.rule("cases.add_attachment")
def _add_attachment(user, case: Case) -> bool:
    """The center, or the staff of a department holding (or having held) an assignment for
    the case; whether that assignment is still open is the service's question (409)."""
    if is_center_staff(user):
        return True
    held = case.assignments.select_related("department")
    return any(works_for(user, assignment.department) for assignment in held)


@policy.rule("cases.download_original")
def _download_original(user, _attachment) -> bool:
    """The file as sent, EXIF and all: the center's; departments get the copy without it."""
    return is_center_staff(user)


@policy.rule("cases.record_position")
def _record_position(user, position: ConsultationPosition) -> bool:
    """The department invited to a joint consultation (or one above it) states its position."""
    return works_for(user, position.department)
