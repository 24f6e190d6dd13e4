"""Password rules after NCSC and OWASP ASVS: length, not composition.

Settings add Django's minimum length (12) and common-password validators; these
two complete the rules: at most 128 characters, and never the username.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MAX_PASSWORD_LENGTH = 128


class MaximumLengthValidator:
    """Refuse passwords longer than ``max_length`` characters."""

    def __init__(self, max_length: int = MAX_PASSWORD_LENGTH) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                ngettext(
                    "Your password must be %(max_length)d character or fewer.",
                    "Your password must be %(max_length)d characters or fewer.",
                    self.max_length,
                ),
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self) -> str:
        return ngettext(
            "Your password can be up to %(max_length)d character long.",
            "Your password can be up to %(max_length)d characters long.",
            self.max_length,
        ) % {"max_length": self.max_length}


class UsernameNotInPasswordValidator:
    """Refuse passwords that contain the username, in any mix of cases."""

    def validate(self, password: str, user: Any = None) -> None:
        username = str(getattr(user, "username", "") or "")
        if username and username.casefold() in password.casefold():
            raise ValidationError(
                _("Your password must not contain your username."),
                code="password_contains_username",
            )

    def get_help_text(self) -> str:
        return _("Your password must not contain your username.")
