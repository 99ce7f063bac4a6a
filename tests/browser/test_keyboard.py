"""The agent keeps both hands on the keyboard (issue 17): the register-and-dispatch journey with
key presses only, and the intake page at 1366×768 with the routing suggestion above the fold.

`tab_to` presses Tab until the focus is where the agent wants to be (never a click, never a
`focus()`), so the tests fail when a control cannot be reached from the keyboard.
"""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from cases import services
from cases.models import Case
from departments.models import Department
from departments.rule_services import create_rule
from hotline.demo.reference import DEMO_PASSWORD
from knowledgebase import services as kb
from tests.browser.conftest import SCREENSHOTS, VIEWPORT

pytestmark = pytest.mark.browser


def tab_to(page, selector: str, *, presses: int = 80, back: bool = False) -> None:
    """Press Tab (Shift+Tab with `back`) until the focused element matches `selector`."""
    for _ in range(presses):
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)",
                         selector):  # fmt: skip
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def sign_in_by_keyboard(new_context, live_server, username: str):
    context = new_context()
    context.set_default_timeout(15_000)
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    tab_to(page, "#id_username")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    return page


def pick(page, control: str, typed: str, shown: str) -> None:
    """Tab to a picker, type the pinyin initials, choose the highlighted option with Enter."""
    tab_to(page, control)
    page.keyboard.type(typed, delay=30)
    dropdown = control.replace("-ts-control", "-ts-dropdown")
    expect(page.locator(f"{dropdown} .option.active")).to_contain_text(shown)
    page.keyboard.press("Enter")


def test_register_and_dispatch_with_the_keyboard_only(new_context, live_server, transactional_city):
    # given an agent signed in (by keyboard) with a caller on the line
    agent = sign_in_by_keyboard(new_context, live_server, "agent")
    tab_to(agent, "a[href='/cases/new/']")
    agent.keyboard.press("Enter")
    agent.wait_for_url(re.compile(r"/cases/new/$"))

    # when the agent types the call, moving from field to field with Tab
    tab_to(agent, "#id_citizen_phone")  # autofocused: the caller is talking
    agent.keyboard.type("13812345678")
    tab_to(agent, "#id_citizen_name")
    agent.keyboard.type("王女士")
    tab_to(agent, "#id_request_type")
    agent.keyboard.type("Com")  # a select's type-ahead: Complaint
    expect(agent.locator("#id_request_type")).to_have_value("complaint")
    tab_to(agent, "#id_address")
    agent.keyboard.type("天心区坡子街街道 太平街12号", delay=20)
    expect(agent.locator("#id_region_label")).to_have_value(re.compile("坡子街"))
    expect(agent.locator("#region-suggestions button")).to_have_count(0)  # chosen: box closed
    tab_to(agent, "#id_category_search")
    agent.keyboard.type("占道", delay=30)
    expect(agent.locator("#category-suggestions button").first).to_be_visible()
    agent.keyboard.press("ArrowDown")  # into the suggestions
    agent.keyboard.press("Enter")
    expect(agent.locator("#id_category")).not_to_have_value("")
    tab_to(agent, "#id_content")
    agent.keyboard.type("每天晚上小区门口有摊贩占道经营，噪音很大。", delay=5)
    # and saves the case (Enter on the Save button)
    tab_to(agent, "button[name=intent][value=save]", back=True)
    agent.keyboard.press("Enter")
    agent.wait_for_url(re.compile(r"/cases/\d{13}/$"))
    number = re.search(r"/cases/(\d{13})/", agent.url).group(1)

    # and dispatches it from the case page: 城管局 as main, 住建局 as co-handler, by initials
    tab_to(agent, "#action-dispatch summary")
    if agent.locator("#action-dispatch").get_attribute("open") is None:
        agent.keyboard.press("Enter")
    pick(agent, "#dispatch_department-ts-control", "cgj", "城市管理")
    pick(agent, "#dispatch_co_departments-ts-control", "zjj", "住房和城乡建设")
    agent.keyboard.press("Escape")  # close the co-handlers' list
    tab_to(agent, "#action-dispatch button[type=submit]")
    agent.keyboard.press("Enter")

    # then the case is dispatched to both, and nothing was clicked
    expect(agent.locator("#case-status")).to_have_text("Dispatched")
    case = Case.objects.get(number=number)
    assert case.main_department.code == "cgj"
    assert case.region.name.startswith("坡子街") and case.category is not None
    codes = set(case.assignments.values_list("department__code", flat=True))
    assert codes == {"cgj", "zjj"}


def test_the_routing_suggestion_is_above_the_fold_at_1366x768(
    login_as, live_server, transactional_city
):
    # given a rule that routes street vending to 城管局, many long articles that match the
    # call, and a caller who has called ten times before
    supervisor_rule(Department.objects.get(code="cgj"))
    articles_about_street_vending()
    earlier_calls("13812345678", 10)
    agent = login_as("agent")
    assert agent.viewport_size == VIEWPORT

    # when the agent types the call on the intake page
    agent.goto(f"{live_server.url}/cases/new/")
    agent.locator("#id_citizen_phone").press_sequentially("13812345678")
    expect(agent.locator("#caller-history li")).to_have_count(10)
    agent.locator("#id_content").press_sequentially("小区门口有摊贩占道经营，晚上很吵。", delay=5)
    route = agent.locator("#assist-routing button[name=intent]").first
    expect(route).to_be_visible()
    expect(agent.locator("#assist-articles .article-hit").first).to_be_visible()

    # then the routing suggestion is on the first screen, whatever the knowledge hits below it
    assert agent.evaluate("window.scrollY") == 0
    box = route.bounding_box()
    assert box and box["y"] + box["height"] <= VIEWPORT["height"], box
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    agent.screenshot(path=str(SCREENSHOTS / "intake-1366x768.png"))  # the first screen only


def supervisor_rule(department):
    supervisor = get_user_model().objects.get(username="supervisor")
    fields = {"name": "占道经营 → 城管局", "department": department, "include_words": ["占道"]}
    return create_rule(actor=supervisor, fields=fields, reason="截图测试")


def earlier_calls(phone: str, count: int):
    agent = get_user_model().objects.get(username="agent")
    for i in range(count):
        services.register_case(
            actor=agent,
            channel="phone",
            request_type="complaint",
            content=f"第{i + 1}次反映：楼下商铺占道堆放杂物，影响通行。",
            citizen_phone=phone,
        )


def articles_about_street_vending():
    users = get_user_model().objects.in_bulk(["editor", "reviewer"], field_name="username")
    owner = Department.objects.get(code="sub-12333")
    for i in range(6):
        article = kb.create_article(
            actor=users["editor"],
            department=owner,
            # worded like the call, so that they clear the suggestions' relevance floor
            title=f"小区门口有摊贩占道经营、晚上很吵怎么投诉（{i + 1}）",
            answer="小区门口摊贩占道经营、晚上很吵，由城管部门负责查处，可拨打12345反映具体地点"
            "和时间。" * 6,
        )
        kb.submit_article(article, actor=users["editor"])
        kb.publish_article(article, actor=users["reviewer"])
