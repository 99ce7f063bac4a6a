"""Changing responsibility rules: every change is a revision with who and why.

A supervisor either changes a rule at once or saves a draft; a draft of an existing rule
(`replaces`) is published by copying its fields onto that rule, so the rule keeps its id (and
its history of returns), and the draft's revisions move with it.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import policy
from core.errors import ActionForbidden, InvalidInput, TransitionNotAllowed
from core.text import join_clauses
from departments.models import ResponsibilityRule, RuleRevision

EDITABLE_FIELDS = (
    "name",
    "category",
    "region",
    "request_types",
    "include_words",
    "exclude_words",
    "department",
    "territorial",
    "priority",
    "valid_from",
    "valid_until",
    "source_document",
)


def snapshot(rule: ResponsibilityRule) -> dict:
    """The rule's content as JSON: codes for the things it points to."""
    return {
        "name": rule.name,
        "category": rule.category.code if rule.category_id else None,
        "region": rule.region.code if rule.region_id else None,
        "request_types": list(rule.request_types or []),
        "include_words": list(rule.include_words or []),
        "exclude_words": list(rule.exclude_words or []),
        "department": rule.department.code if rule.department_id else None,
        "territorial": rule.territorial,
        "priority": rule.priority,
        "valid_from": rule.valid_from.isoformat() if rule.valid_from else None,
        "valid_until": rule.valid_until.isoformat() if rule.valid_until else None,
        "source_document": rule.source_document,
        "is_active": rule.is_active,
        "is_draft": rule.is_draft,
    }


def _ensure_supervisor(actor) -> None:
    if not policy.can(actor, "departments.change_rules"):
        raise ActionForbidden(_("only supervisors change responsibility rules"))


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("say why the rule changes"), field="reason")
    return reason[:200]


def _save_valid(rule: ResponsibilityRule) -> None:
    try:
        rule.full_clean(exclude=["replaces"])
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise InvalidInput(join_clauses(messages), field=field) from error
    rule.save()


def _revise(rule, action: str, *, actor, reason: str) -> RuleRevision:
    return RuleRevision.objects.create(
        rule=rule, action=action, snapshot=snapshot(rule), changed_by=actor, reason=reason
    )


@transaction.atomic
def create_rule(*, actor, fields: dict, reason: str, draft: bool = False) -> ResponsibilityRule:
    """A new rule, in force at once or as a draft to simulate first."""
    _ensure_supervisor(actor)
    reason = _reason(reason)
    rule = ResponsibilityRule(**{k: fields[k] for k in EDITABLE_FIELDS if k in fields})
    rule.is_draft = draft
    _save_valid(rule)
    action = RuleRevision.Action.DRAFTED if draft else RuleRevision.Action.CREATED
    _revise(rule, action, actor=actor, reason=reason)
    return rule


@transaction.atomic
def change_rule(
    rule: ResponsibilityRule, *, actor, fields: dict, reason: str, draft: bool = False
) -> ResponsibilityRule:
    """Change a rule now, or (draft=True on a rule in force) save the change as its draft."""
    _ensure_supervisor(actor)
    reason = _reason(reason)
    rule = ResponsibilityRule.objects.select_for_update().get(pk=rule.pk)
    if draft and not rule.is_draft:
        target = ResponsibilityRule(is_draft=True, replaces=rule)
        for name in EDITABLE_FIELDS:
            setattr(target, name, getattr(rule, name))
    else:
        target = rule
    for name in EDITABLE_FIELDS:
        if name in fields:
            setattr(target, name, fields[name])
    _save_valid(target)
    action = RuleRevision.Action.DRAFTED if target.is_draft else RuleRevision.Action.CHANGED
    _revise(target, action, actor=actor, reason=reason)
    return target


@transaction.atomic
def publish_rule(draft: ResponsibilityRule, *, actor, reason: str) -> ResponsibilityRule:
    """Put a draft in force: a new rule becomes active, a change is copied onto its rule."""
    _ensure_supervisor(actor)
    reason = _reason(reason)
    draft = ResponsibilityRule.objects.select_for_update().get(pk=draft.pk)
    if not draft.is_draft:
        raise TransitionNotAllowed(_("rule '%(rule)s' is already published") % {"rule": draft.name})
    if draft.replaces_id is None:
        draft.is_draft = False
        draft.save(update_fields=["is_draft", "updated_at"])
        _revise(draft, RuleRevision.Action.PUBLISHED, actor=actor, reason=reason)
        return draft
    rule = ResponsibilityRule.objects.select_for_update().get(pk=draft.replaces_id)
    for name in EDITABLE_FIELDS:
        setattr(rule, name, getattr(draft, name))
    _save_valid(rule)
    RuleRevision.objects.filter(rule=draft).update(rule=rule)
    draft.delete()
    _revise(rule, RuleRevision.Action.PUBLISHED, actor=actor, reason=reason)
    return rule


@transaction.atomic
def deactivate_rule(rule: ResponsibilityRule, *, actor, reason: str) -> ResponsibilityRule:
    """Take a rule (or a draft) out of use; it stays, with its history."""
    _ensure_supervisor(actor)
    reason = _reason(reason)
    rule = ResponsibilityRule.objects.select_for_update().get(pk=rule.pk)
    if not rule.is_active:
        raise TransitionNotAllowed(_("rule '%(rule)s' is already inactive") % {"rule": rule.name})
    rule.is_active = False
    rule.save(update_fields=["is_active", "updated_at"])
    _revise(rule, RuleRevision.Action.DEACTIVATED, actor=actor, reason=reason)
    return rule
