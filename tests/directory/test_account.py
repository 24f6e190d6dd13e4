"""Your account page: password, language, API keys; every page in Welsh too."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django.utils import translation

from pontio.audit.models import AuditEvent
from pontio.directory.models import ApiKey
from pontio.directory.services import apikeys
from tests.base import PASSWORD, PontioTestCase

ACCOUNT = reverse("account:index")
CHANGE_PASSWORD = reverse("account:change_password")
SIGN_IN = reverse("account:sign_in")
NEW_PASSWORD = "river taff at low tide"


class AccountPageTests(PontioTestCase):
    def test_it_shows_the_users_own_details(self):
        user = self.users["school"]
        self.login(user)
        response = self.client.get(ACCOUNT)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, user.username)
        self.assertEqual(response.context["recovery_codes_left"], 0)

    def test_every_account_page_renders_in_welsh(self):
        self.login(self.users["school"])
        pages = [
            ACCOUNT,
            CHANGE_PASSWORD,
            reverse("account:mfa_reset"),
            reverse("account:create_api_key"),
            reverse("account:forgotten_password"),
            reverse("account:forgotten_password_sent"),
        ]
        for page in pages:
            with self.subTest(page=page), translation.override("cy"):
                response = self.client.get(page, headers={"accept-language": "cy"})
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, 'lang="cy"')
        anonymous = Client(headers={"accept-language": "cy"})
        self.assertContains(anonymous.get(SIGN_IN), 'lang="cy"')


class ChangePasswordTests(PontioTestCase):
    def change(self, current: str, new: str = NEW_PASSWORD, again: str | None = None):
        return self.client.post(
            CHANGE_PASSWORD,
            {
                "old_password": current,
                "new_password1": new,
                "new_password2": again or new,
            },
        )

    def test_the_current_password_is_required(self):
        user = self.users["school"]
        self.login(user)
        response = self.change("not my password")
        self.assertEqual(response.status_code, 200)
        codes = [
            e.code for e in response.context["form"].errors.as_data()["old_password"]
        ]
        self.assertEqual(codes, ["password_incorrect"])
        user.refresh_from_db()
        self.assertTrue(user.check_password(PASSWORD))

    def test_the_new_password_must_follow_the_rules(self):
        self.login(self.users["school"])
        response = self.change(PASSWORD, "short")
        codes = [
            e.code for e in response.context["form"].errors.as_data()["new_password2"]
        ]
        self.assertEqual(codes, ["password_too_short"])

    def test_a_change_keeps_this_session_and_ends_the_others(self):
        user = self.users["school"]
        self.login(user)
        elsewhere = self.login(user, Client())
        response = self.change(PASSWORD)
        self.assertRedirects(response, ACCOUNT)
        user.refresh_from_db()
        self.assertTrue(user.check_password(NEW_PASSWORD))
        self.assertIsNotNone(user.password_changed_at)
        self.assertEqual(self.client.get(ACCOUNT).status_code, 200)
        self.assertRedirects(elsewhere.get(ACCOUNT), f"{SIGN_IN}?next={ACCOUNT}")
        event = AuditEvent.objects.get(action="user.password_changed")
        self.assertEqual(event.actor_id, user.pk)

    def test_a_required_change_asks_only_for_the_new_password(self):
        user = self.users["school"]
        user.totpdevice_set.all().delete()
        user.must_change_password = True
        user.save(update_fields=["must_change_password"])
        self.client.post(SIGN_IN, {"username": user.username, "password": PASSWORD})
        form = self.client.get(CHANGE_PASSWORD).context["form"]
        self.assertEqual(set(form.fields), {"new_password1", "new_password2"})
        response = self.client.post(
            CHANGE_PASSWORD,
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        self.assertRedirects(response, reverse("web:home"), target_status_code=302)
        self.assertRedirects(self.client.get(ACCOUNT), reverse("account:mfa_enrol"))
        user.refresh_from_db()
        self.assertFalse(user.must_change_password)

    def test_the_same_password_as_before_is_refused_if_it_contains_the_username(self):
        user = self.users["school"]
        self.login(user)
        response = self.change(PASSWORD, f"{user.username.upper()} is here")
        codes = [
            e.code for e in response.context["form"].errors.as_data()["new_password2"]
        ]
        self.assertEqual(codes, ["password_contains_username"])


class LanguageTests(PontioTestCase):
    def test_the_user_chooses_welsh_emails(self):
        user = self.users["school"]
        self.login(user)
        response = self.client.post(reverse("account:language"), {"language": "cy"})
        self.assertRedirects(response, ACCOUNT)
        user.refresh_from_db()
        self.assertEqual(user.language, "cy")

    def test_an_unknown_language_is_refused(self):
        user = self.users["school"]
        self.login(user)
        response = self.client.post(reverse("account:language"), {"language": "fr"})
        self.assertEqual(response.status_code, 200)
        codes = [
            e.code
            for e in response.context["language_form"].errors.as_data()["language"]
        ]
        self.assertEqual(codes, ["invalid_choice"])
        user.refresh_from_db()
        self.assertEqual(user.language, "en")


class ApiKeyTests(PontioTestCase):
    def test_a_new_key_is_shown_once(self):
        user = self.users["school"]
        self.login(user)
        response = self.client.post(
            reverse("account:create_api_key"), {"name": "MIS export"}
        )
        self.assertEqual(response.status_code, 200)
        raw_key = response.context["raw_key"]
        self.assertContains(response, raw_key)
        key = ApiKey.objects.get(user=user)
        self.assertEqual(apikeys.authenticate_api_key(raw_key), user)
        page = self.client.get(ACCOUNT)
        self.assertContains(page, key.prefix)
        self.assertContains(page, "MIS export")
        self.assertNotContains(page, raw_key)

    def test_a_key_needs_a_name(self):
        self.login(self.users["school"])
        response = self.client.post(reverse("account:create_api_key"), {"name": "  "})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(ApiKey.objects.exists())

    def test_the_user_revokes_their_key(self):
        user = self.users["school"]
        key, raw_key = apikeys.create_api_key(user, actor=user, name="Script")
        self.login(user)
        response = self.client.post(reverse("account:revoke_api_key", args=[key.code]))
        self.assertRedirects(response, ACCOUNT)
        self.assertIsNone(apikeys.authenticate_api_key(raw_key))
        self.assertNotContains(self.client.get(ACCOUNT), key.prefix)

    def test_another_users_key_is_not_found(self):
        owner = self.users["school"]
        key, raw_key = apikeys.create_api_key(owner, actor=owner, name="Script")
        self.login(self.outsider)
        response = self.client.post(reverse("account:revoke_api_key", args=[key.code]))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(apikeys.authenticate_api_key(raw_key), owner)

    def test_revoking_needs_a_post(self):
        user = self.users["school"]
        key, _raw = apikeys.create_api_key(user, actor=user, name="Script")
        self.login(user)
        response = self.client.get(reverse("account:revoke_api_key", args=[key.code]))
        self.assertEqual(response.status_code, 405)
