"""Changing rules: versioned with who and why, drafts, publishing, refusals."""

import pytest

from cases.routing import ruleset as compiled
from core.errors import ActionForbidden, InvalidInput, TransitionNotAllowed
from departments import rule_services
from departments.models import ResponsibilityRule, RuleRevision
from tests.routing_world import (
    FOOD,
    category,
    department,
    make_rule,
)

pytestmark = pytest.mark.usefixtures("fresh_caches")


def food_fields(**extra) -> dict:
    return {
        "name": "Food → 市场监管局",
        "category": category(FOOD),
        "department": department("scjgj"),
    } | extra


def test_creating_a_rule_records_who_and_why(users):
    rule = rule_services.create_rule(
        actor=users["supervisor"], fields=food_fields(), reason="市场监管局三定方案"
    )
    revision = rule.revisions.get()
    assert (revision.action, revision.changed_by, revision.reason) == (
        "created",
        users["supervisor"],
        "市场监管局三定方案",
    )
    assert revision.snapshot["category"] == FOOD and revision.snapshot["department"] == "scjgj"


def test_changing_a_rule_keeps_every_version(users):
    rule = rule_services.create_rule(actor=users["supervisor"], fields=food_fields(), reason="a")
    rule_services.change_rule(
        rule, actor=users["supervisor"], fields={"priority": 20}, reason="more urgent"
    )
    snapshots = [r.snapshot["priority"] for r in rule.revisions.order_by("id")]
    assert snapshots == [100, 20]
    assert list(rule.revisions.order_by("id").values_list("action", flat=True)) == [
        "created",
        "changed",
    ]


def test_a_draft_change_leaves_the_rule_in_force_until_published(users):
    rule = make_rule("Food", category_code=FOOD, to="scjgj")
    draft = rule_services.change_rule(
        rule,
        actor=users["supervisor"],
        fields={"department": department("wjw")},
        reason="proposal",
        draft=True,
    )
    assert draft.pk != rule.pk and draft.is_draft and draft.replaces == rule
    assert [r.department_id for r in compiled.build_published().rules] == [rule.department_id]
    assert [r.id for r in compiled.build_draft().rules] == [draft.pk]
    # when published, the rule keeps its id and takes the draft's content and history
    published = rule_services.publish_rule(draft, actor=users["supervisor"], reason="agreed")
    assert published.pk == rule.pk and published.department.code == "wjw"
    assert not ResponsibilityRule.objects.filter(pk=draft.pk).exists()
    actions = list(rule.revisions.order_by("id").values_list("action", flat=True))
    assert actions == ["drafted", "published"]


def test_a_new_draft_is_published_in_place(users):
    draft = rule_services.create_rule(
        actor=users["supervisor"], fields=food_fields(), reason="new list", draft=True
    )
    assert compiled.build_published().rules == []
    rule_services.publish_rule(draft, actor=users["supervisor"], reason="go")
    draft.refresh_from_db()
    assert not draft.is_draft
    with pytest.raises(TransitionNotAllowed):
        rule_services.publish_rule(draft, actor=users["supervisor"], reason="again")


def test_deactivating_keeps_the_rule_and_its_history(users):
    rule = make_rule("Food", category_code=FOOD, to="scjgj")
    rule_services.deactivate_rule(rule, actor=users["supervisor"], reason="merged into another")
    rule.refresh_from_db()
    assert not rule.is_active and rule.revisions.get().action == "deactivated"


def test_only_supervisors_change_rules(users):
    with pytest.raises(ActionForbidden):
        rule_services.create_rule(actor=users["agent"], fields=food_fields(), reason="x")
    assert not ResponsibilityRule.objects.exists()


@pytest.mark.parametrize(
    ("fields", "reason", "field"),
    [
        (None, "", "reason"),
        ({"department": None}, "x", "__all__"),
    ],
)
def test_bad_changes_are_refused_and_nothing_is_written(users, fields, reason, field):
    given = food_fields() | (fields or {})
    with pytest.raises(InvalidInput) as refused:
        rule_services.create_rule(actor=users["supervisor"], fields=given, reason=reason)
    assert refused.value.field == field
    assert not ResponsibilityRule.objects.exists() and not RuleRevision.objects.exists()


def test_a_period_that_ends_before_it_starts_is_refused(users):
    import datetime

    fields = food_fields(
        valid_from=datetime.date(2026, 5, 1), valid_until=datetime.date(2026, 4, 1)
    )
    with pytest.raises(InvalidInput, match="ends after it starts"):
        rule_services.create_rule(actor=users["supervisor"], fields=fields, reason="x")


def test_a_rule_saved_in_the_admin_is_versioned_too(client, users):
    client.force_login(users["supervisor"])
    users["supervisor"].is_superuser = True
    users["supervisor"].save()
    response = client.post(
        "/admin/departments/responsibilityrule/add/",
        {
            "name": "Food (admin)",
            "category": category(FOOD).pk,
            "department": department("scjgj").pk,
            "request_types": "[]",
            "include_words": "[]",
            "exclude_words": "[]",
            "priority": 100,
            "is_active": "on",
            "revisions-TOTAL_FORMS": 0,
            "revisions-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    revision = ResponsibilityRule.objects.get(name="Food (admin)").revisions.get()
    assert (revision.action, revision.changed_by, revision.reason) == (
        "created",
        users["supervisor"],
        "edited in the admin",
    )
