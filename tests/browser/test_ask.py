"""A citizen asks the self-service dialogue, is not helped, and gets a case number."""

import pytest
from playwright.sync_api import expect

from cases.models import Case
from knowledgebase.demo import FAQ
from knowledgebase.importexport import import_articles

pytestmark = pytest.mark.browser


def test_citizen_asks_then_escalates_to_a_case(page, live_server, transactional_city, screenshot):
    # given the demo FAQ articles
    with FAQ.open(encoding="utf-8") as handle:
        import_articles(handle)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.set_default_timeout(60_000)
    page.goto(f"{live_server.url}/ask/")

    # when the citizen asks a question in plain words
    page.fill("#id_question", "社保卡丢了怎么补办")
    page.click("button:has-text('Ask')")
    answer = page.locator(".turn .answer").first
    expect(answer).to_contain_text("社会保障卡补办流程")
    expect(answer.locator(".source")).to_be_visible()
    screenshot(page, "ask-answer")

    # and says it did not help, leaving contact details
    page.click("summary:has-text('This did not help')")
    page.fill("#id_name", "王市民")
    page.fill("#id_phone", "13800005678")
    page.click("button:has-text('Call me back')")

    # then a case number is shown and the case holds the conversation
    number = page.locator(".case-number")
    expect(number).to_be_visible()
    case = Case.objects.get(number=number.inner_text().strip())
    assert case.channel == "web" and case.citizen_phone == "13800005678"
    assert "社保卡丢了怎么补办" in case.content
