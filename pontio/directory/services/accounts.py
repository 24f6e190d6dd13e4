"""Signing in, second factors, passwords and sessions: a person's own account.

Sign-in is two steps, one question each: username and password, then a code from
an authenticator app (TOTP) or a one-time recovery code. Failures of either step
count towards a lockout (django-axes, by username). Password-step failures are
counted under the username itself, which a successful password resets;
second-factor failures under ``mfa:<username>`` (a colon is never part of a
username), so knowing the password does not buy fresh guesses at the code.
"""

from __future__ import annotations

import enum
import secrets
from datetime import datetime, timedelta
from typing import cast

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import auth
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from pontio import mail
from pontio.audit import services as audit
from pontio.directory import tasks, tokens
from pontio.directory.models import User

SIGNED_IN_AT_SESSION_KEY = "pontio_signed_in_at"
LAST_SEEN_SESSION_KEY = "pontio_last_seen"
# Set once a signed-in user has proved a current code: they may enrol anew.
REENROL_SESSION_KEY = "pontio_mfa_reenrol"
RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery codes"
TOTP_DIGITS = 6
SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"


class Outcome(enum.Enum):
    """How an attempt at a sign-in step ended."""

    ACCEPTED = "accepted"
    REFUSED = "refused"
    LOCKED_OUT = "locked_out"


def _now() -> datetime:
    return timezone.now()


def _epoch_seconds() -> int:
    return int(_now().timestamp())


# Lockout ----------------------------------------------------------------------


def _password_credentials(username: str) -> dict[str, str]:
    return {"username": username}


def _code_credentials(user: User) -> dict[str, str]:
    return {"username": f"mfa:{user.username}"}


def is_locked_out(request: HttpRequest, username: str) -> bool:
    """Tell whether sign-in is locked for ``username``, known or not."""
    return bool(
        AxesProxyHandler.is_locked(request, _password_credentials(username))
        or AxesProxyHandler.is_locked(request, {"username": f"mfa:{username}"})
    )


def lockout_ends_at(username: str) -> datetime:
    """Return when sign-in for ``username`` unlocks, counting from its last failure."""
    name = username.removeprefix("mfa:")
    attempts = AccessAttempt.objects.filter(username__in=[name, f"mfa:{name}"])
    latest = attempts.aggregate(latest=Max("attempt_time"))["latest"]
    cool_off: timedelta = settings.AXES_COOLOFF_TIME
    return (latest or _now()) + cool_off


def _count_code_failure(request: HttpRequest, user: User) -> bool:
    """Count a wrong code; return True if the user is now locked out."""
    AxesProxyHandler.user_login_failed(
        sender=__name__, credentials=_code_credentials(user), request=request
    )
    return bool(getattr(request, "axes_locked_out", False))


# Signing in and out -------------------------------------------------------------


def _user_named(username: str) -> User | None:
    # Exact, case-sensitive match (``=`` compares bytes on SQLite and PostgreSQL).
    return User.objects.filter(username=username).select_related("organisation").first()


def _record_failure(
    request: HttpRequest, username: str, *, reason: str, locked_now: bool
) -> None:
    known = _user_named(username)
    organisation = known.organisation if known else None
    audit.record(
        "user.sign_in_failed",
        actor=None,
        obj=known,
        organisation=organisation,
        outcome="failure",
        request=request,
        username=username,
        reason=reason,
    )
    if locked_now:
        audit.record(
            "user.locked_out",
            actor=None,
            obj=known,
            organisation=organisation,
            outcome="failure",
            request=request,
            username=username,
            step="password",
        )


@transaction.atomic
def sign_in_with_password(
    request: HttpRequest, *, username: str, password: str
) -> Outcome:
    """Check a username and password and, if right, begin a session.

    The outcome is the same whether or not the username exists.
    """
    if ":" in username:
        # Never a username; counting it would reach into the "mfa:" counters.
        _record_failure(request, username, reason="password", locked_now=False)
        return Outcome.REFUSED
    if is_locked_out(request, username):
        _record_failure(request, username, reason="locked_out", locked_now=False)
        return Outcome.LOCKED_OUT
    user = auth.authenticate(request, username=username, password=password)
    if user is None:
        locked_now = bool(getattr(request, "axes_locked_out", False))
        _record_failure(request, username, reason="password", locked_now=locked_now)
        return Outcome.LOCKED_OUT if locked_now else Outcome.REFUSED
    begin_session(request, cast(User, user))
    audit.record("user.signed_in", actor=user, request=request, step="password")
    return Outcome.ACCEPTED


def begin_session(request: HttpRequest, user: User) -> None:
    """Sign ``user`` in (first step only) and start the session's clocks."""
    auth.login(request, user, backend=SESSION_BACKEND)
    now = _epoch_seconds()
    request.session[SIGNED_IN_AT_SESSION_KEY] = now
    request.session[LAST_SEEN_SESSION_KEY] = now


def sign_out(request: HttpRequest) -> None:
    """End this session."""
    user = request.user
    if user.is_authenticated:
        audit.record("user.signed_out", actor=user, request=request)
    auth.logout(request)


@transaction.atomic
def sign_out_everywhere(request: HttpRequest, user: User) -> None:
    """End every session of ``user``, this one included."""
    rotate_security_stamp(user)
    audit.record("user.signed_out_everywhere", actor=user, request=request)
    auth.logout(request)


def rotate_security_stamp(user: User) -> None:
    """Change the stamp mixed into session hashes, ending every session."""
    user.security_stamp = secrets.token_hex(16)
    user.save(update_fields=["security_stamp"])


def end_expired_session(request: HttpRequest, *, reason: str) -> None:
    """Sign the user out because the session was idle or lasted too long."""
    audit.record(
        "user.session_expired", actor=request.user, request=request, reason=reason
    )
    auth.logout(request)


# Second factor ------------------------------------------------------------------


def has_authenticator(user: User) -> bool:
    """Tell whether ``user`` has enrolled an authenticator app."""
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def recovery_codes_left(user: User) -> int:
    """Count the unused recovery codes of ``user``."""
    unused = StaticToken.objects.filter(device__user=user, device__confirmed=True)
    return int(unused.count())


def _normalise_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _match_code(user: User, code: str) -> tuple[Device, str] | None:
    code = _normalise_code(code)
    if code.isdigit() and len(code) == TOTP_DIGITS:
        totp = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True)
        for device in totp:
            if device.verify_token(code):
                return device, "totp"
        return None
    # A recovery code is deleted as it is used: each works once.
    for static in StaticDevice.objects.select_for_update().filter(
        user=user, confirmed=True
    ):
        if static.verify_token(code):
            return static, "recovery_code"
    return None


def _check_code(request: HttpRequest, user: User, code: str) -> Outcome:
    if AxesProxyHandler.is_locked(request, _code_credentials(user)):
        return Outcome.LOCKED_OUT
    match = _match_code(user, code)
    if match is None:
        locked_now = _count_code_failure(request, user)
        audit.record(
            "mfa.verification_failed", actor=user, request=request, outcome="failure"
        )
        if locked_now:
            audit.record(
                "user.locked_out",
                actor=user,
                request=request,
                outcome="failure",
                username=user.username,
                step="mfa",
            )
        return Outcome.LOCKED_OUT if locked_now else Outcome.REFUSED
    device, method = match
    AxesProxyHandler.reset_attempts(username=_code_credentials(user)["username"])
    audit.record("mfa.verified", actor=user, request=request, method=method)
    otp_login(request, device)
    return Outcome.ACCEPTED


@transaction.atomic
def verify_second_factor(request: HttpRequest, user: User, *, code: str) -> Outcome:
    """Check a TOTP or recovery code: the second step of signing in."""
    outcome = _check_code(request, user, code)
    if outcome is Outcome.ACCEPTED:
        request.session.cycle_key()
    return outcome


@transaction.atomic
def start_authenticator_reset(
    request: HttpRequest, user: User, *, code: str
) -> Outcome:
    """Let a signed-in user enrol a new authenticator, once they prove a code."""
    outcome = _check_code(request, user, code)
    if outcome is Outcome.ACCEPTED:
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        request.session[REENROL_SESSION_KEY] = True
        audit.record("mfa.reset_started", actor=user, request=request)
    return outcome


def may_enrol(request: HttpRequest, user: User) -> bool:
    """Tell whether ``user`` may enrol an authenticator in this session."""
    if not has_authenticator(user):
        return True
    return bool(request.session.get(REENROL_SESSION_KEY)) and user.is_verified()  # type: ignore[attr-defined]


def pending_authenticator(user: User) -> TOTPDevice:
    """Return the user's authenticator awaiting its first code, made if need be."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).last()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=TOTP_DEVICE_NAME, confirmed=False
        )
    return device


@transaction.atomic
def enrol_authenticator(
    request: HttpRequest, device: TOTPDevice, *, code: str
) -> list[str] | None:
    """Confirm a new authenticator with its first code; return new recovery codes.

    Any earlier authenticator stops working. None if the code is wrong.
    """
    user = device.user
    if not device.verify_token(_normalise_code(code)):
        audit.record(
            "mfa.enrolment_failed", actor=user, request=request, outcome="failure"
        )
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _replace_recovery_codes(user)
    otp_login(request, device)
    request.session.pop(REENROL_SESSION_KEY, None)
    request.session.cycle_key()
    audit.record("mfa.enrolled", actor=user, request=request)
    return codes


def _replace_recovery_codes(user: User) -> list[str]:
    # Keep the device itself: a session verified by a recovery code stays so.
    device, _created = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": RECOVERY_DEVICE_NAME, "confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        [StaticToken(device=device, token=code) for code in codes]
    )
    return codes


@transaction.atomic
def regenerate_recovery_codes(request: HttpRequest, user: User) -> list[str]:
    """Replace the user's recovery codes; the old ones stop working."""
    codes = _replace_recovery_codes(user)
    audit.record("mfa.recovery_codes_regenerated", actor=user, request=request)
    return codes


# Passwords ----------------------------------------------------------------------


@transaction.atomic
def change_password(
    user: User, *, new_password: str, request: HttpRequest | None = None
) -> None:
    """Set the user's own new password (already validated by the form)."""
    user.set_password(new_password)
    user.must_change_password = False
    user.password_changed_at = _now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    audit.record("user.password_changed", actor=user, request=request)


@transaction.atomic
def set_password_from_link(
    request: HttpRequest, user: User, *, new_password: str
) -> None:
    """Set a password chosen through a set-password link, and sign the user in.

    The second factor is still to come: enrolment, or a code.
    """
    change_password(user, new_password=new_password, request=request)
    begin_session(request, user)
    audit.record("user.signed_in", actor=user, request=request, step="link")


@transaction.atomic
def reset_password(user: User, *, actor: User | None) -> None:
    """Withdraw the user's password, end their sessions and e-mail them a link."""
    user.set_unusable_password()
    user.must_change_password = True
    user.security_stamp = secrets.token_hex(16)
    user.save(update_fields=["password", "must_change_password", "security_stamp"])
    audit.record(
        "user.password_reset", actor=actor, obj=user, organisation=user.organisation
    )
    tasks.send_set_password_email.enqueue(user_id=user.pk, reason="reset")


@transaction.atomic
def send_account_invitation(user: User, *, actor: User | None) -> None:
    """E-mail a new user their username and, separately, a set-password link."""
    audit.record("user.invited", actor=actor, obj=user, organisation=user.organisation)
    tasks.send_username_email.enqueue(user_id=user.pk)
    tasks.send_set_password_email.enqueue(user_id=user.pk, reason="invitation")


@transaction.atomic
def request_password_reset(request: HttpRequest, *, username: str) -> None:
    """E-mail a set-password link if ``username`` is an active account.

    Says nothing either way: the page looks the same for unknown usernames.
    """
    user = _user_named(username)
    if user is None or not user.is_active or not user.email:
        return
    audit.record(
        "user.password_reset_requested",
        actor=None,
        obj=user,
        organisation=user.organisation,
        request=request,
    )
    tasks.send_set_password_email.enqueue(user_id=user.pk, reason="forgotten")


def email_set_password_link(user: User, *, reason: str) -> int:
    """Send a set-password link (never with the username); return mails sent."""
    if not user.is_active:
        return 0
    context = {
        "link": settings.SITE_URL + tokens.set_password_path(user),
        "reason": reason,
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    return mail.send_templated_email(
        "account/emails/set_password", [user.email], context, language=user.language
    )


def email_username(user: User) -> int:
    """Send the username (never with a link or password); return mails sent."""
    if not user.is_active:
        return 0
    context = {"username": user.username, "organisation": user.organisation.name}
    return mail.send_templated_email(
        "account/emails/username", [user.email], context, language=user.language
    )


# Preferences --------------------------------------------------------------------


@transaction.atomic
def set_language(user: User, *, language: str, request: HttpRequest) -> None:
    """Choose the language of the user's e-mails."""
    user.language = language
    user.save(update_fields=["language"])
    audit.record(
        "user.language_changed", actor=user, request=request, language=language
    )
