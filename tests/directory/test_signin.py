"""Signing in: username and password, lockout, the sign-in steps, signing out."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp

from pontio.audit.models import AuditEvent
from pontio.directory.models import User
from tests.base import PASSWORD, PontioTestCase

SIGN_IN = reverse("account:sign_in")
CODE = reverse("account:mfa_verify")
ENROL = reverse("account:mfa_enrol")
CHANGE_PASSWORD = reverse("account:change_password")
ACCOUNT = reverse("account:index")
HOME = reverse("web:home")
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


def non_field_codes(response) -> list[str]:
    return [error.code for error in response.context["form"].non_field_errors().data]


def sign_in(client: Client, username: str, password: str = PASSWORD):
    return client.post(SIGN_IN, {"username": username, "password": password})


class SignInTests(PontioTestCase):
    def test_the_sign_in_page_asks_for_username_and_password(self):
        response = self.client.get(SIGN_IN)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(set(response.context["form"].fields), {"username", "password"})

    def test_a_right_password_leads_to_the_code_page(self):
        user = self.users["school"]
        response = sign_in(self.client, user.username)
        self.assertRedirects(response, HOME, target_status_code=302)
        self.assertRedirects(self.client.get(HOME), CODE)
        self.assertEqual(self.client.session["_auth_user_id"], str(user.pk))

    def test_a_wrong_password_is_refused(self):
        response = sign_in(self.client, self.users["school"].username, PASSWORD + "x")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(non_field_codes(response), ["sign_in_failed"])
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_the_username_is_case_sensitive(self):
        username = self.users["school"].username
        for attempt in (username.upper(), "6812003Office", f" {username.upper()}"):
            with self.subTest(attempt=attempt):
                response = sign_in(self.client, attempt)
                self.assertEqual(non_field_codes(response), ["sign_in_failed"])

    def test_the_password_is_case_sensitive(self):
        response = sign_in(self.client, self.users["school"].username, PASSWORD.upper())
        self.assertEqual(non_field_codes(response), ["sign_in_failed"])

    def test_an_unknown_username_gets_exactly_the_same_page(self):
        known = sign_in(self.client, "6812003office", "wrong password!")
        unknown = sign_in(Client(), "6812003offic3", "wrong password!")
        self.assertEqual(known.status_code, unknown.status_code)
        self.assertEqual(non_field_codes(known), non_field_codes(unknown))
        self.assertEqual(
            CSRF_INPUT.sub(b"", known.content).replace(b"6812003office", b"NAME"),
            CSRF_INPUT.sub(b"", unknown.content).replace(b"6812003offic3", b"NAME"),
        )

    def test_a_disabled_user_cannot_sign_in(self):
        user = self.users["la_user"]
        User.objects.filter(pk=user.pk).update(is_active=False)
        response = sign_in(self.client, user.username)
        self.assertEqual(non_field_codes(response), ["sign_in_failed"])

    def test_disabling_a_user_ends_their_sessions(self):
        user = self.users["la_user"]
        self.login(user)
        self.assertEqual(self.client.get(ACCOUNT).status_code, 200)
        User.objects.filter(pk=user.pk).update(is_active=False)
        response = self.client.get(ACCOUNT)
        self.assertRedirects(response, f"{SIGN_IN}?next={ACCOUNT}")

    def test_a_hostile_username_is_simply_refused(self):
        for attempt in ("' OR '1'='1", "6812003office\x00", "%", "_" * 150, "é" * 40):
            with self.subTest(attempt=attempt):
                response = sign_in(self.client, attempt)
                self.assertEqual(response.status_code, 200)
                self.assertNotIn("_auth_user_id", self.client.session)

    def test_a_huge_password_is_refused_without_hashing(self):
        response = sign_in(self.client, self.users["school"].username, "x" * 100_000)
        self.assertEqual(response.status_code, 200)
        self.assertIn("password", response.context["form"].errors)

    def test_the_user_returns_to_the_page_they_asked_for(self):
        user = self.users["school"]
        self.client.post(
            SIGN_IN, {"username": user.username, "password": PASSWORD, "next": ACCOUNT}
        )
        device = user.totpdevice_set.get()
        response = self.client.post(CODE, {"code": f"{totp(device.bin_key):06d}"})
        self.assertRedirects(response, ACCOUNT)

    def test_an_outside_next_address_is_ignored(self):
        user = self.users["school"]
        self.client.post(
            SIGN_IN,
            {
                "username": user.username,
                "password": PASSWORD,
                "next": "https://evil.example/",
            },
        )
        device = user.totpdevice_set.get()
        response = self.client.post(CODE, {"code": f"{totp(device.bin_key):06d}"})
        self.assertRedirects(response, HOME)

    def test_sign_in_success_and_failure_are_audited(self):
        user = self.users["school"]
        sign_in(self.client, "nobody-here")
        sign_in(self.client, user.username, "not the password")
        sign_in(self.client, user.username)
        events = list(AuditEvent.objects.values_list("action", "outcome", "details"))
        self.assertEqual(
            events,
            [
                (
                    "user.sign_in_failed",
                    "failure",
                    {"username": "nobody-here", "reason": "password"},
                ),
                (
                    "user.sign_in_failed",
                    "failure",
                    {"username": user.username, "reason": "password"},
                ),
                ("user.signed_in", "success", {"step": "password"}),
            ],
        )
        self.assertEqual(AuditEvent.objects.last().actor_id, user.pk)


class LockoutTests(PontioTestCase):
    def lock(self, username: str, client: Client | None = None):
        client = client or self.client
        responses = [sign_in(client, username, "wrong password!") for _ in range(5)]
        return responses

    def test_five_failures_lock_the_account(self):
        user = self.users["school"]
        responses = self.lock(user.username)
        self.assertEqual([r.status_code for r in responses], [200] * 4 + [429])
        self.assertTemplateUsed(responses[-1], "account/locked_out.html")
        # Even the right password is refused now, from anywhere.
        response = sign_in(Client(), user.username)
        self.assertEqual(response.status_code, 429)
        self.assertNotIn("_auth_user_id", self.client.session)

    @time_machine.travel("2025-03-03 09:00 +0000", tick=False)
    def test_an_unknown_username_locks_out_exactly_alike(self):
        known = self.lock("6812003office")
        unknown = self.lock("6812003offic3", Client())
        self.assertEqual(
            [r.status_code for r in known], [r.status_code for r in unknown]
        )
        self.assertEqual(
            CSRF_INPUT.sub(b"", known[-1].content),
            CSRF_INPUT.sub(b"", unknown[-1].content),
        )
        again_known = sign_in(Client(), "6812003office")
        again_unknown = sign_in(Client(), "6812003offic3")
        self.assertEqual(again_known.status_code, again_unknown.status_code)
        self.assertEqual(
            CSRF_INPUT.sub(b"", again_known.content),
            CSRF_INPUT.sub(b"", again_unknown.content),
        )

    def test_failures_under_a_made_up_name_do_not_lock_the_code_step(self):
        user = self.users["school"]
        statuses = {sign_in(self.client, f"mfa:{user.username}").status_code}
        statuses |= {sign_in(self.client, f"mfa:{user.username}").status_code}
        for _ in range(4):
            statuses.add(sign_in(self.client, f"mfa:{user.username}").status_code)
        self.assertEqual(statuses, {200})
        self.assertEqual(sign_in(self.client, user.username).status_code, 302)
        self.assertEqual(self.client.get(CODE).status_code, 200)

    def test_other_accounts_are_not_locked(self):
        self.lock(self.users["school"].username)
        response = sign_in(self.client, self.users["la_user"].username)
        self.assertEqual(response.status_code, 302)

    def test_the_lock_ends_after_the_cool_off(self):
        user = self.users["school"]
        with time_machine.travel("2025-03-03 09:00 +0000", tick=False) as traveller:
            self.lock(user.username)
            traveller.shift(timedelta(minutes=14))
            self.assertEqual(sign_in(self.client, user.username).status_code, 429)
            traveller.shift(timedelta(minutes=2))
            response = sign_in(self.client, user.username)
            self.assertEqual(response.status_code, 302)
            self.assertEqual(self.client.session["_auth_user_id"], str(user.pk))

    def test_a_right_password_resets_the_count(self):
        user = self.users["school"]
        for _ in range(4):
            sign_in(self.client, user.username, "wrong password!")
        sign_in(self.client, user.username)
        self.client.logout()
        for _ in range(4):
            response = sign_in(self.client, user.username, "wrong password!")
        self.assertEqual(response.status_code, 200)

    def test_the_lockout_page_says_when_to_try_again(self):
        with time_machine.travel("2025-03-03 09:00 +0000", tick=False) as traveller:
            self.lock(self.users["school"].username)
            traveller.shift(timedelta(minutes=5))
            response = sign_in(self.client, self.users["school"].username)
        # 15 minutes after the last failure: 09:15 UTC is 09:15 in London in March.
        self.assertEqual(response.context["until"].strftime("%H:%M"), "09:15")
        self.assertContains(response, "09:15", status_code=429)

    def test_the_lockout_is_audited(self):
        self.lock(self.users["school"].username)
        sign_in(self.client, self.users["school"].username)
        locked = AuditEvent.objects.filter(action="user.locked_out")
        self.assertEqual(locked.count(), 1)
        self.assertEqual(locked.get().details["username"], "6812003office")
        last = AuditEvent.objects.last()
        self.assertEqual(
            (last.action, last.details["reason"]), ("user.sign_in_failed", "locked_out")
        )


class SignInStepsTests(PontioTestCase):
    """A user part-way through signing in reaches nothing but the next step."""

    def half_sign_in(self, user: User) -> None:
        self.client.force_login(user)

    def test_a_user_with_an_authenticator_must_enter_a_code(self):
        self.half_sign_in(self.users["school"])
        for page in (HOME, ACCOUNT, CHANGE_PASSWORD, ENROL, reverse("web:privacy")):
            with self.subTest(page=page):
                self.assertRedirects(
                    self.client.get(page), CODE, fetch_redirect_response=False
                )
        self.assertEqual(self.client.get(CODE).status_code, 200)

    def test_a_user_without_an_authenticator_must_enrol(self):
        user = self.users["school"]
        user.totpdevice_set.all().delete()
        self.half_sign_in(user)
        for page in (HOME, ACCOUNT, CODE, CHANGE_PASSWORD):
            with self.subTest(page=page):
                self.assertRedirects(
                    self.client.get(page), ENROL, fetch_redirect_response=False
                )
        self.assertEqual(self.client.get(ENROL).status_code, 200)

    def test_a_new_user_must_change_their_password_first(self):
        user = self.users["school"]
        user.totpdevice_set.all().delete()
        User.objects.filter(pk=user.pk).update(must_change_password=True)
        self.half_sign_in(user)
        for page in (HOME, ACCOUNT, CODE, ENROL):
            with self.subTest(page=page):
                self.assertRedirects(
                    self.client.get(page),
                    CHANGE_PASSWORD,
                    fetch_redirect_response=False,
                )
        self.assertEqual(self.client.get(CHANGE_PASSWORD).status_code, 200)

    def test_a_required_password_change_comes_after_the_code(self):
        user = self.users["school"]
        User.objects.filter(pk=user.pk).update(must_change_password=True)
        self.half_sign_in(user)
        self.assertRedirects(self.client.get(CHANGE_PASSWORD), CODE)
        self.login(user)
        self.assertRedirects(self.client.get(ACCOUNT), CHANGE_PASSWORD)

    def test_open_pages_need_no_finished_sign_in(self):
        self.half_sign_in(self.users["school"])
        for page in (
            SIGN_IN,
            reverse("account:forgotten_password"),
            reverse("healthz"),
            "/i18n/setlang/",
        ):
            with self.subTest(page=page):
                response = self.client.get(page)
                self.assertNotEqual(response.get("Location"), CODE)

    def test_the_api_is_left_to_its_own_authentication(self):
        self.half_sign_in(self.users["school"])
        response = self.client.get("/api/v1/me")
        self.assertNotEqual(response.status_code, 302)

    def test_a_fully_signed_in_user_goes_anywhere(self):
        self.login(self.users["school"])
        self.assertEqual(self.client.get(ACCOUNT).status_code, 200)
        self.assertEqual(self.client.get(HOME).status_code, 200)

    def test_an_anonymous_visitor_is_sent_to_sign_in(self):
        self.assertRedirects(self.client.get(ACCOUNT), f"{SIGN_IN}?next={ACCOUNT}")


class SignOutTests(PontioTestCase):
    def test_signing_out_ends_the_session(self):
        self.login(self.users["school"])
        response = self.client.post(reverse("account:sign_out"))
        self.assertRedirects(response, SIGN_IN)
        self.assertRedirects(self.client.get(ACCOUNT), f"{SIGN_IN}?next={ACCOUNT}")

    def test_signing_out_needs_a_post(self):
        self.login(self.users["school"])
        self.assertEqual(self.client.get(reverse("account:sign_out")).status_code, 405)

    def test_a_half_signed_in_user_can_sign_out(self):
        self.client.force_login(self.users["school"])
        response = self.client.post(reverse("account:sign_out"))
        self.assertRedirects(response, SIGN_IN)
        self.assertNotIn("_auth_user_id", self.client.session)
