"""Session limits (30 minutes idle, 12 hours in all) and signing out everywhere."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.contrib.messages import get_messages
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pontio.audit.models import AuditEvent
from tests.base import PontioTestCase

ACCOUNT = reverse("account:index")
SIGN_IN = reverse("account:sign_in")
SIGNED_OUT = f"{SIGN_IN}?next={ACCOUNT}"


class SessionLimitTests(PontioTestCase):
    def setUp(self) -> None:
        self.traveller = time_machine.travel("2025-03-03 09:00 +0000", tick=False)
        self.clock = self.traveller.start()
        self.addCleanup(self.traveller.stop)
        self.login(self.users["school"])
        self.assertEqual(self.client.get(ACCOUNT).status_code, 200)

    def keep_sessions_in_the_store(self) -> None:
        """Keep the stored session, as a store that never expires rows would."""
        far = timezone.now() + timedelta(days=30)
        Session.objects.update(expire_date=far)

    def test_29_minutes_idle_keeps_the_user_signed_in(self):
        self.clock.shift(timedelta(minutes=29))
        self.assertEqual(self.client.get(ACCOUNT).status_code, 200)

    def test_31_minutes_idle_signs_the_user_out(self):
        self.clock.shift(timedelta(minutes=31))
        self.assertRedirects(self.client.get(ACCOUNT), SIGNED_OUT)

    def test_the_server_checks_the_last_request_time_itself(self):
        self.keep_sessions_in_the_store()
        self.clock.shift(timedelta(minutes=31))
        response = self.client.get(ACCOUNT)
        self.assertRedirects(response, SIGN_IN, fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", self.client.session)
        follow = self.client.get(SIGN_IN)
        self.assertEqual(len(list(get_messages(follow.wsgi_request))), 1)
        event = AuditEvent.objects.get(action="user.session_expired")
        self.assertEqual(event.details, {"reason": "idle"})

    def test_active_use_ends_twelve_hours_after_signing_in(self):
        for _ in range(11 * 3 + 2):  # 11 h 40 min, in 20-minute steps
            self.clock.shift(timedelta(minutes=20))
            self.keep_sessions_in_the_store()
            self.assertEqual(self.client.get(ACCOUNT).status_code, 200)
        self.clock.shift(timedelta(minutes=20))
        response = self.client.get(ACCOUNT)
        self.assertRedirects(response, SIGN_IN, fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", self.client.session)
        event = AuditEvent.objects.get(action="user.session_expired")
        self.assertEqual(event.details, {"reason": "absolute"})

    def test_the_clock_starts_at_the_password_step(self):
        self.client.post(reverse("account:sign_out"))
        user = self.users["la_user"]
        self.client.post(
            SIGN_IN,
            {"username": user.username, "password": "a long enough test passphrase"},
        )
        signed_in_at = self.client.session["pontio_signed_in_at"]
        self.assertEqual(signed_in_at, int(timezone.now().timestamp()))


class SignOutEverywhereTests(PontioTestCase):
    def test_every_session_of_the_user_ends(self):
        user = self.users["la_user"]
        here = self.login(user)
        there = self.login(user, Client())
        other_user = self.login(self.users["school"], Client())
        response = here.post(reverse("account:sign_out_everywhere"))
        self.assertRedirects(response, SIGN_IN, fetch_redirect_response=False)
        self.assertRedirects(here.get(ACCOUNT), SIGNED_OUT)
        self.assertRedirects(there.get(ACCOUNT), SIGNED_OUT)
        self.assertEqual(other_user.get(ACCOUNT).status_code, 200)
        event = AuditEvent.objects.get(action="user.signed_out_everywhere")
        self.assertEqual(event.actor_id, user.pk)

    def test_the_security_stamp_changes(self):
        user = self.users["la_user"]
        before = user.security_stamp
        self.login(user).post(reverse("account:sign_out_everywhere"))
        user.refresh_from_db()
        self.assertNotEqual(user.security_stamp, before)

    def test_it_needs_a_post(self):
        self.login(self.users["la_user"])
        response = self.client.get(reverse("account:sign_out_everywhere"))
        self.assertEqual(response.status_code, 405)
