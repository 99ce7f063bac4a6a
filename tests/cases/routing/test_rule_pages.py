"""The supervisors' rule pages: access, bounded queries, versioned edits, simulation, returns."""

import pytest
from django.urls import reverse

from departments.models import ResponsibilityRule
from tests.routing_world import (
    FOOD,
    LIGHTS,
    category,
    department,
    make_rule,
)

pytestmark = pytest.mark.usefixtures("fresh_caches")


@pytest.fixture
def supervisor(client, users, settings):
    client.force_login(users["supervisor"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # read English labels
    return client


def test_anonymous_is_sent_to_sign_in_and_agents_are_refused(client, users):
    response = client.get(reverse("routing:rules"))
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(users["agent"])
    for name in ("routing:rules", "routing:rule-new", "routing:simulate", "routing:returns"):
        assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("size", [25, 100])
def test_the_rule_list_costs_the_same_queries_at_any_page_size(
    supervisor, django_assert_max_num_queries, size
):
    for n in range(size + 5):
        make_rule(f"rule {n:03d}", category_code=FOOD, to="scjgj", priority=n)
    with django_assert_max_num_queries(12):
        response = supervisor.get(reverse("routing:rules"), {"per_page": size})
    assert response.status_code == 200
    assert response.content.decode().count("/routing/rules/") >= size


def test_the_list_filters_by_words_and_state(supervisor):
    make_rule("Food → 市场监管局", category_code=FOOD, to="scjgj")
    make_rule("Lights → 城管局", category_code=LIGHTS, to="cgj")
    make_rule("Draft lights", category_code=LIGHTS, to="zjj", is_draft=True)
    page = supervisor.get(reverse("routing:rules"), {"q": "食品"}).content.decode()
    assert "Food → 市场监管局" in page and "Lights → 城管局" not in page
    drafts = supervisor.get(reverse("routing:rules"), {"state": "draft"}).content.decode()
    assert "Draft lights" in drafts and "Food → 市场监管局" not in drafts


def form_data(**extra) -> dict:
    return {
        "name": "Food → 市场监管局",
        "category": category(FOOD).pk,
        "department": department("scjgj").pk,
        "priority": 100,
        "include_words": "餐馆 饭店",
        "exclude_words": "",
        "reason": "市场监管局权责清单",
        "intent": "publish",
    } | extra


def test_a_supervisor_creates_a_rule_with_its_reason(supervisor, users):
    response = supervisor.post(reverse("routing:rule-new"), form_data())
    rule = ResponsibilityRule.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/routing/rules/{rule.pk}/"
    assert rule.include_words == ["餐馆", "饭店"] and not rule.is_draft
    revision = rule.revisions.get()
    assert (revision.changed_by, revision.reason) == (users["supervisor"], "市场监管局权责清单")
    page = supervisor.get(response["Location"]).content.decode()
    assert "市场监管局权责清单" in page and "Created" in page


def test_a_bad_rule_keeps_what_was_typed_and_names_the_problem(supervisor):
    response = supervisor.post(
        reverse("routing:rule-new"), form_data(department="", reason="", name="My rule")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "A rule names a department or a territorial level." in page
    assert 'value="My rule"' in page and "餐馆 饭店" in page
    assert not ResponsibilityRule.objects.exists()


def test_a_change_saved_as_draft_is_published_from_its_page(supervisor):
    rule = make_rule("Food", category_code=FOOD, to="scjgj")
    supervisor.post(
        reverse("routing:rule-edit", args=[rule.pk]),
        form_data(name="Food", department=department("wjw").pk, intent="draft", reason="试行"),
    )
    draft = ResponsibilityRule.objects.get(is_draft=True)
    assert draft.replaces == rule
    rule.refresh_from_db()
    assert rule.department.code == "scjgj"  # still in force unchanged
    response = supervisor.post(reverse("routing:rule-publish", args=[draft.pk]), {"reason": "定稿"})
    assert response["Location"] == f"/routing/rules/{rule.pk}/"
    rule.refresh_from_db()
    assert rule.department.code == "wjw"


def test_deactivating_needs_a_reason(supervisor):
    rule = make_rule("Food", category_code=FOOD, to="scjgj")
    supervisor.post(reverse("routing:rule-deactivate", args=[rule.pk]), {"reason": ""})
    rule.refresh_from_db()
    assert rule.is_active
    supervisor.post(reverse("routing:rule-deactivate", args=[rule.pk]), {"reason": "过时"})
    rule.refresh_from_db()
    assert not rule.is_active


def test_simulation_and_returns_pages(supervisor):
    page = supervisor.get(reverse("routing:simulate"), {"days": 30}).content.decode()
    assert "0 cases closed in the last 30 days" in page
    bad = supervisor.get(reverse("routing:simulate"), {"days": 0}).content.decode()
    assert "Ensure this value is greater than or equal to 1." in bad
    page = supervisor.get(reverse("routing:returns")).content.decode()
    assert "No accepted return or dispute in this period." in page
    wrong = supervisor.get(
        reverse("routing:returns"), {"since": "2026-05-02", "until": "2026-05-01"}
    )
    assert "The period ends before it starts." in wrong.content.decode()
