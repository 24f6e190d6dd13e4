"""Set-password links: single-use, valid for settings.PASSWORD_RESET_TIMEOUT (48 h).

A link carries the user's id (base64) and a token, never a username or a UPN. The
token is bound to the password hash, so it stops working once the password is
set; and to the security stamp, so "sign out everywhere" and administrator
resets end any link sent before.
"""

from __future__ import annotations

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from pontio.directory.models import User


class SetPasswordTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "pontio.directory.tokens.SetPasswordTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:  # type: ignore[override]
        base = super()._make_hash_value(user, timestamp)
        return f"{base}{user.security_stamp}{user.is_active}"


set_password_tokens = SetPasswordTokenGenerator()


def set_password_path(user: User) -> str:
    """Return the path of a fresh set-password link for ``user``."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = set_password_tokens.make_token(user)
    return reverse("account:set_password", args=[uidb64, token])


def user_for_link(uidb64: str, token: str) -> User | None:
    """Return the active user a set-password link is for, if it is still valid."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, UnicodeDecodeError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not set_password_tokens.check_token(user, token):
        return None
    return user
