"""Every administration page, for every role: allowed, refused (403) or unseen (404).

The expected outcome comes from the role table, so these tests show that each page
asks for the capability it should, and nothing else.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.urls import reverse

from pontio.directory.models import Organisation, User
from pontio.directory.roles import ROLE_CAPABILITIES, Capability, Role
from tests.base import PontioTestCase

C = Capability
Kwargs = Callable[["CapabilityTests"], dict[str, object]]


def no_kwargs(case: PontioTestCase) -> dict[str, object]:
    return {}


def target_user(case: PontioTestCase) -> dict[str, object]:
    return {"code": case.users["la_user"].code}


def target_school(case: PontioTestCase) -> dict[str, object]:
    return {"estab": "6812003"}


def target_la(case: PontioTestCase) -> dict[str, object]:
    return {"la_code": "681"}


# (URL name, its arguments, the capabilities it needs, whether it changes things)
PAGES: list[tuple[str, Callable[[PontioTestCase], dict[str, object]], set[C], bool]] = [
    ("users", no_kwargs, {C.VIEW_USERS}, False),
    ("user_add", no_kwargs, {C.MANAGE_USERS}, True),
    ("user_detail", target_user, {C.VIEW_USERS}, False),
    ("user_role", target_user, {C.MANAGE_USERS}, True),
    ("user_delete", target_user, {C.MANAGE_USERS}, True),
    ("user_reset_password", target_user, {C.MANAGE_USERS}, True),
    ("schools", no_kwargs, {C.VIEW_SCHOOLS}, False),
    ("school_detail", target_school, {C.VIEW_SCHOOLS}, False),
    ("school_update", target_school, {C.MANAGE_SCHOOLS}, True),
    ("la", no_kwargs, {C.MANAGE_OWN_LA}, True),
    ("las", no_kwargs, {C.MANAGE_LAS}, False),
    ("la_add", no_kwargs, {C.MANAGE_LAS}, True),
    ("la_detail", target_la, {C.MANAGE_LAS}, False),
    ("la_update", target_la, {C.MANAGE_LAS}, True),
    ("la_user_add", target_la, {C.MANAGE_LAS, C.MANAGE_USERS}, True),
    ("user_list_csv", no_kwargs, {C.EXPORT_USER_LIST}, False),
]
ADMINISTRATION = {
    C.VIEW_USERS,
    C.MANAGE_USERS,
    C.VIEW_SCHOOLS,
    C.MANAGE_SCHOOLS,
    C.MANAGE_OWN_LA,
    C.MANAGE_LAS,
    C.EXPORT_USER_LIST,
}


class CapabilityTests(PontioTestCase):
    def url(
        self, name: str, kwargs: Callable[[PontioTestCase], dict[str, object]]
    ) -> str:
        return reverse(f"directory:{name}", kwargs=kwargs(self))

    def snapshot(self) -> list[object]:
        return [
            list(User.objects.order_by("pk").values_list("pk", "role", "password")),
            list(Organisation.objects.order_by("pk").values()),
        ]

    def test_every_administration_capability_has_a_page(self) -> None:
        needed = set().union(*(caps for _name, _kwargs, caps, _changes in PAGES))
        self.assertEqual(needed, ADMINISTRATION)

    def test_each_role_opens_exactly_the_pages_its_capabilities_allow(self) -> None:
        for role in Role:
            user = self.users[role]
            self.login(user)
            for name, kwargs, needed, _changes in PAGES:
                allowed = needed <= ROLE_CAPABILITIES[role]
                with self.subTest(role=role, page=name, allowed=allowed):
                    response = self.client.get(self.url(name, kwargs))
                    if not allowed:
                        self.assertEqual(response.status_code, 403)
                    elif name == "user_add" and role == Role.CENTRAL_ADMIN:
                        # Central administrators add users from an LA's page.
                        self.assertRedirects(response, reverse("directory:las"))
                    else:
                        self.assertEqual(response.status_code, 200)

    def test_a_role_without_the_capability_changes_nothing(self) -> None:
        before = self.snapshot()
        for role in Role:
            self.login(self.users[role])
            for name, kwargs, needed, changes in PAGES:
                if not changes or needed <= ROLE_CAPABILITIES[role]:
                    continue
                with self.subTest(role=role, page=name):
                    data = {
                        "role": Role.LA_DBA,
                        "name": "Changed",
                        "email": "a@b.gov.uk",
                    }
                    response = self.client.post(self.url(name, kwargs), data)
                    self.assertEqual(response.status_code, 403)
        self.assertEqual(self.snapshot(), before)

    def test_signed_out_visitors_are_sent_to_sign_in(self) -> None:
        for name, kwargs, _needed, _changes in PAGES:
            with self.subTest(page=name):
                response = self.client.get(self.url(name, kwargs))
                self.assertEqual(response.status_code, 302)
                self.assertNotIn("/manage/", response["Location"].split("?")[0])

    def test_another_las_users_and_schools_are_not_found(self) -> None:
        foreign_users = [self.other_dba, self.sender, self.users["central_admin"]]
        for role in (Role.LA_DBA, Role.LA_DBA_VIEW_ONLY):
            self.login(self.users[role])
            for name, _kwargs, needed, _changes in PAGES:
                if not needed <= ROLE_CAPABILITIES[role]:
                    continue
                targets: list[dict[str, object]] = []
                if name.startswith("user_") and name not in (
                    "user_add",
                    "user_list_csv",
                ):
                    targets = [{"code": user.code} for user in foreign_users]
                    targets.append({"code": uuid.uuid4()})
                elif name.startswith("school_"):
                    targets = [
                        {"estab": "8383321"},
                        {"estab": "681"},
                        {"estab": "6819999"},
                    ]
                for target in targets:
                    with self.subTest(role=role, page=name, target=target):
                        url = reverse(f"directory:{name}", kwargs=target)
                        self.assertEqual(self.client.get(url).status_code, 404)
                        self.assertEqual(self.client.post(url).status_code, 404)

    def test_las_are_isolated_from_each_other(self) -> None:
        self.login(self.other_dba)
        response = self.client.get(reverse("directory:users"))
        shown = {user.username for user in response.context["page"].object_list}
        self.assertEqual(shown, {"838dba", "8383321office", "8384512office"})
        response = self.client.get(reverse("directory:schools"))
        shown = {school.code for school in response.context["page"].object_list}
        self.assertEqual(shown, {"8383321", "8384512"})
        for name, kwargs in (
            ("user_detail", {"code": self.users["school"].code}),
            ("user_role", {"code": self.users["la_user"].code}),
            ("school_update", {"estab": "6812003"}),
        ):
            with self.subTest(page=name):
                url = reverse(f"directory:{name}", kwargs=kwargs)
                self.assertEqual(self.client.get(url).status_code, 404)
        self.login(self.other_dba)
        self.client.post(
            reverse("directory:la"), {"name": "Dorset", "email": "x@dorset.gov.uk"}
        )
        self.cardiff.refresh_from_db()
        self.assertEqual(self.cardiff.email, "cts@cardiff.example.gov.uk")

    def test_a_dbas_add_user_page_offers_only_its_own_organisations(self) -> None:
        self.login(self.other_dba)
        response = self.client.get(reverse("directory:user_add"))
        offered = [
            code
            for code, _label in response.context["form"]["organisation"].field.choices
        ]
        self.assertEqual(offered, ["838", "8383321", "8384512"])


class WelshPagesTests(PontioTestCase):
    def test_every_page_renders_in_welsh(self) -> None:
        for role in (Role.LA_DBA, Role.CENTRAL_ADMIN):
            self.login(self.users[role])
            for name, kwargs, needed, _changes in PAGES:
                if not needed <= ROLE_CAPABILITIES[role]:
                    continue
                with self.subTest(role=role, page=name):
                    url = reverse(f"directory:{name}", kwargs=kwargs(self))
                    response = self.client.get(url, HTTP_ACCEPT_LANGUAGE="cy")
                    self.assertIn(response.status_code, (200, 302))
