"""End-to-end journeys through the workbench in a real headless Chromium, as people work.

Each test drives the pages the way an agent, a handler or a supervisor would (typing, picking
suggestions, clicking), then checks the case in the database. Screenshots of the main pages go to
var/screenshots/.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from cases import services
from cases.choices import Status
from cases.models import Case
from departments.models import Department
from knowledgebase import services as kb

pytestmark = pytest.mark.browser


def case_number_from(page) -> str:
    match = re.search(r"/cases/(\d{13})/", page.url)
    assert match, page.url
    return match.group(1)


def open_action(page, name: str):
    """Open an action's <details> on the case page and return its form."""
    details = page.locator(f"#action-{name}")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    return details.locator("form")


def test_phone_case_from_intake_to_closed_callback(login_as, live_server, screenshot):
    # given an agent on the intake page with a caller on the line
    agent = login_as("agent")
    screenshot(agent, "home-agent")
    agent.click("text=New case")
    agent.fill("#id_citizen_phone", "13812345678")
    agent.fill("#id_citizen_name", "王女士")
    agent.select_option("#id_request_type", "complaint")
    # when the address is typed, the region is suggested and filled in
    agent.locator("#id_address").press_sequentially("天心区坡子街街道 太平街12号", delay=10)
    expect(agent.locator("#id_region_label")).to_have_value(re.compile("坡子街"))
    agent.locator("#id_category_search").press_sequentially("占道", delay=20)
    agent.locator("#category-suggestions button").first.click()
    expect(agent.locator("#id_category")).not_to_have_value("")
    agent.fill("#id_title", "夜市摊贩占道经营")
    agent.locator("#id_content").press_sequentially("每天晚上小区门口有摊贩占道经营，噪音很大。")
    expect(agent.locator("#assist-routing")).to_be_visible()
    screenshot(agent, "intake")
    # and the agent dispatches it to the city management bureau
    agent.locator("details", has_text="Dispatch to a department").locator("summary").click()
    cgj = Department.objects.get(code="cgj")
    agent.select_option("#id_department", str(cgj.pk))
    agent.click("button[name=intent][value=dispatch]")
    expect(agent.locator("#case-status")).to_have_text("Dispatched")
    number = case_number_from(agent)
    screenshot(agent, "case-dispatched")

    # then the handler finds it on the work list, signs and replies
    handler = login_as("handler")
    screenshot(handler, "home-handler")
    handler.click(f"#handler-queues >> text={number}")
    expect(handler.locator("#citizen-phone")).to_have_text("138****5678")
    open_action(handler, "sign").locator("button[type=submit]").click()
    expect(handler.locator("#case-status")).to_have_text("In progress")
    reply = open_action(handler, "reply")
    reply.locator("select[name=result]").select_option("resolved")
    reply.locator("textarea[name=content]").fill("已联系街道清理摊点，并安排巡查。")
    reply.locator("button[type=submit]").click()
    expect(handler.locator("#case-status")).to_have_text("Replied")
    screenshot(handler, "case-replied")

    # and the agent calls back from the queue: satisfied, case closed
    agent.goto(f"{live_server.url}/cases/callbacks/")
    row = agent.locator(f"#callback-{number}")
    row.locator("summary").click()
    row.locator("input[name=reached][value=yes]").check()
    row.locator("select[name=resolved]").select_option("yes")
    row.locator("select[name=satisfaction]").select_option("satisfied")
    screenshot(agent, "callbacks")
    row.locator("button[type=submit]").click()
    expect(agent.locator(".messages")).to_contain_text("Callback recorded")
    case = Case.objects.get(number=number)
    assert case.status == Status.CLOSED
    assert case.satisfaction == "satisfied"
    assert case.region.name == "坡子街街道"

    agent.goto(f"{live_server.url}/cases/?status=closed")
    expect(agent.locator("table.cases")).to_contain_text(number)
    screenshot(agent, "case-list")


def test_consultation_answered_from_the_knowledge_base(login_as, screenshot):
    # given a published article of the 12333 sub-center about social insurance
    editor, reviewer = (get_user_model().objects.get(username=n) for n in ("editor", "reviewer"))
    article = kb.create_article(
        actor=editor,
        department=Department.objects.get(code="sub-12333"),
        title="灵活就业人员如何缴纳养老保险",
        questions=["个体户怎么交社保", "灵活就业 养老保险"],
        answer="可携带身份证到社保经办窗口或通过湘税社保平台登记缴纳。",
        keywords=["灵活就业", "养老保险", "社保"],
    )
    kb.publish_article(kb.submit_article(article, actor=editor), actor=reviewer)
    agent = login_as("agent")
    agent.goto(agent.url + "cases/new/")
    agent.select_option("#id_request_type", "consultation")
    agent.fill("#id_citizen_phone", "13900002222")
    # when the agent types the question, the article appears beside the form
    agent.locator("#id_content").press_sequentially("请问灵活就业人员怎么缴纳养老保险？", delay=10)
    hit = agent.locator(".article-hit", has_text="灵活就业人员如何缴纳养老保险")
    expect(hit).to_be_visible()
    screenshot(agent, "intake-knowledge")
    hit.locator("button", has_text="Answer with this").click()

    # then the case is registered and answered in one go
    expect(agent.locator("#case-status")).to_have_text("Answered")
    case = Case.objects.get(number=case_number_from(agent))
    assert case.status == Status.ANSWERED
    assert "社保经办窗口" in case.answer


def test_handler_returns_and_supervisor_redispatches(login_as, screenshot):
    # given a complaint dispatched to the city management bureau by mistake
    agent_user = Department.objects.get(code="center").memberships.get(role="agent").user
    case = services.register_case(
        actor=agent_user,
        channel="phone",
        request_type="complaint",
        content="超市出售过期食品，要求查处。",
        citizen_phone="13700003333",
    )
    services.dispatch_case(case, actor=agent_user, department=Department.objects.get(code="cgj"))

    # when the handler returns it, naming who should handle it
    handler = login_as("handler")
    handler.click(f"#handler-queues >> text={case.number}")
    back = open_action(handler, "return")
    back.locator("textarea[name=reason]").fill("食品安全不属于城管职责，应由市场监管局处理。")
    scjgj = Department.objects.get(code="scjgj")
    back.locator("select[name=suggested_department]").select_option(str(scjgj.pk))
    back.locator("button[type=submit]").click()
    expect(handler.locator("#case-status")).to_have_text("Return under review")

    # then the supervisor accepts the return from the review queue and re-dispatches
    supervisor = login_as("supervisor")
    screenshot(supervisor, "home-supervisor")
    supervisor.click(f"#supervisor-queues >> text={case.number}")
    open_action(supervisor, "accept_return").locator("button[type=submit]").click()
    expect(supervisor.locator("#case-status")).to_have_text("Registered")
    dispatch = open_action(supervisor, "dispatch")
    dispatch.locator("select[name=department]").select_option(str(scjgj.pk))
    dispatch.locator("button[type=submit]").click()
    expect(supervisor.locator("#case-status")).to_have_text("Dispatched")
    screenshot(supervisor, "case-redispatched")
    case.refresh_from_db()
    assert case.main_department == scjgj
    assert case.status == Status.DISPATCHED


def test_intake_error_keeps_what_the_agent_typed(agent_page, live_server, screenshot):
    agent_page.goto(f"{live_server.url}/cases/new/")
    agent_page.fill("#id_citizen_phone", "not a phone")
    agent_page.fill("#id_citizen_name", "赵先生")
    agent_page.fill("#id_content", "路灯坏了三天没人修。")
    agent_page.click("button[name=intent][value=save]")

    expect(agent_page.locator(".errorlist")).to_be_visible()
    expect(agent_page.locator("#id_citizen_name")).to_have_value("赵先生")
    expect(agent_page.locator("#id_content")).to_have_value("路灯坏了三天没人修。")
    screenshot(agent_page, "intake-error")
    assert not Case.objects.filter(citizen_name="赵先生").exists()
