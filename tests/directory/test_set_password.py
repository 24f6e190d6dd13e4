"""Set-password links: invitations, administrator resets and forgotten passwords."""

from __future__ import annotations

import re
from datetime import timedelta
from email.message import EmailMessage
from urllib.parse import urlsplit

import time_machine
from django.contrib.auth.hashers import is_password_usable
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pontio.audit.models import AuditEvent
from pontio.directory.models import User
from pontio.directory.roles import Role
from pontio.directory.services import accounts
from tests.base import PASSWORD, PontioTestCase

LINK = re.compile(r"https?://[^\s\"<>]+/account/set-password/[^\s\"<>]+/")
NEW_PASSWORD = "sheep on the welsh hillside"
ENROL = reverse("account:mfa_enrol")
CODE = reverse("account:mfa_verify")
HOME = reverse("web:home")
SIGN_IN = reverse("account:sign_in")
ACCOUNT = reverse("account:index")


def text_of(message: EmailMessage) -> str:
    parts = [part.get_content() for part in message.walk() if not part.is_multipart()]
    return str(message["Subject"]) + "\n" + "\n".join(parts)


def link_path(message: EmailMessage) -> str:
    links = set(LINK.findall(text_of(message)))
    assert len(links) == 1, links
    return urlsplit(links.pop()).path


class LinkTestCase(PontioTestCase):
    def new_account(self) -> User:
        return User.objects.create_user(
            username="681newofficer",
            email="new.officer@cardiff.example.gov.uk",
            organisation=self.cardiff,
            role=Role.LA_USER,
            password=None,
        )

    def choose(self, path: str, password: str = NEW_PASSWORD, client=None):
        client = client or self.client
        return client.post(path, {"new_password1": password, "new_password2": password})


class InvitationTests(LinkTestCase):
    def test_a_new_account_gets_the_username_and_the_link_in_separate_emails(self):
        user = self.new_account()
        accounts.send_account_invitation(user, actor=self.users["la_dba"])
        self.assertEqual(self.mail(), [])
        self.assertEqual(self.run_tasks(), 2)
        messages = self.mail()
        self.assertEqual(len(messages), 2)
        self.assertTrue(all(m["To"] == user.email for m in messages))
        with_link = [m for m in messages if LINK.search(text_of(m))]
        with_name = [m for m in messages if user.username in text_of(m)]
        self.assertEqual(len(with_link), 1)
        self.assertEqual(len(with_name), 1)
        self.assertIsNot(with_link[0], with_name[0])
        self.assertNotIn(user.username, link_path(with_link[0]))

    def test_the_link_sets_a_password_then_leads_to_enrolment(self):
        user = self.new_account()
        accounts.send_account_invitation(user, actor=self.users["la_dba"])
        self.run_tasks()
        path = link_path(next(m for m in self.mail() if LINK.search(text_of(m))))
        self.assertEqual(self.client.get(path).status_code, 200)
        response = self.choose(path)
        self.assertRedirects(response, HOME, target_status_code=302)
        self.assertRedirects(self.client.get(HOME), ENROL)
        user.refresh_from_db()
        self.assertTrue(user.check_password(NEW_PASSWORD))
        self.assertFalse(user.must_change_password)
        self.assertIsNotNone(user.password_changed_at)

    def test_the_link_works_once_only(self):
        user = self.new_account()
        accounts.send_account_invitation(user, actor=None)
        self.run_tasks()
        path = link_path(next(m for m in self.mail() if LINK.search(text_of(m))))
        self.choose(path)
        other = Client()
        response = other.get(path)
        self.assertEqual(response.status_code, 404)
        self.assertTemplateUsed(response, "account/link_invalid.html")
        self.assertEqual(
            self.choose(path, "another password again", other).status_code, 404
        )
        user.refresh_from_db()
        self.assertTrue(user.check_password(NEW_PASSWORD))

    def test_the_link_expires_after_48_hours(self):
        user = self.new_account()
        with time_machine.travel("2025-03-03 09:00 +0000", tick=False) as traveller:
            accounts.send_account_invitation(user, actor=None)
            self.run_tasks()
            path = link_path(next(m for m in self.mail() if LINK.search(text_of(m))))
            traveller.shift(timedelta(hours=47, minutes=59))
            self.assertEqual(self.client.get(path).status_code, 200)
            traveller.shift(timedelta(minutes=2))
            self.assertEqual(self.client.get(path).status_code, 404)
            self.assertEqual(self.choose(path).status_code, 404)

    def test_the_new_password_must_follow_the_rules(self):
        user = self.new_account()
        accounts.send_account_invitation(user, actor=None)
        self.run_tasks()
        path = link_path(next(m for m in self.mail() if LINK.search(text_of(m))))
        for password, code in (
            ("too short", "password_too_short"),
            ("681NewOfficer is me", "password_contains_username"),
            ("qwerty123456", "password_too_common"),
        ):
            with self.subTest(password=password):
                response = self.choose(path, password)
                self.assertEqual(response.status_code, 200)
                errors = response.context["form"].errors.as_data()["new_password2"]
                self.assertIn(code, [error.code for error in errors])
        response = self.client.post(
            path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "!"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_tampered_links_do_not_work(self):
        user = self.new_account()
        accounts.send_account_invitation(user, actor=None)
        self.run_tasks()
        path = link_path(next(m for m in self.mail() if LINK.search(text_of(m))))
        _empty, _account, _set, uidb64, token, _end = path.split("/")
        other_uid = path.replace(uidb64, "Mg")
        for bad in (
            path.replace(token, token[:-1] + ("a" if token[-1] != "a" else "b")),
            other_uid,
            f"/account/set-password/%00%27/{token}/",
            f"/account/set-password/{'A' * 500}/{token}/",
            f"/account/set-password/{uidb64}/x/",
        ):
            with self.subTest(bad=bad):
                self.assertEqual(self.client.get(bad).status_code, 404)

    def test_a_disabled_account_gets_no_invitation(self):
        user = self.new_account()
        accounts.send_account_invitation(user, actor=None)
        User.objects.filter(pk=user.pk).update(is_active=False)
        self.run_tasks()
        self.assertEqual(self.mail(), [])

    def test_the_invitation_is_audited(self):
        user = self.new_account()
        accounts.send_account_invitation(user, actor=self.users["la_dba"])
        event = AuditEvent.objects.get(action="user.invited")
        self.assertEqual(
            (event.actor_id, event.object_ref),
            (self.users["la_dba"].pk, str(user.code)),
        )


class AdministratorResetTests(LinkTestCase):
    def test_a_reset_withdraws_the_password_and_ends_sessions(self):
        user = self.users["la_user"]
        elsewhere = self.login(user, Client())
        self.assertEqual(elsewhere.get(ACCOUNT).status_code, 200)
        accounts.reset_password(user, actor=self.users["la_dba"])
        user.refresh_from_db()
        self.assertFalse(is_password_usable(user.password))
        self.assertTrue(user.must_change_password)
        self.assertRedirects(elsewhere.get(ACCOUNT), f"{SIGN_IN}?next={ACCOUNT}")
        response = self.client.post(
            SIGN_IN, {"username": user.username, "password": PASSWORD}
        )
        self.assertEqual(response.status_code, 200)
        event = AuditEvent.objects.get(action="user.password_reset")
        self.assertEqual(event.actor_id, self.users["la_dba"].pk)

    def test_the_reset_email_has_a_link_and_no_username(self):
        user = self.users["la_user"]
        accounts.reset_password(user, actor=self.users["la_dba"])
        self.run_tasks()
        [message] = self.mail()
        self.assertEqual(message["To"], user.email)
        self.assertNotIn(user.username, text_of(message))
        self.assertNotIn(PASSWORD, text_of(message))
        link_path(message)

    def test_an_enrolled_user_still_needs_a_code_after_the_link(self):
        user = self.users["la_user"]
        accounts.reset_password(user, actor=self.users["la_dba"])
        self.run_tasks()
        response = self.choose(link_path(self.mail()[0]))
        self.assertRedirects(response, HOME, target_status_code=302)
        self.assertRedirects(self.client.get(ACCOUNT), CODE)

    def test_an_earlier_link_stops_working_after_a_reset(self):
        user = self.users["la_user"]
        self.client.post(
            reverse("account:forgotten_password"), {"username": user.username}
        )
        self.run_tasks()
        earlier = link_path(self.mail()[0])
        accounts.reset_password(user, actor=self.users["la_dba"])
        self.assertEqual(self.client.get(earlier).status_code, 404)


class ForgottenPasswordTests(LinkTestCase):
    def ask(self, username: str, client=None):
        client = client or self.client
        return client.post(
            reverse("account:forgotten_password"), {"username": username}
        )

    def test_a_known_username_gets_a_link_by_email(self):
        user = self.users["school"]
        response = self.ask(user.username)
        self.assertRedirects(response, reverse("account:forgotten_password_sent"))
        self.run_tasks()
        [message] = self.mail()
        self.assertEqual(message["To"], user.email)
        self.assertNotIn(user.username, text_of(message))
        response = self.choose(link_path(message))
        user.refresh_from_db()
        self.assertTrue(user.check_password(NEW_PASSWORD))

    def test_an_unknown_username_gets_the_same_answer_and_no_email(self):
        known = self.ask(self.users["school"].username)
        unknown = self.ask("6812003OFFICE", Client())
        self.assertEqual(known.status_code, unknown.status_code)
        self.assertEqual(known["Location"], unknown["Location"])
        self.run_tasks()
        self.assertEqual(len(self.mail()), 1)

    def test_the_links_an_account_is_sent_are_limited_to_three_an_hour(self):
        user = self.users["school"]
        answers = {self.ask(user.username)["Location"] for _ in range(5)}
        self.assertEqual(answers, {reverse("account:forgotten_password_sent")})
        self.run_tasks()
        self.assertEqual(len(self.mail()), 3)
        refused = AuditEvent.objects.filter(
            action="user.password_reset_requested", outcome="refused"
        )
        self.assertEqual(refused.count(), 2)
        with time_machine.travel(timezone.now() + timedelta(minutes=61)):
            self.ask(user.username)
            self.run_tasks()
        self.assertEqual(len(self.mail()), 4)

    def test_a_disabled_account_gets_no_email(self):
        user = self.users["school"]
        User.objects.filter(pk=user.pk).update(is_active=False)
        self.assertRedirects(
            self.ask(user.username), reverse("account:forgotten_password_sent")
        )
        self.run_tasks()
        self.assertEqual(self.mail(), [])

    def test_asking_does_not_change_the_password(self):
        user = self.users["school"]
        self.ask(user.username)
        user.refresh_from_db()
        self.assertTrue(user.check_password(PASSWORD))

    def test_signing_out_everywhere_ends_outstanding_links(self):
        user = self.users["school"]
        self.ask(user.username)
        self.run_tasks()
        path = link_path(self.mail()[0])
        self.login(user)
        self.client.post(reverse("account:sign_out_everywhere"))
        self.assertEqual(self.client.get(path).status_code, 404)
