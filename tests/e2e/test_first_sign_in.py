"""A new user's first sign-in in a real browser: new password, authenticator app,
recovery codes, then the home page."""

from __future__ import annotations

from base64 import b32decode

from django_otp.oath import totp

from pontio.directory.models import Organisation, User
from pontio.directory.roles import Role
from tests.base import PASSWORD, make_organisation
from tests.e2e.base import BrowserTestCase

NEW_PASSWORD = "lighthouse over cardiff bay"


class FirstSignInBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        make_organisation(Organisation.Kind.LA, "681", "Cardiff")
        school = make_organisation(
            Organisation.Kind.SCHOOL, "6812003", "Ysgol Pen y Bryn"
        )
        # As an administrator creates it: a first password, to be changed.
        self.user = User.objects.create_user(
            username="6812003office",
            password=PASSWORD,
            email="office@6812003.example.sch.uk",
            organisation=school,
            role=Role.SCHOOL,
            must_change_password=True,
        )

    def test_a_new_user_changes_password_enrols_and_reaches_home(self):
        page = self.page
        page.goto(self.url("/account/sign-in/"))
        page.fill("input[name=username]", "6812003office")
        page.fill("input[name=password]", PASSWORD)
        self.submit()
        self.assertEqual(page.url, self.url("/account/password/"))

        page.fill("input[name=new_password1]", NEW_PASSWORD)
        page.fill("input[name=new_password2]", NEW_PASSWORD)
        self.submit()
        self.assertEqual(page.url, self.url("/account/sign-in/authenticator/"))

        qr_width = page.locator("img.pontio-qr-code").evaluate(
            "img => img.naturalWidth"
        )
        self.assertGreater(qr_width, 0)
        secret = page.locator("#totp-secret").inner_text().replace(" ", "")
        code = totp(b32decode(secret))
        page.fill("input[name=code]", f"{code:06d}")
        self.submit()
        codes = page.locator("#recovery-codes li").all_inner_texts()
        self.assertEqual(len(codes), 10)

        with page.expect_navigation():
            page.locator("main a.govuk-button").click()
        self.assertEqual(page.url, self.url("/"))
        self.assertEqual(page.locator("h1").count(), 1)
        self.assertEqual(self.problems, [])

        self.user.refresh_from_db()
        self.assertFalse(self.user.must_change_password)
        self.assertTrue(self.user.check_password(NEW_PASSWORD))
        self.assertTrue(self.user.totpdevice_set.get().confirmed)
