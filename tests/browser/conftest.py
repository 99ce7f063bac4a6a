"""Shared Playwright fixtures: Debian's Chromium, a 1366×768 window, a signed-in page per user.

The browser tests run against pytest-django's `live_server` with the demo city loaded
(`transactional_city`). Pages are shown in English (the `django_language` cookie), so tests can
read labels whatever the state of the Chinese catalog. The `screenshot` fixture,
`screenshot(page, name)`, writes `var/screenshots/<name>.png`.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

from hotline.demo.reference import DEMO_PASSWORD

# Playwright's sync API keeps an event loop in the main thread; the test body still uses the
# ORM synchronously (given/then steps), which Django allows only with this switch.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
VIEWPORT = {"width": 1366, "height": 768}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": VIEWPORT, "locale": "en-US"}


@pytest.fixture
def login_as(new_context, live_server, transactional_city):
    """A factory: `login_as("agent")` opens a new browser context signed in as that user."""

    def _login(username: str, password: str = DEMO_PASSWORD):
        context = new_context()
        context.set_default_timeout(15_000)
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
        )
        page = context.new_page()
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    return _login


@pytest.fixture
def agent_page(login_as):
    return login_as("agent")


@pytest.fixture
def supervisor_page(login_as):
    return login_as("supervisor")


@pytest.fixture
def handler_page(login_as):
    return login_as("handler")


def save_screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under var/screenshots/ and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def screenshot():
    """`screenshot(page, "name")` writes var/screenshots/name.png."""
    return save_screenshot
