from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from tests.base import PontioTestCase
from tests.web.test_layout import html_lang, language_switch


@override_settings(ROOT_URLCONF="tests.web.urls")
class ErrorPagesTests(PontioTestCase):
    def test_an_unknown_address_is_404_in_the_layout(self):
        for signed_in in [False, True]:
            with self.subTest(signed_in=signed_in):
                if signed_in:
                    self.login(self.users["school"])
                response = self.client.get("/transfers/../../etc/passwd%00")
                self.assertEqual(response.status_code, 404)
                self.assertTemplateUsed(response, "web/errors/404.html")
                language_switch(response.content.decode())

    def test_a_refused_action_is_403_in_the_layout(self):
        self.login(self.users["la_dba_view_only"])
        response = self.client.get("/test/forbidden")
        self.assertEqual(response.status_code, 403)
        self.assertTemplateUsed(response, "web/errors/403.html")
        self.assertIn("govuk-service-navigation__list", response.content.decode())

    def test_a_suspicious_request_is_400(self):
        response = self.client.get("/test/suspicious")
        self.assertEqual(response.status_code, 400)
        self.assertTemplateUsed(response, "web/errors/400.html")

    def test_a_request_for_another_host_is_400(self):
        response = self.client.get("/privacy", HTTP_HOST="evil.example")
        self.assertEqual(response.status_code, 400)
        self.assertTemplateUsed(response, "web/errors/400.html")

    def test_a_fault_is_500_and_shows_nothing_of_it(self):
        client = Client(raise_request_exception=False)
        self.login(self.users["school"], client)
        response = client.get("/test/fails")
        self.assertEqual(response.status_code, 500)
        self.assertTemplateUsed(response, "web/errors/500.html")
        html = response.content.decode()
        self.assertNotIn("RuntimeError", html)
        self.assertNotIn("must not see", html)

    def test_error_pages_speak_the_users_language(self):
        self.client.post(reverse("set_language"), {"language": "cy", "next": "/"})
        response = self.client.get("/no-such-page")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(html_lang(response.content.decode()), "cy")

    @override_settings(CSRF_FAILURE_VIEW="pontio.web.views.csrf_failure")
    def test_a_form_without_its_csrf_token_is_refused_with_an_explanation(self):
        client = Client(enforce_csrf_checks=True)
        self.login(self.users["school"], client)
        response = client.post(reverse("set_language"), {"language": "cy"})
        self.assertEqual(response.status_code, 403)
        self.assertTemplateUsed(response, "web/errors/csrf.html")
        self.assertNotIn(settings.LANGUAGE_COOKIE_NAME, client.cookies)
