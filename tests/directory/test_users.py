"""User maintenance by LA database administrators (seed 002 sections 3.2 to 3.7)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from pontio.audit.models import AuditEvent
from pontio.directory.models import User
from pontio.directory.roles import Role
from tests.base import PontioTestCase, make_user


def error_codes(response: Any) -> dict[str | None, list[str]]:
    """The codes of a page's form errors, by field (None: the whole form)."""
    form = response.context["form"]
    return {
        (None if field == "__all__" else field): [error.code for error in errors]
        for field, errors in form.errors.as_data().items()
    }


def new_user_data(**fields: str) -> dict[str, str]:
    data = {
        "organisation": "681",
        "username": "681bjones",
        "first_name": "Bethan",
        "last_name": "Jones",
        "email": "bethan.jones@cardiff.example.gov.uk",
        "role": Role.LA_USER,
    }
    data.update(fields)
    return data


class AddUserTests(PontioTestCase):
    url = reverse("directory:user_add")

    def setUp(self) -> None:
        self.dba = self.users["la_dba"]
        self.login(self.dba)

    def test_dba_adds_an_la_user_who_must_set_a_password(self) -> None:
        response = self.client.post(self.url, new_user_data())
        user = User.objects.get(username="681bjones")
        self.assertRedirects(
            response, reverse("directory:user_detail", kwargs={"code": user.code})
        )
        self.assertEqual(user.organisation, self.cardiff)
        self.assertEqual(user.role, Role.LA_USER)
        self.assertTrue(user.must_change_password)
        self.assertFalse(user.has_usable_password())
        event = AuditEvent.objects.get(action="user.created")
        self.assertEqual(event.actor_id, self.dba.pk)
        self.assertEqual(event.object_ref, str(user.code))

    def test_username_and_link_arrive_in_separate_emails(self) -> None:
        self.client.post(self.url, new_user_data())
        self.run_tasks()
        mails = [m for m in self.mail() if m["To"] == new_user_data()["email"]]
        self.assertEqual(len(mails), 2)
        bodies = [m.get_body(("plain",)).get_content() for m in mails]
        with_username = [body for body in bodies if "681bjones" in body]
        with_link = [body for body in bodies if "/account/" in body]
        self.assertEqual(len(with_username), 1)
        self.assertEqual(len(with_link), 1)
        self.assertNotEqual(with_username, with_link)

    def test_dba_adds_a_user_to_one_of_its_schools(self) -> None:
        data = new_user_data(organisation="6812004", role=Role.SCHOOL)
        self.client.post(self.url, data)
        user = User.objects.get(username="681bjones")
        self.assertEqual(user.organisation, self.school2)

    def test_refuses_a_school_of_another_la(self) -> None:
        data = new_user_data(organisation="8383321", role=Role.SCHOOL)
        response = self.client.post(self.url, data)
        self.assertEqual(error_codes(response), {"organisation": ["invalid_choice"]})
        self.assertFalse(User.objects.filter(username="681bjones").exists())

    def test_only_central_administrators_create_an_las_dba(self) -> None:
        response = self.client.post(self.url, new_user_data(role=Role.LA_DBA))
        self.assertEqual(error_codes(response), {"role": ["invalid_choice"]})
        self.assertFalse(User.objects.filter(username="681bjones").exists())

    def test_refuses_an_la_role_for_a_school_user(self) -> None:
        data = new_user_data(organisation="6812003", role=Role.LA_PLASC)
        response = self.client.post(self.url, data)
        self.assertEqual(
            error_codes(response), {"role": ["role_does_not_fit_organisation"]}
        )

    def test_refuses_a_second_la_school_account(self) -> None:
        response = self.client.post(self.url, new_user_data(role=Role.LA_SCHOOL))
        self.assertEqual(error_codes(response), {"role": ["one_la_school_account"]})
        self.assertEqual(User.objects.filter(role=Role.LA_SCHOOL).count(), 1)

    def test_refuses_personal_email_domains(self) -> None:
        for address in (
            "b.jones@gmail.com",
            "b.jones@GoogleMail.com",
            "b.jones@hotmail.co.uk",
            "b.jones@HOTMAIL.COM",
            "b.jones@mail.yahoo.com",
            "b.jones@yahoo.fr",
            "b.jones@outlook.com",
            "b.jones@live.co.uk",
            "b.jones@msn.com",
            "b.jones@icloud.com",
            "b.jones@me.com",
            "b.jones@aol.com",
            "b.jones@protonmail.com",
            "b.jones@gmx.de",
            "b.jones@mail.com",
            "b.jones@yandex.ru",
        ):
            with self.subTest(address=address):
                response = self.client.post(self.url, new_user_data(email=address))
                self.assertEqual(
                    error_codes(response), {"email": ["personal_email_domain"]}
                )
        self.assertFalse(User.objects.filter(username="681bjones").exists())

    def test_accepts_work_domains_that_merely_resemble_personal_ones(self) -> None:
        for index, address in enumerate(
            ("b@notgmail.com", "b@live.cardiff.gov.uk", "b@gmail.com.example.org")
        ):
            with self.subTest(address=address):
                username = f"681bjones{index}"
                data = new_user_data(email=address, username=username)
                response = self.client.post(self.url, data)
                self.assertEqual(response.status_code, 302)

    def test_refuses_usernames_that_are_not_alphanumeric(self) -> None:
        for username in ("681 bjones", "681-bjones", "681bjones!", "b", "681bjönes"):
            with self.subTest(username=username):
                response = self.client.post(self.url, new_user_data(username=username))
                self.assertEqual(
                    error_codes(response), {"username": ["invalid_username"]}
                )

    def test_usernames_are_unique_and_case_sensitive(self) -> None:
        taken = self.client.post(self.url, new_user_data(username="6812003office"))
        self.assertEqual(error_codes(taken), {"username": ["username_taken"]})
        other_case = self.client.post(self.url, new_user_data(username="6812003Office"))
        self.assertEqual(other_case.status_code, 302)

    def test_offers_only_the_roles_the_dba_may_grant(self) -> None:
        response = self.client.get(self.url)
        offered = {
            value for value, _label in response.context["form"]["role"].field.choices
        }
        self.assertNotIn(Role.LA_DBA, offered)
        self.assertNotIn(Role.CENTRAL_ADMIN, offered)
        self.assertIn(Role.LA_DBA_VIEW_ONLY, offered)
        self.assertIn(Role.SCHOOL, offered)


class UserDetailTests(PontioTestCase):
    def test_dba_sees_details_but_never_a_password(self) -> None:
        account = self.users["la_user"]
        self.login(self.users["la_dba"])
        url = reverse("directory:user_detail", kwargs={"code": account.code})
        response = self.client.get(url)
        self.assertContains(response, account.username)
        self.assertContains(response, account.email)
        self.assertNotContains(response, account.password)
        self.assertNotContains(response, account.password.split("$")[-1])

    def test_the_integer_id_never_finds_a_user(self) -> None:
        self.login(self.users["la_dba"])
        response = self.client.get(f"/manage/users/{self.users['la_user'].pk}/")
        self.assertEqual(response.status_code, 404)

    def test_list_filters_by_organisation(self) -> None:
        self.login(self.users["la_dba"])
        response = self.client.get(
            reverse("directory:users"), {"organisation": "6812003"}
        )
        shown = {user.username for user in response.context["page"].object_list}
        self.assertEqual(shown, {"6812003office"})

    def test_list_shows_the_la_and_its_schools_only(self) -> None:
        self.login(self.users["la_dba_view_only"])
        response = self.client.get(reverse("directory:users"))
        shown = {user.username for user in response.context["page"].object_list}
        self.assertIn("6812003office", shown)
        self.assertIn("681la_user", shown)
        self.assertNotIn("838dba", shown)
        self.assertNotIn("8383321office", shown)
        self.assertNotIn("wgadmin", shown)


class ChangeRoleTests(PontioTestCase):
    def setUp(self) -> None:
        self.account = self.users["la_user"]
        self.url = reverse("directory:user_role", kwargs={"code": self.account.code})

    def test_dba_changes_a_role_and_the_user_is_told(self) -> None:
        self.login(self.users["la_dba"])
        response = self.client.post(self.url, {"role": Role.LA_PLASC})
        self.assertRedirects(
            response,
            reverse("directory:user_detail", kwargs={"code": self.account.code}),
        )
        self.account.refresh_from_db()
        self.assertEqual(self.account.role, Role.LA_PLASC)
        event = AuditEvent.objects.get(action="user.role_changed")
        self.assertEqual(event.details["previous_role"], Role.LA_USER)
        self.assertEqual(event.details["role"], Role.LA_PLASC)
        self.run_tasks()
        self.assertEqual([m["To"] for m in self.mail()], [self.account.email])

    def test_role_change_email_is_in_the_users_language(self) -> None:
        self.account.language = User.Language.WELSH
        self.account.save(update_fields=["language"])
        self.login(self.users["la_dba"])
        self.client.post(self.url, {"role": Role.LA_PLASC})
        self.run_tasks()
        (mail,) = self.mail()
        self.assertIn('lang="cy"', mail.get_body(("html",)).get_content())

    def test_granting_an_administrative_role_tells_the_administrators(self) -> None:
        self.login(self.users["la_dba"])
        self.client.post(self.url, {"role": Role.LA_DBA_VIEW_ONLY})
        self.run_tasks()
        recipients = sorted(m["To"] for m in self.mail())
        expected = sorted(
            [
                self.account.email,  # told of the change
                self.users["la_dba"].email,
                self.users["central_admin"].email,
            ]
        )
        self.assertEqual(recipients, expected)
        self.assertNotIn(self.other_dba.email, recipients)

    def test_only_the_role_can_be_changed(self) -> None:
        self.login(self.users["la_dba"])
        self.client.post(
            self.url,
            {"role": Role.LA_PLASC, "email": "x@example.org", "username": "renamed"},
        )
        self.account.refresh_from_db()
        self.assertEqual(self.account.username, "681la_user")
        self.assertNotEqual(self.account.email, "x@example.org")

    def test_dba_cannot_grant_the_dba_role(self) -> None:
        self.login(self.users["la_dba"])
        response = self.client.post(self.url, {"role": Role.LA_DBA})
        self.assertEqual(error_codes(response), {"role": ["invalid_choice"]})

    def test_dba_cannot_change_another_dba(self) -> None:
        colleague = make_user("681dba2", self.cardiff, Role.LA_DBA)
        self.login(self.users["la_dba"])
        url = reverse("directory:user_role", kwargs={"code": colleague.code})
        response = self.client.post(url, {"role": Role.LA_USER})
        self.assertEqual(response.status_code, 403)
        colleague.refresh_from_db()
        self.assertEqual(colleague.role, Role.LA_DBA)

    def test_central_administrator_demotes_a_dba(self) -> None:
        dba = self.users["la_dba"]
        self.login(self.users["central_admin"])
        url = reverse("directory:user_role", kwargs={"code": dba.code})
        self.client.post(url, {"role": Role.LA_USER})
        dba.refresh_from_db()
        self.assertEqual(dba.role, Role.LA_USER)

    def test_nobody_changes_their_own_role(self) -> None:
        admin = self.users["central_admin"]
        self.login(admin)
        url = reverse("directory:user_role", kwargs={"code": admin.code})
        response = self.client.post(url, {"role": Role.CENTRAL_ADMIN})
        self.assertEqual(error_codes(response), {None: ["own_account"]})

    def test_refuses_a_second_la_school_account(self) -> None:
        self.login(self.users["la_dba"])
        response = self.client.post(self.url, {"role": Role.LA_SCHOOL})
        self.assertEqual(error_codes(response), {"role": ["one_la_school_account"]})


class DeleteUserTests(PontioTestCase):
    def test_dba_deletes_a_user_after_confirming(self) -> None:
        account = self.users["la_plasc"]
        self.login(self.users["la_dba"])
        url = reverse("directory:user_delete", kwargs={"code": account.code})
        self.assertEqual(self.client.get(url).status_code, 200)
        self.assertTrue(User.objects.filter(pk=account.pk).exists())
        response = self.client.post(url)
        self.assertRedirects(response, reverse("directory:users"))
        self.assertFalse(User.objects.filter(pk=account.pk).exists())
        event = AuditEvent.objects.get(action="user.deleted")
        self.assertEqual(event.details["username"], "681la_plasc")
        self.assertEqual(event.actor_id, self.users["la_dba"].pk)

    def test_dba_deletes_a_school_user(self) -> None:
        account = self.users["school"]
        self.login(self.users["la_dba"])
        self.client.post(
            reverse("directory:user_delete", kwargs={"code": account.code})
        )
        self.assertFalse(User.objects.filter(pk=account.pk).exists())

    def test_nobody_deletes_their_own_account(self) -> None:
        admin = self.users["central_admin"]
        self.login(admin)
        url = reverse("directory:user_delete", kwargs={"code": admin.code})
        response = self.client.post(url)
        self.assertEqual(error_codes(response), {None: ["own_account"]})
        self.assertTrue(User.objects.filter(pk=admin.pk).exists())


class ResetPasswordTests(PontioTestCase):
    def test_dba_resets_a_school_users_password(self) -> None:
        account = self.users["school"]
        self.login(self.users["la_dba"])
        url = reverse("directory:user_reset_password", kwargs={"code": account.code})
        self.assertEqual(self.client.get(url).status_code, 200)
        response = self.client.post(url)
        self.assertRedirects(
            response, reverse("directory:user_detail", kwargs={"code": account.code})
        )
        account.refresh_from_db()
        self.assertFalse(account.has_usable_password())
        self.assertTrue(account.must_change_password)
        self.assertTrue(
            AuditEvent.objects.filter(action="user.password_reset").exists()
        )
        self.run_tasks()
        self.assertEqual([m["To"] for m in self.mail()], [account.email])
