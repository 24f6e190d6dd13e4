from django.conf import settings
from django.test import Client, override_settings

from tests.base import PontioTestCase
from tests.web import require_static_build


class SecurityHeadersTests(PontioTestCase):
    def test_pages_carry_the_policy_and_are_never_cached(self):
        self.login(self.users["la_dba"])
        for path in ["/", "/privacy", "/no-such-page"]:
            with self.subTest(path=path):
                response = self.client.get(path)
                csp = response["Content-Security-Policy"]
                self.assertIn("script-src 'self'", csp)
                self.assertIn("style-src 'self'", csp)
                self.assertNotIn("unsafe-inline", csp)
                self.assertEqual(response["X-Frame-Options"], "DENY")
                self.assertIn("no-store", response["Cache-Control"])

    @override_settings(WHITENOISE_USE_FINDERS=True)
    def test_static_files_are_served_and_may_be_cached(self):
        require_static_build()
        client = Client()  # a new client loads the static files at its start
        for path in ["pontio.css", "pontio.js", "govuk/govuk-frontend.min.js"]:
            with self.subTest(path=path):
                response = client.get(settings.STATIC_URL + path)
                self.assertEqual(response.status_code, 200)
                self.assertNotIn("no-store", response["Cache-Control"])
                self.assertIn("max-age", response["Cache-Control"])
                response.close()
