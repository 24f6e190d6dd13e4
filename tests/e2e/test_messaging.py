"""Compose a secure message and read it, in a real browser."""

from __future__ import annotations

from pontio.directory.models import Organisation
from pontio.directory.roles import Role
from pontio.messaging.models import Delivery, Message
from tests.base import make_organisation, make_user
from tests.e2e.base import BrowserTestCase

BODY = "Please send the CTF for the pupil who left in June."


class MessagingBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        make_organisation(Organisation.Kind.LA, "681", "Cardiff")
        make_organisation(Organisation.Kind.LA, "838", "Dorset")
        school = make_organisation(
            Organisation.Kind.SCHOOL, "6812003", "Ysgol Pen y Bryn"
        )
        sending = make_organisation(Organisation.Kind.SCHOOL, "8383321", "Stickland's")
        self.reader = make_user("6812003office", school, Role.SCHOOL)
        self.writer = make_user("8383321office", sending, Role.SCHOOL)

    def test_a_school_writes_to_another_school_which_reads_it(self) -> None:
        page = self.sign_in(self.writer)
        page.goto(self.url("/messages/new/"))
        self.assertEqual(page.url, self.url("/messages/new/"))
        self.submit(page, "#next")
        page.fill("input[name=school_numbers]", "681 2003")
        self.submit(page, "#add-recipients")
        self.assertEqual(page.locator("input[name=chosen]:checked").count(), 1)
        page.fill("input[name=subject]", "CTF request")
        page.fill("textarea[name=body]", BODY)
        self.submit(page, "#send")
        message = Message.objects.get()
        self.assertEqual(page.url, self.url(f"/messages/sent/{message.code}/"))
        self.assertEqual(
            page.locator("#unread-count").get_attribute("data-unread"), "1"
        )

        page = self.sign_in(self.reader, self.new_page())
        page.goto(self.url("/messages/"))
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
        page.goto(self.url("/messages/"))
        self.assertEqual(
            page.locator(f'tr[data-code="{message.code}"]').get_attribute("data-read"),
            "true",
        )
        self.assertIsNotNone(Delivery.objects.get().read_at)
        self.assertEqual(self.problems, [])
