"""The second factor: enrolment with a QR code, codes at sign-in, recovery codes."""

from __future__ import annotations

import base64
import re
from base64 import b32encode
from datetime import timedelta

import time_machine
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from lxml import etree

from pontio.audit.models import AuditEvent
from pontio.directory.models import User
from tests.base import PASSWORD, PontioTestCase

SIGN_IN = reverse("account:sign_in")
CODE = reverse("account:mfa_verify")
ENROL = reverse("account:mfa_enrol")
ACCOUNT = reverse("account:index")
RESET = reverse("account:mfa_reset")
HOME = reverse("web:home")
STEP = timedelta(seconds=30)
QR_IMAGE = re.compile(
    r'<img class="pontio-qr-code" src="data:image/svg\+xml;base64,([^"]+)"'
)


def code_of(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key):06d}"


def field_codes(response, field: str = "code") -> list[str]:
    return [error.code for error in response.context["form"].errors.as_data()[field]]


class MfaTestCase(PontioTestCase):
    def setUp(self) -> None:
        self.traveller = time_machine.travel("2025-03-03 09:00 +0000", tick=False)
        self.clock = self.traveller.start()
        self.addCleanup(self.traveller.stop)

    def password_step(self, user: User, client=None):
        client = client or self.client
        return client.post(SIGN_IN, {"username": user.username, "password": PASSWORD})

    def new_user(self) -> User:
        """The school user, before enrolling an authenticator."""
        user = self.users["school"]
        user.totpdevice_set.all().delete()
        return user


class EnrolmentTests(MfaTestCase):
    def test_the_enrolment_page_shows_a_qr_code_and_the_secret(self):
        user = self.new_user()
        self.password_step(user)
        response = self.client.get(ENROL)
        self.assertEqual(response.status_code, 200)
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        svg = base64.b64decode(QR_IMAGE.search(response.content.decode()).group(1))
        self.assertEqual(etree.fromstring(svg).tag, "{http://www.w3.org/2000/svg}svg")
        secret = b32encode(device.bin_key).decode()
        self.assertEqual(response.context["secret"].replace(" ", ""), secret)
        self.assertIn(f"secret={secret}", device.config_url)
        self.assertIn("issuer=Pontio", device.config_url)

    def test_reloading_the_page_keeps_the_same_secret(self):
        self.password_step(self.new_user())
        first = self.client.get(ENROL).context["secret"]
        self.assertEqual(self.client.get(ENROL).context["secret"], first)

    def test_the_right_code_enrols_and_shows_ten_recovery_codes_once(self):
        user = self.new_user()
        self.password_step(user)
        self.client.get(ENROL)
        device = TOTPDevice.objects.get(user=user)
        response = self.client.post(ENROL, {"code": code_of(device)})
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "account/recovery_codes.html")
        codes = response.context["codes"]
        self.assertEqual(len(set(codes)), 10)
        stored = StaticToken.objects.filter(device__user=user)
        self.assertEqual(sorted(codes), sorted(stored.values_list("token", flat=True)))
        device.refresh_from_db()
        self.assertTrue(device.confirmed)
        self.assertEqual(self.client.get(HOME).status_code, 200)
        self.assertTrue(AuditEvent.objects.filter(action="mfa.enrolled").exists())

    def test_a_wrong_code_does_not_enrol(self):
        user = self.new_user()
        self.password_step(user)
        self.client.get(ENROL)
        response = self.client.post(ENROL, {"code": "000000"})
        self.assertEqual(field_codes(response), ["code_refused"])
        self.assertFalse(TOTPDevice.objects.get(user=user).confirmed)
        self.assertRedirects(self.client.get(HOME), ENROL)
        self.assertTrue(
            AuditEvent.objects.filter(
                action="mfa.enrolment_failed", outcome="failure"
            ).exists()
        )

    def test_an_enrolled_user_cannot_enrol_again_without_a_code(self):
        self.login(self.users["school"])
        self.assertRedirects(self.client.get(ENROL), ACCOUNT)
        self.assertEqual(
            TOTPDevice.objects.filter(user=self.users["school"]).count(), 1
        )


class SecondFactorTests(MfaTestCase):
    def test_the_authenticator_code_completes_sign_in(self):
        user = self.users["school"]
        self.password_step(user)
        response = self.client.post(CODE, {"code": code_of(user.totpdevice_set.get())})
        self.assertRedirects(response, HOME)
        self.assertEqual(self.client.get(ACCOUNT).status_code, 200)
        event = AuditEvent.objects.filter(action="mfa.verified").get()
        self.assertEqual(event.details, {"method": "totp"})

    def test_a_wrong_code_is_refused(self):
        user = self.users["school"]
        self.password_step(user)
        for code in ("123456", "abcdef", "1234567", "' OR 1=1 --"):
            with self.subTest(code=code):
                response = self.client.post(CODE, {"code": code})
                self.assertEqual(field_codes(response), ["code_refused"])
                self.clock.shift(STEP)
        self.assertRedirects(self.client.get(ACCOUNT), CODE)
        self.assertEqual(
            AuditEvent.objects.filter(action="mfa.verification_failed").count(), 4
        )

    def test_a_code_cannot_be_used_twice(self):
        user = self.users["school"]
        device = user.totpdevice_set.get()
        code = code_of(device)
        self.password_step(user)
        self.assertRedirects(self.client.post(CODE, {"code": code}), HOME)
        self.client.post(reverse("account:sign_out"))
        self.clock.shift(timedelta(seconds=5))
        self.password_step(user)
        response = self.client.post(CODE, {"code": code})
        self.assertEqual(field_codes(response), ["code_refused"])

    def test_a_recovery_code_works_once(self):
        user = self.users["school"]
        self.login(user)
        codes = self.client.post(reverse("account:recovery_codes")).context["codes"]
        self.client.post(reverse("account:sign_out"))
        self.password_step(user)
        response = self.client.post(CODE, {"code": f" {codes[0].upper()} "})
        self.assertRedirects(response, HOME)
        self.assertEqual(StaticToken.objects.filter(device__user=user).count(), 9)
        self.client.post(reverse("account:sign_out"))
        self.clock.shift(STEP)
        self.password_step(user)
        response = self.client.post(CODE, {"code": codes[0]})
        self.assertEqual(field_codes(response), ["code_refused"])
        self.clock.shift(STEP)
        self.assertRedirects(self.client.post(CODE, {"code": codes[1]}), HOME)

    def test_another_users_recovery_code_does_not_work(self):
        other = self.users["la_user"]
        self.login(other)
        codes = self.client.post(reverse("account:recovery_codes")).context["codes"]
        self.client.post(reverse("account:sign_out"))
        self.password_step(self.users["school"])
        response = self.client.post(CODE, {"code": codes[0]})
        self.assertEqual(field_codes(response), ["code_refused"])


class SecondFactorLockoutTests(MfaTestCase):
    def fail_codes(self, count: int) -> list[int]:
        statuses = []
        for _ in range(count):
            statuses.append(self.client.post(CODE, {"code": "000000"}).status_code)
            self.clock.shift(STEP)
        return statuses

    def test_five_wrong_codes_lock_the_account_and_end_the_session(self):
        user = self.users["school"]
        self.password_step(user)
        self.assertEqual(self.fail_codes(5), [200] * 4 + [429])
        self.assertNotIn("_auth_user_id", self.client.session)
        # Knowing the password is not enough to carry on.
        response = self.password_step(user)
        self.assertEqual(response.status_code, 429)
        self.assertTrue(
            AuditEvent.objects.filter(
                action="user.locked_out", details__step="mfa"
            ).exists()
        )

    def test_signing_in_again_does_not_reset_the_count(self):
        user = self.users["school"]
        self.password_step(user)
        self.fail_codes(3)
        self.client.post(reverse("account:sign_out"))
        self.password_step(user)
        self.assertEqual(self.fail_codes(2), [200, 429])

    def test_the_lock_ends_after_the_cool_off(self):
        user = self.users["school"]
        self.password_step(user)
        self.fail_codes(5)
        self.clock.shift(timedelta(minutes=16))
        self.assertRedirects(self.password_step(user), HOME, target_status_code=302)
        code = code_of(user.totpdevice_set.get())
        self.assertRedirects(self.client.post(CODE, {"code": code}), HOME)

    def test_a_right_code_resets_the_count(self):
        user = self.users["school"]
        self.password_step(user)
        self.fail_codes(4)
        self.client.post(CODE, {"code": code_of(user.totpdevice_set.get())})
        self.client.post(reverse("account:sign_out"))
        self.clock.shift(STEP)
        self.password_step(user)
        self.assertEqual(self.fail_codes(4), [200] * 4)


class AuthenticatorResetTests(MfaTestCase):
    def test_a_current_code_lets_the_user_enrol_a_new_authenticator(self):
        user = self.users["school"]
        self.login(user)
        old = user.totpdevice_set.get()
        response = self.client.post(RESET, {"code": code_of(old)})
        self.assertRedirects(response, ENROL)
        new_secret = self.client.get(ENROL).context["secret"].replace(" ", "")
        new = TOTPDevice.objects.get(user=user, confirmed=False)
        self.assertEqual(b32encode(new.bin_key).decode(), new_secret)
        self.clock.shift(STEP)
        response = self.client.post(ENROL, {"code": code_of(new)})
        self.assertTemplateUsed(response, "account/recovery_codes.html")
        self.assertEqual(list(TOTPDevice.objects.filter(user=user)), [new])
        self.assertEqual(self.client.get(ACCOUNT).status_code, 200)

    def test_the_old_authenticator_stops_working(self):
        user = self.users["school"]
        self.login(user)
        old = user.totpdevice_set.get()
        old_key = old.bin_key
        self.client.post(RESET, {"code": code_of(old)})
        self.client.get(ENROL)
        self.clock.shift(STEP)
        new = TOTPDevice.objects.get(user=user, confirmed=False)
        self.client.post(ENROL, {"code": code_of(new)})
        self.client.post(reverse("account:sign_out"))
        self.clock.shift(STEP)
        self.password_step(user)
        response = self.client.post(CODE, {"code": f"{totp(old_key):06d}"})
        self.assertEqual(field_codes(response), ["code_refused"])

    def test_a_wrong_code_does_not_open_enrolment(self):
        self.login(self.users["school"])
        response = self.client.post(RESET, {"code": "000000"})
        self.assertEqual(field_codes(response), ["code_refused"])
        self.assertRedirects(self.client.get(ENROL), ACCOUNT)

    def test_new_recovery_codes_replace_the_old_ones(self):
        user = self.users["school"]
        self.login(user)
        first = self.client.post(reverse("account:recovery_codes")).context["codes"]
        second = self.client.post(reverse("account:recovery_codes")).context["codes"]
        stored = set(
            StaticToken.objects.filter(device__user=user).values_list(
                "token", flat=True
            )
        )
        self.assertEqual(stored, set(second))
        self.assertFalse(stored & set(first))
        self.assertTrue(
            AuditEvent.objects.filter(action="mfa.recovery_codes_regenerated").exists()
        )

    def test_a_session_signed_in_with_a_recovery_code_survives_new_codes(self):
        user = self.users["school"]
        self.login(user)
        codes = self.client.post(reverse("account:recovery_codes")).context["codes"]
        self.client.post(reverse("account:sign_out"))
        self.password_step(user)
        self.client.post(CODE, {"code": codes[0]})
        self.client.post(reverse("account:recovery_codes"))
        self.assertEqual(self.client.get(ACCOUNT).status_code, 200)

    def test_recovery_codes_need_a_post(self):
        self.login(self.users["school"])
        response = self.client.get(reverse("account:recovery_codes"))
        self.assertEqual(response.status_code, 405)
