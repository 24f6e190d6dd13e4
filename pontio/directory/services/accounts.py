"""Signing in, passwords and sessions: a person's own account.

Sign-in is two steps, one question each: username and password, then a code from
an authenticator app (TOTP) or a one-time recovery code. Failures of either step
count towards a lockout (django-axes, by username). Password-step failures are
counted under the username itself, which a successful password resets;
second-factor failures under ``mfa:<username>`` (a colon is never part of a
username), so knowing the password does not buy fresh guesses at the code. The
second step and the second factors themselves are in ``services.mfa``.
"""

from __future__ import annotations

import enum
import secrets
from datetime import datetime, timedelta
from functools import partial
from typing import cast

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import auth
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from pontio import mail
from pontio.audit import services as audit
from pontio.audit.models import AuditEvent
from pontio.directory import tasks, tokens
from pontio.directory.models import User

SIGNED_IN_AT_SESSION_KEY = "pontio_signed_in_at"
LAST_SEEN_SESSION_KEY = "pontio_last_seen"
SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"
# Forgotten-password links a user can be sent in an hour.
RESET_REQUESTS_PER_HOUR = 3


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


# Signing in and out -------------------------------------------------------------


def _user_named(username: str) -> User | None:
    # Exact, case-sensitive match (``=`` compares bytes on SQLite and PostgreSQL).
    return User.objects.filter(username=username).select_related("organisation").first()


def _record_failure(
    request: HttpRequest, username: str, *, reason: str, locked_now: bool
) -> None:
    known = _user_named(username)
    record = partial(
        audit.record,
        actor=None,
        obj=known,
        organisation=known.organisation if known else None,
        outcome="failure",
        request=request,
        username=username,
    )
    record("user.sign_in_failed", reason=reason)
    if locked_now:
        record("user.locked_out", step="password")


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
    if _recent_reset_requests(user) >= RESET_REQUESTS_PER_HOUR:
        # Somebody is filling the user's mailbox: the links already sent will do.
        audit.record(
            "user.password_reset_requested",
            actor=None,
            obj=user,
            organisation=user.organisation,
            outcome="refused",
            request=request,
            reason="rate_limited",
        )
        return
    audit.record(
        "user.password_reset_requested",
        actor=None,
        obj=user,
        organisation=user.organisation,
        request=request,
    )
    tasks.send_set_password_email.enqueue(user_id=user.pk, reason="forgotten")


def _recent_reset_requests(user: User) -> int:
    """Count the links a user was sent through the forgotten-password page lately."""
    return AuditEvent.objects.filter(
        action="user.password_reset_requested",
        object_ref=str(user.code),
        outcome="success",
        at__gte=_now() - timedelta(hours=1),
    ).count()


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
