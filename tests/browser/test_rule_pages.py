"""A supervisor writes a responsibility rule in a real browser and routing uses it at once."""

import pytest
from playwright.sync_api import expect

from cases.routing import ruleset as compiled
from cases.routing.suggestions import suggest
from departments import gazetteer
from departments.models import ResponsibilityRule

pytestmark = pytest.mark.browser


def test_supervisor_adds_a_rule_and_the_next_suggestion_follows_it(login_as, live_server):
    compiled.invalidate()
    gazetteer.invalidate()
    # given a supervisor on the rules page
    page = login_as("supervisor")
    page.click("text=Routing rules")
    page.click("text=New rule")
    # when they write a rule for food safety with its reason
    page.fill("#id_name", "Food safety → 市场监督管理局")
    page.select_option("#id_category", label="0708 食品安全")
    page.select_option("#id_department", label="长沙市市场监督管理局")
    page.fill("#id_source_document", "长沙市市场监督管理局权责清单")
    page.fill("#id_reason", "三定方案")
    page.click("button[name=intent][value=publish]")
    # then the rule page shows it with who changed it and why
    expect(page.locator("h1")).to_contain_text("Food safety → 市场监督管理局")
    expect(page.locator("#revisions")).to_contain_text("三定方案")
    rule = ResponsibilityRule.objects.get(name="Food safety → 市场监督管理局")
    assert rule.revisions.get().changed_by.username == "supervisor"
    # and routing uses it at once
    [found] = suggest({"category": "070801", "content": "餐馆卫生差"})
    assert found.department.code == "scjgj" and found.rule.id == rule.pk
    # and a form error keeps what was typed
    page.click("text=New rule")
    page.fill("#id_name", "Half a rule")
    page.click("button[name=intent][value=publish]")
    expect(page.locator("#id_name")).to_have_value("Half a rule")
    expect(page.locator("#rule-form")).to_contain_text("This field is required.")
