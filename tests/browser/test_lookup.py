"""On a phone, a citizen looks up their request, reads the reply and adds a photo; a wrong
`phone_last4` shows the one answer that reveals nothing."""

import io

import pytest
from django.contrib.auth import get_user_model
from PIL import Image
from playwright.sync_api import expect

from cases import services
from cases.models import Attachment, CaseEvent
from departments.models import Department

pytestmark = pytest.mark.browser

PHONE_VIEWPORT = {"width": 390, "height": 844}  # a common phone, in CSS pixels
PHONE = "13812345678"
REPLY = "摊位已于周一清理，城管将持续巡查。"


@pytest.fixture
def replied_case(transactional_city):
    users = {u.username: u for u in get_user_model().objects.all()}
    case = services.register_case(
        actor=users["agent"],
        channel="phone",
        request_type="complaint",
        content="小区门口夜市占道经营。",
        citizen_name="王芳",
        citizen_phone=PHONE,
    )
    services.dispatch_case(
        case, actor=users["agent"], department=Department.objects.get(code="cgj")
    )
    assignment = case.assignments.get(role="main")
    services.sign_assignment(assignment, actor=users["handler"])
    services.add_progress(assignment, actor=users["handler"], note="内部：张承办已联系街道。")
    services.reply_assignment(assignment, actor=users["handler"], result="resolved", content=REPLY)
    case.refresh_from_db()
    return case


@pytest.fixture
def phone(browser, live_server, settings, tmp_path):
    """A phone-sized, touch browser (its own context: the shared one is a desktop window)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    context = browser.new_context(
        viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True, locale="en-US"
    )
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    yield context.new_page()
    context.close()


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), "orange").save(out, format="JPEG")
    return out.getvalue()


def test_a_citizen_looks_up_reads_the_reply_and_adds_a_photo(
    phone, live_server, replied_case, screenshot
):
    # a wrong last four digits: the one answer for every wrong pair
    phone.goto(f"{live_server.url}/lookup/")
    phone.fill("#id_number", replied_case.number)
    phone.fill("#id_phone_last4", "0000")
    phone.click("button:has-text('Look up')")
    expect(phone.locator("#lookup-error")).to_contain_text("No request matches")
    expect(phone.locator("#lookup-case")).to_have_count(0)
    assert REPLY not in phone.content()
    screenshot(phone, "lookup-wrong-pair")

    # the right pair: status in plain words, the reply, nothing internal
    phone.fill("#id_phone_last4", PHONE[-4:])
    phone.click("button:has-text('Look up')")
    expect(phone.locator("#lookup-status")).to_have_text("Handled; the hotline will call you back")
    expect(phone.locator("#lookup-reply")).to_have_text(REPLY)
    text = phone.content()
    assert "张承办" not in text and "王芳" not in text and PHONE not in text
    # the page fits the phone: nothing wider than the screen
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEWPORT["width"]
    screenshot(phone, "lookup-reply")

    # the citizen adds a photo and a word
    phone.fill("#id_text", "今晚又摆出来了。")
    phone.set_input_files(
        "#id_file", files=[{"name": "night.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}]
    )
    phone.click("button:has-text('Send')")
    expect(phone.locator(".messages")).to_contain_text("Thank you")

    # then the department's timeline has it, with the photo
    event = CaseEvent.objects.get(case=replied_case, type="citizen_information_added")
    attachment = Attachment.objects.get(case=replied_case)
    assert event.data["text"] == "今晚又摆出来了。" and event.data["attachment"] == attachment.pk
    assert attachment.source == "citizen" and attachment.thumbnail
    screenshot(phone, "lookup-added")
