import re

from django.urls import reverse
from django.utils import translation

from pontio.directory.roles import Role
from tests.base import PontioTestCase
from tests.web.test_layout import html_lang


class HomeTests(PontioTestCase):
    def test_every_role_gets_its_home_page(self):
        for role in Role:
            with self.subTest(role=role):
                user = self.users[role]
                self.login(user)
                response = self.client.get(reverse("web:home"))
                self.assertEqual(response.status_code, 200)
                self.assertTemplateUsed(response, "web/home.html")
                html = response.content.decode()
                main = re.search(r"<main[^>]*>(.*)</main>", html, re.S)
                assert main
                self.assertIn(str(user.get_role_display()), main.group(1))
                if not user.organisation.is_central:
                    self.assertIn(f"({user.organisation.code})", main.group(1))

    def test_an_organisations_name_is_escaped(self):
        self.school.name = "<script>alert(1)</script> Primary"
        self.school.save(update_fields=["name"])
        self.login(self.users["school"])
        html = self.client.get(reverse("web:home")).content.decode()
        self.assertNotIn("<script>alert", html)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt; Primary", html)

    def test_the_home_page_refuses_anonymous_visitors(self):
        response = self.client.get(reverse("web:home"))
        self.assertEqual(response.status_code, 302)


class InformationPagesTests(PontioTestCase):
    def test_privacy_and_accessibility_are_open_to_everyone(self):
        for name in ["web:privacy", "web:accessibility"]:
            with self.subTest(name=name):
                response = self.client.get(reverse(name))
                self.assertEqual(response.status_code, 200)

    def test_the_footer_links_to_them(self):
        html = self.client.get(reverse("web:accessibility")).content.decode()
        footer = re.search(r"<footer.*</footer>", html, re.S)
        assert footer
        links = re.findall(
            r'class="govuk-footer__link" href="([^"]+)"', footer.group(0)
        )
        self.assertEqual(
            links,
            [
                reverse("web:privacy"),
                reverse("web:privacy") + "#cookies",
                reverse("web:accessibility"),
            ],
        )
        privacy = self.client.get(reverse("web:privacy")).content.decode()
        self.assertIn('id="cookies"', privacy)


class WelshTests(PontioTestCase):
    def test_every_page_renders_in_welsh(self):
        self.login(self.users["la_dba"])
        self.client.post(reverse("set_language"), {"language": "cy", "next": "/"})
        for name in ["web:home", "web:privacy", "web:accessibility"]:
            with self.subTest(name=name), translation.override("cy"):
                response = self.client.get(reverse(name))
                self.assertEqual(response.status_code, 200)
                self.assertEqual(html_lang(response.content.decode()), "cy")
