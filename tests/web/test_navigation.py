import re

from django.test import override_settings
from django.urls import reverse

from pontio.directory.roles import Role
from pontio.web.navigation import MENU
from tests.base import PontioTestCase

# What each role's menu shows, from seed 002 sections 1.6 and 3. Written out here,
# not derived from the role table, so that a change to either shows up.
EXPECTED_MENUS = {
    Role.SCHOOL: ["web:home", "transfers:inbox", "messaging:inbox", "account:index"],
    Role.LA_DBA: [
        "web:home",
        "transfers:inbox",
        "messaging:inbox",
        "reports:index",
        "directory:users",
        "directory:schools",
        "directory:la",
        "account:index",
    ],
    Role.LA_USER: [
        "web:home",
        "transfers:inbox",
        "messaging:inbox",
        "reports:index",
        "account:index",
    ],
    Role.LA_SCHOOL: [
        "web:home",
        "transfers:inbox",
        "messaging:inbox",
        "reports:index",
        "account:index",
    ],
    Role.LA_LOST_PUPIL: [
        "web:home",
        "transfers:inbox",
        "lostpupils:search",
        "messaging:inbox",
        "reports:index",
        "account:index",
    ],
    Role.LA_LOST_PUPIL_TRANSFER: [
        "web:home",
        "transfers:inbox",
        "lostpupils:search",
        "messaging:inbox",
        "reports:index",
        "account:index",
    ],
    Role.LA_DBA_VIEW_ONLY: [
        "web:home",
        "reports:index",
        "directory:users",
        "directory:schools",
        "account:index",
    ],
    Role.LA_PLASC: [
        "web:home",
        "transfers:inbox",
        "messaging:inbox",
        "reports:index",
        "account:index",
    ],
    Role.LA_ADMISSIONS: [
        "web:home",
        "transfers:inbox",
        "messaging:inbox",
        "reports:index",
        "account:index",
    ],
    Role.CENTRAL_ADMIN: [
        "web:home",
        "messaging:inbox",
        "reports:index",
        "directory:users",
        "directory:schools",
        "directory:las",
        "account:index",
    ],
}


def menu_links(html: str) -> list[str]:
    return re.findall(r'class="govuk-service-navigation__link" href="([^"]+)"', html)


@override_settings(ROOT_URLCONF="tests.web.urls_menu")
class NavigationTests(PontioTestCase):
    def test_every_role_sees_exactly_the_entries_of_its_capabilities(self):
        self.assertEqual(set(EXPECTED_MENUS), set(Role))
        for role, url_names in EXPECTED_MENUS.items():
            with self.subTest(role=role):
                self.login(self.users[role])
                html = self.client.get(reverse("web:home")).content.decode()
                self.assertEqual(menu_links(html), [reverse(n) for n in url_names])

    def test_the_menu_follows_the_role_table(self):
        for role in Role:
            with self.subTest(role=role):
                user = self.users[role]
                self.login(user)
                html = self.client.get(reverse("web:home")).content.decode()
                expected = [reverse(e.url_name) for e in MENU if e.is_for(user)]
                self.assertEqual(menu_links(html), expected)

    def test_a_deactivated_user_is_offered_nothing_but_home_and_account(self):
        user = self.users["la_dba"]
        user.is_active = False
        self.assertEqual(
            [e.url_name for e in MENU if e.is_for(user)],
            ["web:home", "account:index"],
        )

    def test_the_current_page_is_marked(self):
        self.login(self.users["la_dba"])
        html = self.client.get(reverse("web:home")).content.decode()
        self.assertRegex(
            html,
            r'<li class="govuk-service-navigation__item '
            r'govuk-service-navigation__item--active">\s*<a class="govuk-service-'
            r'navigation__link" href="/" aria-current="page">',
        )
        self.assertEqual(html.count("govuk-service-navigation__item--active"), 1)

    def test_the_dashboard_offers_the_same_sections_as_the_menu(self):
        self.login(self.users["la_lost_pupil"])
        html = self.client.get(reverse("web:home")).content.decode()
        cards = re.findall(
            r'<h3 class="govuk-heading-s"><a class="govuk-link" '
            r'href="([^"]+)"',
            html,
        )
        self.assertEqual(cards, menu_links(html)[1:])


class UnbuiltSectionsTests(PontioTestCase):
    def test_entries_whose_page_is_not_built_yet_are_left_out(self):
        self.login(self.users["la_lost_pupil_transfer"])
        html = self.client.get(reverse("web:home")).content.decode()
        links = menu_links(html)
        self.assertEqual(links[0], "/")
        self.assertNotIn("/lostpupils/search/", links)
        for link in links:
            with self.subTest(link=link):
                self.assertNotEqual(self.client.get(link).status_code, 404)
