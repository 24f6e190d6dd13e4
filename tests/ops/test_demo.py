"""Demo data for ``pontio serve --demo``, and the ``pontio apikey`` command."""

import base64
import io

from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory, TestCase
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from pontio.audit.models import AuditEvent
from pontio.directory import demo
from pontio.directory.models import ApiKey, Organisation, User
from pontio.directory.roles import Role
from tests.base import PontioTestCase


def snapshot() -> tuple[list, list, list]:
    return (
        list(Organisation.objects.order_by("code").values()),
        list(User.objects.order_by("username").values()),
        list(TOTPDevice.objects.order_by("pk").values()),
    )


class DemoDataTests(TestCase):
    def test_loading_twice_gives_the_same_rows(self) -> None:
        first_logins = demo.load_demo()
        first = snapshot()
        second_logins = demo.load_demo()
        organisations, users, devices = snapshot()
        self.assertEqual(first_logins, second_logins)
        self.assertEqual(first[0], organisations)
        self.assertEqual(first[2], devices)
        # Only the password hash may be re-salted; the rows are the same.
        self.assertEqual(
            [{**u, "password": ""} for u in first[1]],
            [{**u, "password": ""} for u in users],
        )

    def test_loads_every_welsh_la_some_english_ones_schools_and_central(self) -> None:
        demo.load_demo()
        las = Organisation.objects.filter(kind=Organisation.Kind.LA)
        welsh = las.filter(code__gte="660", code__lte="681")
        self.assertEqual(welsh.count(), 22)
        self.assertTrue(las.filter(code="838").exists())
        self.assertTrue(Organisation.objects.filter(kind="central").exists())
        schools = Organisation.objects.filter(kind=Organisation.Kind.SCHOOL)
        self.assertGreaterEqual(schools.values("la").distinct().count(), 2)

    def test_has_one_user_per_role_who_can_sign_in(self) -> None:
        logins = demo.load_demo()
        self.assertEqual({login.role for login in logins}, set(Role.values))
        request = RequestFactory().post("/account/sign-in/")
        for login in logins:
            with self.subTest(user=login.username):
                user = authenticate(
                    request, username=login.username, password=demo.DEMO_PASSWORD
                )
                self.assertIsNotNone(user)
                self.assertFalse(user.must_change_password)
                device = TOTPDevice.objects.get(user=user, confirmed=True)
                key = base64.b32decode(login.totp_secret)
                self.assertEqual(key, device.bin_key)
                self.assertTrue(device.verify_token(totp(key)))
                self.assertTrue(login.otpauth_uri.startswith("otpauth://totp/"))
                self.assertIn(login.totp_secret, login.otpauth_uri)

    def test_puts_back_a_changed_demo_password(self) -> None:
        demo.load_demo()
        user = User.objects.get(username="demo_la_dba")
        user.set_password("something else entirely")
        user.save(update_fields=["password"])
        demo.load_demo()
        user.refresh_from_db()
        self.assertTrue(user.check_password(demo.DEMO_PASSWORD))

    def test_records_the_loading_in_the_audit_trail_once(self) -> None:
        demo.load_demo()
        demo.load_demo()
        self.assertEqual(AuditEvent.objects.filter(action="demo.loaded").count(), 1)


class ApiKeyCommandTests(PontioTestCase):
    def test_prints_a_working_key_alone_on_the_last_line(self) -> None:
        out, err = io.StringIO(), io.StringIO()
        call_command(
            "apikey", "create", "6812003office", "--name", "MIS", stdout=out, stderr=err
        )
        raw_key = out.getvalue().strip().splitlines()[-1]
        self.assertNotIn(" ", raw_key)
        response = self.client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw_key}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(ApiKey.objects.get(user=self.users["school"]).name, "MIS")
        event = AuditEvent.objects.get(action="apikey.created")
        self.assertIsNone(event.actor_id)

    def test_refuses_an_unknown_user(self) -> None:
        with self.assertRaises(CommandError):
            call_command("apikey", "create", "nobody", stdout=io.StringIO())
