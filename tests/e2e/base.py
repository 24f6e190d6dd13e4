"""What every browser test shares: one headless Chromium for the class, a fresh
browser context per tab, the problems a page reports, and signing in with a test
client's session."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import Client, override_settings
from django_otp import DEVICE_ID_SESSION_KEY
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Playwright,
    Response,
    sync_playwright,
)

from pontio.directory.models import User
from tests.web import require_static_build

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SUBMIT = "main button[type=submit]"


# Chromium will not take a "__Host-" cookie added from outside a page, so the
# session cookie is renamed here; the server reads whichever name is set.
@override_settings(SESSION_COOKIE_NAME="pontio-session")
class BrowserTestCase(StaticLiveServerTestCase):
    """A live server and a Chromium tab, ``self.page``, that notes in
    ``self.problems`` every console error or warning, script error and HTTP
    error response."""

    playwright: ClassVar[Playwright]
    browser: ClassVar[Browser]

    @classmethod
    def setUpClass(cls) -> None:
        require_static_build()
        super().setUpClass()
        cls.playwright = sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )

    @classmethod
    def tearDownClass(cls) -> None:
        cls.browser.close()
        cls.playwright.stop()
        super().tearDownClass()

    def setUp(self) -> None:
        super().setUp()
        self.problems: list[str] = []
        self.page = self.new_page()

    def new_page(self) -> Page:
        """Open a tab in a browser context of its own (its own cookies)."""
        context = self.browser.new_context(accept_downloads=True)
        self.addCleanup(context.close)
        page = context.new_page()
        page.on("console", self.note_console)
        page.on("pageerror", lambda error: self.problems.append(str(error)))
        page.on("response", self.note_response)
        return page

    def note_console(self, message: ConsoleMessage) -> None:
        if message.type in {"error", "warning"}:
            self.problems.append(f"{message.type}: {message.text}")

    def note_response(self, response: Response) -> None:
        if response.status >= 400:
            self.problems.append(f"{response.status} {response.url}")

    def sign_in(self, user: User, page: Page | None = None) -> Page:
        """Give the tab's context the session of a test client signed in as
        ``user`` with a verified second factor, and return the tab."""
        page = page or self.page
        client = Client()
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.get().persistent_id
        session.save()
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": str(session.session_key),
                    "url": self.url("/"),
                    "secure": bool(settings.SESSION_COOKIE_SECURE),
                    "httpOnly": True,
                    "sameSite": "Lax",
                }
            ]
        )
        return page

    def url(self, path: str) -> str:
        return self.live_server_url + path

    def submit(self, page: Page | None = None, selector: str = SUBMIT) -> None:
        """Click ``selector`` and wait for the page it leads to."""
        page = page or self.page
        with page.expect_navigation():
            page.locator(selector).click()
