"""The layout in a real browser: styles and scripts load under the CSP."""

from __future__ import annotations

from pontio.directory.models import Organisation
from pontio.directory.roles import Role
from tests.base import make_organisation, make_user
from tests.e2e.base import BrowserTestCase


class LayoutBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        make_organisation(Organisation.Kind.LA, "681", "Cardiff")
        school = make_organisation(
            Organisation.Kind.SCHOOL, "6812003", "Ysgol Pen y Bryn"
        )
        self.user = make_user("6812003office", school, Role.SCHOOL)

    def test_the_home_page_is_styled_and_free_of_console_errors(self):
        self.sign_in(self.user)
        self.page.goto(self.url("/"))
        self.page.wait_for_load_state("networkidle")
        self.assertEqual(self.page.url, self.url("/"))
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
        self.sign_in(self.user)
        self.page.goto(self.url("/privacy"))
        self.assertEqual(self.page.locator("html").get_attribute("lang"), "en")
        self.page.locator("button[name=language][value=cy]").click()
        self.page.wait_for_load_state("networkidle")
        self.assertEqual(self.page.url, self.url("/privacy"))
        self.assertEqual(self.page.locator("html").get_attribute("lang"), "cy")
        self.page.locator("button[name=language][value=en]").click()
        self.page.wait_for_load_state("networkidle")
        self.assertEqual(self.page.locator("html").get_attribute("lang"), "en")
        self.assertEqual(self.problems, [])
