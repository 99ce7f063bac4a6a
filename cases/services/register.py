"""Registering a case and acting on it in one step: the intake page and the API both do it.

Either both steps happen or neither: a refused dispatch, transfer, answer or merge leaves no
registered case behind, so the agent's form (or the partner system's request) can simply be
sent again once corrected. The routing basis of a dispatch is worked out from the fields before
the transaction starts: suggestions read the rules, the gazetteer and the classifier, which
must not run while rows (on SQLite, the database) are locked.
"""

from django.db import transaction

from cases.models import Case
from cases.services.dispatch import dispatch_case, routing_basis
from cases.services.intake import answer_case, merge_case, register_case, transfer_case

# What may follow the registration; "save" only registers.
INTAKE_VERBS = ("save", "answer", "dispatch", "transfer", "merge")


def register_and_act(
    *,
    actor,
    fields: dict,
    verb: str = "save",
    answer: str = "",
    articles=(),
    department=None,
    transfer_to=None,
    transfer_reason: str = "",
    parent: Case | None = None,
) -> Case:
    """Register the case from `fields`, then answer, dispatch, transfer or merge it."""
    basis = routing_basis(fields, department) if verb == "dispatch" and department else None
    return _register_and_act(
        actor=actor, fields=fields, verb=verb, answer=answer, articles=articles,
        department=department, basis=basis, transfer_to=transfer_to,
        transfer_reason=transfer_reason, parent=parent,
    )  # fmt: skip


@transaction.atomic  # not durable: an API call with an Idempotency-Key is the outer one
def _register_and_act(*, actor, fields, verb, answer, articles, department, basis, **other):
    case = register_case(actor=actor, **fields)
    if verb == "answer":
        answer_case(case, actor=actor, answer=answer, articles=articles)
    elif verb == "dispatch":
        dispatch_case(case, actor=actor, department=department, basis=basis)
    elif verb == "transfer":
        transfer_case(case, actor=actor, to=other["transfer_to"], reason=other["transfer_reason"])
    elif verb == "merge":
        merge_case(case, actor=actor, parent=other["parent"])
    case.refresh_from_db()
    return case
