"""Compose a secure message and read it, in a real browser."""

from __future__ import annotations

from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django_otp.oath import totp
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, sync_playwright

from pontio.directory.models import Organisation, User
from pontio.directory.roles import Role
from pontio.messaging.models import Delivery, Message
from tests.base import PASSWORD, make_organisation, make_user
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
BODY = "Please send the CTF for the pupil who left in June."


class MessagingBrowserTests(StaticLiveServerTestCase):
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
        make_organisation(Organisation.Kind.LA, "838", "Dorset")
        school = make_organisation(
            Organisation.Kind.SCHOOL, "6812003", "Ysgol Pen y Bryn"
        )
        sending = make_organisation(Organisation.Kind.SCHOOL, "8383321", "Stickland's")
        self.reader = make_user("6812003office", school, Role.SCHOOL)
        self.writer = make_user("8383321office", sending, Role.SCHOOL)
        self.problems: list[str] = []

    def signed_in_page(self, user: User) -> tuple[BrowserContext, Page]:
        """A browser signed in as ``user`` through the sign-in pages."""
        context = self.browser.new_context()
        page = context.new_page()
        page.on("console", self.note_console)
        page.on("pageerror", lambda error: self.problems.append(str(error)))
        page.goto(self.live_server_url + "/account/sign-in/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        self.click_and_wait(page, "main button[type=submit]")
        device = user.totpdevice_set.get()
        code = totp(device.bin_key, device.step, device.t0, device.digits)
        page.fill("input[name=code]", f"{code:06d}")
        self.click_and_wait(page, "main button[type=submit]")
        self.assertEqual(page.url, self.live_server_url + "/")
        return context, page

    def note_console(self, message: ConsoleMessage) -> None:
        if message.type in {"error", "warning"}:
            self.problems.append(f"{message.type}: {message.text}")

    def click_and_wait(self, page: Page, selector: str) -> None:
        with page.expect_navigation():
            page.locator(selector).click()

    def test_a_school_writes_to_another_school_which_reads_it(self) -> None:
        context, page = self.signed_in_page(self.writer)
        page.goto(self.live_server_url + "/messages/new/")
        self.click_and_wait(page, "#next")
        page.fill("input[name=school_numbers]", "681 2003")
        self.click_and_wait(page, "#add-recipients")
        self.assertEqual(page.locator("input[name=chosen]:checked").count(), 1)
        page.fill("input[name=subject]", "CTF request")
        page.fill("textarea[name=body]", BODY)
        self.click_and_wait(page, "#send")
        message = Message.objects.get()
        self.assertEqual(
            page.url, f"{self.live_server_url}/messages/sent/{message.code}/"
        )
        self.assertEqual(
            page.locator("#unread-count").get_attribute("data-unread"), "1"
        )
        context.close()

        context, page = self.signed_in_page(self.reader)
        page.goto(self.live_server_url + "/messages/")
        row = page.locator(f'tr[data-code="{message.code}"]')
        self.assertEqual(row.get_attribute("data-read"), "false")
        with page.expect_navigation():
            row.locator("td:nth-child(3) a").click()
        self.assertIn(BODY, page.locator("#message-body").inner_text())
        self.assertTrue(page.locator("[data-pontio-print]").is_visible())
        page.emulate_media(media="print")
        self.assertFalse(page.locator("#reply").is_visible())
        self.assertTrue(page.locator("#message-body").is_visible())
        page.emulate_media(media="screen")
        page.goto(self.live_server_url + "/messages/")
        self.assertEqual(
            page.locator(f'tr[data-code="{message.code}"]').get_attribute("data-read"),
            "true",
        )
        self.assertIsNotNone(Delivery.objects.get().read_at)
        self.assertEqual(self.problems, [])
        context.close()
