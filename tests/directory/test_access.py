"""The guarded doors: who may reach which user, school and LA."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from pontio.directory import access
from pontio.directory.models import User
from pontio.directory.roles import Role
from tests.base import PontioTestCase, make_user


class UsersVisibleToTests(PontioTestCase):
    def cardiff_usernames(self) -> set[str]:
        return set(
            User.objects.filter(organisation__code__startswith="681").values_list(
                "username", flat=True
            )
        )

    def test_la_administrators_see_their_la_and_its_schools(self) -> None:
        for role in (Role.LA_DBA, Role.LA_DBA_VIEW_ONLY):
            with self.subTest(role=role):
                visible = access.users_visible_to(self.users[role])
                usernames = set(visible.values_list("username", flat=True))
                self.assertEqual(usernames, self.cardiff_usernames())

    def test_central_administrators_see_everyone(self) -> None:
        visible = access.users_visible_to(self.users["central_admin"])
        self.assertEqual(visible.count(), User.objects.count())

    def test_everybody_else_sees_nobody(self) -> None:
        for role in Role:
            if role in (Role.LA_DBA, Role.LA_DBA_VIEW_ONLY, Role.CENTRAL_ADMIN):
                continue
            with self.subTest(role=role):
                self.assertFalse(access.users_visible_to(self.users[role]).exists())
        self.assertFalse(access.users_visible_to(AnonymousUser()).exists())

    def test_an_inactive_administrator_sees_nobody(self) -> None:
        dba = self.users["la_dba"]
        dba.is_active = False
        self.assertFalse(access.users_visible_to(dba).exists())


class GetUserForTests(PontioTestCase):
    def test_finds_a_user_of_the_la_by_code(self) -> None:
        found = access.get_user_for(self.users["la_dba"], self.users["school"].code)
        self.assertEqual(found, self.users["school"])
        found = access.get_user_for(
            self.users["la_dba"], str(self.users["school"].code)
        )
        self.assertEqual(found, self.users["school"])

    def test_another_las_user_does_not_exist_for_a_dba(self) -> None:
        for target in (self.other_dba, self.sender, self.users["central_admin"]):
            with self.subTest(target=target.username), self.assertRaises(Http404):
                access.get_user_for(self.users["la_dba"], target.code)

    def test_integer_ids_and_rubbish_do_not_find_anyone(self) -> None:
        for code in (str(self.users["school"].pk), "not-a-uuid", "", "' OR 1=1 --"):
            with self.subTest(code=code), self.assertRaises(Http404):
                access.get_user_for(self.users["central_admin"], code)


class CheckCanManageUserTests(PontioTestCase):
    def test_dba_manages_the_las_ordinary_users(self) -> None:
        access.check_can_manage_user(self.users["la_dba"], self.users["la_user"])
        access.check_can_manage_user(self.users["la_dba"], self.users["school"])

    def test_dba_cannot_manage_another_dba(self) -> None:
        colleague = make_user("681dba2", self.cardiff, Role.LA_DBA)
        with self.assertRaises(PermissionDenied):
            access.check_can_manage_user(self.users["la_dba"], colleague)

    def test_view_only_dba_manages_nobody(self) -> None:
        with self.assertRaises(PermissionDenied):
            access.check_can_manage_user(
                self.users["la_dba_view_only"], self.users["la_user"]
            )

    def test_central_administrator_manages_a_dba(self) -> None:
        access.check_can_manage_user(self.users["central_admin"], self.users["la_dba"])


class SchoolAccessTests(PontioTestCase):
    def test_dba_sees_only_its_own_schools(self) -> None:
        visible = access.schools_visible_to(self.users["la_dba"])
        self.assertEqual(set(visible), {self.school, self.school2})

    def test_central_administrators_see_every_school(self) -> None:
        visible = access.schools_visible_to(self.users["central_admin"])
        self.assertEqual(visible.count(), 4)

    def test_another_las_school_does_not_exist_for_a_dba(self) -> None:
        for code in ("8383321", "681", "central", "6819999", "../681"):
            with self.subTest(code=code), self.assertRaises(Http404):
                access.get_school_for(self.users["la_dba"], code)

    def test_school_users_see_no_schools_here(self) -> None:
        self.assertFalse(access.schools_visible_to(self.users["school"]).exists())


class LaAccessTests(PontioTestCase):
    def test_an_la_user_reaches_only_their_own_la(self) -> None:
        self.assertEqual(access.get_la_for(self.users["la_dba"], "681"), self.cardiff)
        for code in ("838", "6812003", "central", "999"):
            with self.subTest(code=code), self.assertRaises(Http404):
                access.get_la_for(self.users["la_dba"], code)

    def test_central_administrators_reach_every_la(self) -> None:
        self.assertEqual(
            access.get_la_for(self.users["central_admin"], "838"), self.dorset
        )
        with self.assertRaises(Http404):
            access.get_la_for(self.users["central_admin"], "6812003")

    def test_a_school_user_reaches_no_la(self) -> None:
        with self.assertRaises(Http404):
            access.get_la_for(self.users["school"], "681")


class ServiceGuardTests(PontioTestCase):
    def test_a_dba_cannot_add_users_to_another_la_even_bypassing_the_page(self) -> None:
        from pontio.directory.services import users

        for organisation in (self.dorset, self.sending_school, self.central):
            with (
                self.subTest(organisation=organisation.code),
                self.assertRaises(PermissionDenied),
            ):
                users.create_user(
                    actor=self.users["la_dba"],
                    organisation=organisation,
                    username="sneaky1",
                    email="sneaky@example.gov.uk",
                    role=Role.SCHOOL,
                )
        self.assertFalse(User.objects.filter(username="sneaky1").exists())
