import re

from django.conf import settings
from django.shortcuts import resolve_url
from django.test import override_settings
from django.urls import reverse

from tests.base import PontioTestCase

# Pages every visitor may open, and pages that need a signed-in user.
PUBLIC_PAGES = ["/privacy", "/accessibility", "/no-such-page"]
SIGNED_IN_PAGES = ["/", *PUBLIC_PAGES]


def language_switch(html: str) -> dict[str, str]:
    """The language switch form: its action, return path and offered languages."""
    form = re.search(
        r'<nav class="govuk-language-navigation[^"]*"[^>]*>\s*<form method="post" '
        r'action="([^"]+)">(.*?)</form>',
        html,
        re.S,
    )
    assert form, "no language switch on the page"
    action, body = form.groups()
    next_path = re.search(r'name="next" value="([^"]*)"', body)
    assert next_path
    assert 'name="csrfmiddlewaretoken"' in body
    offered = re.findall(r'name="language" value="([a-z]+)"', body)
    return {"action": action, "next": next_path.group(1), "offered": ",".join(offered)}


def html_lang(html: str) -> str:
    match = re.search(r'<html lang="([a-z-]+)"', html)
    assert match
    return match.group(1)


class LayoutTests(PontioTestCase):
    def test_every_page_has_the_language_switch_for_anonymous_visitors(self):
        for path in PUBLIC_PAGES:
            with self.subTest(path=path):
                html = self.client.get(path).content.decode()
                switch = language_switch(html)
                self.assertEqual(switch["action"], reverse("set_language"))
                self.assertEqual(switch["next"], path)
                self.assertEqual(switch["offered"], "cy")

    def test_every_page_has_the_language_switch_for_signed_in_users(self):
        self.login(self.users["school"])
        for path in SIGNED_IN_PAGES:
            with self.subTest(path=path):
                html = self.client.get(path).content.decode()
                self.assertEqual(language_switch(html)["next"], path)

    def test_the_switch_returns_to_the_same_page_with_its_query(self):
        html = self.client.get("/privacy?section=cookies").content.decode()
        self.assertEqual(language_switch(html)["next"], "/privacy?section=cookies")

    def test_switching_to_welsh_sets_the_cookie_and_the_page_language(self):
        self.login(self.users["la_user"])
        self.assertEqual(html_lang(self.client.get("/").content.decode()), "en")
        response = self.client.post(
            reverse("set_language"), {"language": "cy", "next": "/privacy"}
        )
        self.assertRedirects(response, "/privacy", fetch_redirect_response=False)
        self.assertEqual(self.client.cookies[settings.LANGUAGE_COOKIE_NAME].value, "cy")
        html = self.client.get("/").content.decode()
        self.assertEqual(html_lang(html), "cy")
        self.assertEqual(language_switch(html)["offered"], "en")

    def test_switching_back_to_english(self):
        self.client.post(reverse("set_language"), {"language": "cy", "next": "/"})
        self.client.post(reverse("set_language"), {"language": "en", "next": "/"})
        html = self.client.get("/privacy").content.decode()
        self.assertEqual(html_lang(html), "en")

    def test_the_switch_refuses_to_send_the_user_to_another_site(self):
        response = self.client.post(
            reverse("set_language"),
            {"language": "cy", "next": "https://evil.example/phish"},
        )
        self.assertEqual(response.status_code, 302)
        self.assertNotIn("evil.example", response["Location"])

    def test_the_layout_names_the_users_organisation_and_role(self):
        self.login(self.users["school"])
        html = self.client.get("/").content.decode()
        bar = re.search(r'<div class="pontio-account-bar">(.*?)</div>', html, re.S)
        assert bar
        self.assertIn("6812003", bar.group(1))
        self.assertIn(str(self.users["school"].get_role_display()), bar.group(1))

    @override_settings(ROOT_URLCONF="tests.web.urls_menu")
    def test_signing_out_is_a_post_form(self):
        self.login(self.users["school"])
        html = self.client.get("/").content.decode()
        action = re.escape(reverse("account:sign_out"))
        self.assertRegex(
            html,
            rf'<form class="pontio-account-bar__form" method="post" action="{action}">'
            r'\s*<input type="hidden" name="csrfmiddlewaretoken"',
        )

    def test_anonymous_visitors_see_no_menu_and_no_account(self):
        html = self.client.get("/privacy").content.decode()
        self.assertNotIn("govuk-service-navigation__list", html)
        self.assertNotIn("pontio-account-bar__form", html)

    def test_the_layout_links_the_stylesheet_and_the_script_module(self):
        html = self.client.get("/privacy").content.decode()
        self.assertIn('<link rel="stylesheet" href="/static/pontio.css">', html)
        self.assertIn('<script type="module" src="/static/pontio.js"></script>', html)

    def test_pages_carry_no_inline_script_or_style(self):
        self.login(self.users["la_dba"])
        for path in SIGNED_IN_PAGES:
            with self.subTest(path=path):
                html = self.client.get(path).content.decode()
                self.assertNotRegex(html, r"<script(?![^>]*\bsrc=)")
                self.assertNotRegex(html, r"<style|\sstyle=|\son[a-z]+=")

    def test_the_home_page_sends_anonymous_visitors_to_sign_in(self):
        response = self.client.get("/")
        self.assertRedirects(
            response,
            f"{resolve_url(settings.LOGIN_URL)}?next=/",
            fetch_redirect_response=False,
        )


@override_settings(ROOT_URLCONF="tests.web.urls")
class MessagesTests(PontioTestCase):
    def test_messages_appear_as_notification_banners(self):
        self.login(self.users["school"])
        response = self.client.get("/test/tells", follow=True)
        html = response.content.decode()
        self.assertIn(
            'class="govuk-notification-banner govuk-notification-banner--success" '
            'role="alert" aria-labelledby="notification-title-1"',
            html,
        )
        self.assertIn(
            'class="govuk-notification-banner" role="region" '
            'aria-labelledby="notification-title-2"',
            html,
        )
        self.assertEqual(html.count('class="govuk-notification-banner__heading"'), 2)
