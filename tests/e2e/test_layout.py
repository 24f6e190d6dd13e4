"""The layout in a real browser: styles and scripts load under the CSP."""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from playwright.sync_api import ConsoleMessage, Page, sync_playwright

from pontio.directory.models import Organisation, User
from pontio.directory.roles import Role
from tests.base import make_organisation, make_user
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


class LayoutBrowserTests(StaticLiveServerTestCase):
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
        make_organisation(Organisation.Kind.LA, "681", "Cardiff")
        school = make_organisation(
            Organisation.Kind.SCHOOL, "6812003", "Ysgol Pen y Bryn"
        )
        self.user = make_user("6812003office", school, Role.SCHOOL)
        self.context = self.browser.new_context()
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on("console", self.note_console)
        self.page.on("pageerror", lambda error: self.problems.append(str(error)))
        self.page.on(
            "response",
            lambda r: r.status >= 400 and self.problems.append(f"{r.status} {r.url}"),
        )

    def tearDown(self) -> None:
        self.context.close()

    def note_console(self, message: ConsoleMessage) -> None:
        if message.type in {"error", "warning"}:
            self.problems.append(f"{message.type}: {message.text}")

    def sign_in(self, page: Page, user: User) -> None:
        """Give the browser the session of a test client signed in as ``user``."""
        client = Client()
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.get().persistent_id
        session.save()
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session.session_key,
                    "domain": "localhost",
                    "path": "/",
                    "secure": True,
                    "httpOnly": True,
                    "sameSite": "Lax",
                }
            ]
        )

    def test_the_home_page_is_styled_and_free_of_console_errors(self):
        self.sign_in(self.page, self.user)
        self.page.goto(self.live_server_url + "/")
        self.page.wait_for_load_state("networkidle")
        self.assertEqual(self.page.url, self.live_server_url + "/")
        header = self.page.locator(".govuk-generic-header")
        background = header.evaluate("e => getComputedStyle(e).backgroundColor")
        self.assertNotIn(background, {"rgba(0, 0, 0, 0)", "transparent"})
        font = self.page.locator("h1").evaluate("e => getComputedStyle(e).fontFamily")
        self.assertIn("arial", font.lower())
        self.assertNotIn("GDS Transport", font)
        # The module ran: the page is marked as supported and the menu is enhanced.
        self.assertTrue(
            self.page.evaluate(
                "document.body.classList.contains('govuk-frontend-supported')"
            )
        )
        self.assertEqual(self.page.locator(".pontio-account-bar").count(), 1)
        self.assertEqual(self.problems, [])

    def test_the_language_switch_changes_the_page_language(self):
        self.sign_in(self.page, self.user)
        self.page.goto(self.live_server_url + "/privacy")
        self.assertEqual(self.page.locator("html").get_attribute("lang"), "en")
        self.page.locator("button[name=language][value=cy]").click()
        self.page.wait_for_load_state("networkidle")
        self.assertEqual(self.page.url, self.live_server_url + "/privacy")
        self.assertEqual(self.page.locator("html").get_attribute("lang"), "cy")
        self.page.locator("button[name=language][value=en]").click()
        self.page.wait_for_load_state("networkidle")
        self.assertEqual(self.page.locator("html").get_attribute("lang"), "en")
        self.assertEqual(self.problems, [])
