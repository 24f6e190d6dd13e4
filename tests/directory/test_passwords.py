"""Password rules after NCSC and OWASP ASVS: 12 to 128 characters, nothing else
but no common passwords and never the username; hashed with Argon2id."""

from __future__ import annotations

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import translation

from pontio import settings as project_settings
from pontio.directory.passwords import (
    MaximumLengthValidator,
    UsernameNotInPasswordValidator,
)
from tests.base import PontioTestCase

ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"


def refusal_codes(password: str, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return sorted(e.code for e in error.error_list)
    return []


class PasswordRulesTests(PontioTestCase):
    def test_eleven_characters_are_too_few_and_twelve_enough(self):
        self.assertEqual(refusal_codes("plum stones"), ["password_too_short"])
        self.assertEqual(refusal_codes("plum stone x"), [])

    def test_128_characters_are_allowed_and_129_too_many(self):
        self.assertEqual(refusal_codes("a quiet lake " * 9 + "x" * 11), [])
        self.assertEqual(len("a quiet lake " * 9 + "x" * 11), 128)
        self.assertEqual(
            refusal_codes("a quiet lake " * 9 + "x" * 12), ["password_too_long"]
        )

    def test_no_composition_rules_apply(self):
        for password in (
            "correcthorsebatterystaple",
            "ALL CAPITALS WITH SPACES",
            "81726354091827364",
            "cwm rhondda ŵyn ŷd",
            "😀😃😄😁😆😅😂🤣😊😇😍🤩",
        ):
            with self.subTest(password=password):
                self.assertEqual(refusal_codes(password), [])

    def test_common_passwords_are_refused(self):
        for password in ("qwerty123456", "1q2w3e4r5t6y", "123456654321"):
            with self.subTest(password=password):
                self.assertEqual(refusal_codes(password), ["password_too_common"])

    def test_a_password_containing_the_username_is_refused_in_any_case(self):
        user = self.users["school"]
        for password in (
            "6812003office and more",
            "my 6812003OFFICE password",
            "x6812003Office",
        ):
            with self.subTest(password=password):
                self.assertEqual(
                    refusal_codes(password, user), ["password_contains_username"]
                )
        self.assertEqual(refusal_codes("6812003 offices are warm", user), [])

    def test_the_username_rule_needs_a_user(self):
        UsernameNotInPasswordValidator().validate("anything at all goes here")
        UsernameNotInPasswordValidator().validate("anything", object())

    def test_the_maximum_can_be_configured(self):
        validator = MaximumLengthValidator(max_length=20)
        validator.validate("x" * 20)
        with self.assertRaises(ValidationError) as caught:
            validator.validate("x" * 21)
        self.assertEqual(caught.exception.params, {"max_length": 20})

    def test_the_help_texts_name_the_rules_in_english_and_welsh(self):
        for language in ("en", "cy"):
            with self.subTest(language=language), translation.override(language):
                texts = password_validators_help_texts()
                self.assertEqual(len(texts), 4)
                self.assertTrue(all(texts))


class PasswordHashingTests(PontioTestCase):
    def test_the_project_hashes_with_argon2(self):
        self.assertEqual(project_settings.PASSWORD_HASHERS, [ARGON2])

    @override_settings(PASSWORD_HASHERS=[ARGON2])
    def test_argon2id_is_the_variant_used(self):
        encoded = make_password("a long enough passphrase")
        self.assertTrue(encoded.startswith("argon2$argon2id$"))
        self.assertTrue(check_password("a long enough passphrase", encoded))
