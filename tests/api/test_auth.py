"""Bearer API keys: who gets in, who gets 401."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from pontio.audit.models import AuditEvent
from pontio.directory.models import ApiKey
from pontio.directory.services import apikeys
from tests.api.helpers import bearer, get, key_for
from tests.base import PontioTestCase

ME = "/api/v1/me"


class ApiKeyAuthTests(PontioTestCase):
    def setUp(self) -> None:
        self.user = self.users["school"]
        self.raw_key = key_for(self.user)

    def assert_unauthenticated(self, response) -> None:
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json()["error"]["code"], "unauthenticated")
        self.assertIn("Bearer", response["WWW-Authenticate"])

    def test_a_valid_key_gets_in(self) -> None:
        response = get(self.client, ME, self.raw_key)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["username"], self.user.username)

    def test_no_key_gets_401(self) -> None:
        self.assert_unauthenticated(get(self.client, ME))

    def test_a_wrong_key_gets_401(self) -> None:
        last = "A" if self.raw_key[-1] != "A" else "B"
        wrong = self.raw_key[:-1] + last
        for key in [wrong, "pontio_x_y", "not-a-key", "", "pontio_" + "a" * 5000]:
            with self.subTest(key=key[:20]):
                self.assert_unauthenticated(get(self.client, ME, key or " "))

    def test_another_scheme_gets_401(self) -> None:
        response = self.client.get(ME, HTTP_AUTHORIZATION=f"Basic {self.raw_key}")
        self.assert_unauthenticated(response)

    def test_a_revoked_key_gets_401(self) -> None:
        key = ApiKey.objects.get(user=self.user)
        apikeys.revoke_api_key(key, actor=self.user)
        self.assert_unauthenticated(get(self.client, ME, self.raw_key))

    def test_a_disabled_users_key_gets_401(self) -> None:
        self.user.is_active = False
        self.user.save(update_fields=["is_active"])
        self.assert_unauthenticated(get(self.client, ME, self.raw_key))

    def test_a_key_of_a_closed_organisation_gets_401(self) -> None:
        self.school.is_active = False
        self.school.save(update_fields=["is_active"])
        self.assert_unauthenticated(get(self.client, ME, self.raw_key))

    def test_a_signed_in_session_is_not_enough(self) -> None:
        self.login(self.user)
        self.assert_unauthenticated(self.client.get(ME))

    def test_an_api_call_sets_no_session_cookie(self) -> None:
        response = get(self.client, ME, self.raw_key)
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("sessionid", response.cookies)
        self.assertFalse(any("session" in name for name in response.cookies))

    def test_needs_no_csrf_token(self) -> None:
        client = Client(enforce_csrf_checks=True)
        response = client.post(ME, **bearer(self.raw_key))
        # The key is accepted; only the method is wrong.
        self.assertEqual(response.status_code, 405)

    def test_records_when_a_key_was_last_used(self) -> None:
        get(self.client, ME, self.raw_key)
        key = ApiKey.objects.get(user=self.user)
        self.assertIsNotNone(key.last_used_at)
        self.assertLessEqual(key.last_used_at, timezone.now())


class ApiKeyServiceTests(PontioTestCase):
    def test_stores_only_the_digest(self) -> None:
        key, raw_key = apikeys.create_api_key(
            self.users["la_user"], actor=self.users["la_user"], name="MIS upload"
        )
        secret = raw_key.removeprefix(key.prefix + "_")
        stored = ApiKey.objects.filter(pk=key.pk).values().get()
        self.assertFalse(any(secret in str(value) for value in stored.values()))
        self.assertEqual(stored["digest"], apikeys.digest_of(raw_key))
        self.assertTrue(raw_key.startswith(key.prefix + "_"))
        self.assertGreaterEqual(len(secret), 43)  # 32 random bytes, base64url

    def test_every_key_is_different(self) -> None:
        user = self.users["la_user"]
        keys = {apikeys.create_api_key(user, actor=user, name="k")[1] for _ in range(5)}
        self.assertEqual(len(keys), 5)

    def test_creation_and_revocation_are_audited(self) -> None:
        user = self.users["la_user"]
        key, _raw = apikeys.create_api_key(user, actor=user, name="MIS")
        apikeys.revoke_api_key(key, actor=user)
        events = AuditEvent.objects.filter(object_ref=str(key.code)).order_by("seq")
        self.assertEqual(
            [event.action for event in events], ["apikey.created", "apikey.revoked"]
        )
        self.assertEqual(events[0].actor_id, user.pk)
        self.assertEqual(events[0].organisation_code, "681")

    def test_a_user_cannot_make_or_revoke_a_key_for_someone_else(self) -> None:
        owner, other = self.users["la_user"], self.users["la_dba"]
        with self.assertRaises(PermissionDenied):
            apikeys.create_api_key(owner, actor=other, name="k")
        key, _raw = apikeys.create_api_key(owner, actor=owner, name="k")
        with self.assertRaises(PermissionDenied):
            apikeys.revoke_api_key(key, actor=other)

    def test_revoking_twice_is_refused_with_a_code(self) -> None:
        user = self.users["la_user"]
        key, _raw = apikeys.create_api_key(user, actor=user, name="k")
        apikeys.revoke_api_key(key, actor=user)
        with self.assertRaises(ValidationError) as raised:
            apikeys.revoke_api_key(key, actor=user)
        self.assertEqual(raised.exception.code, "api_key_already_revoked")

    def test_a_key_needs_a_name(self) -> None:
        user = self.users["la_user"]
        for name, code in [
            ("   ", "api_key_name_missing"),
            ("x" * 101, "api_key_name_too_long"),
        ]:
            with self.subTest(code=code), self.assertRaises(ValidationError) as raised:
                apikeys.create_api_key(user, actor=user, name=name)
            self.assertEqual(raised.exception.code, code)
