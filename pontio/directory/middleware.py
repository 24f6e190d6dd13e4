"""Session limits and the steps of signing in, checked on every request."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pontio.directory.services import accounts, mfa

Handler = Callable[[HttpRequest], HttpResponse]

IDLE_SECONDS_SETTING = "SESSION_COOKIE_AGE"
# Paths that need no signed-in session, or carry their own authentication.
OPEN_PREFIXES = ("/i18n/", "/healthz", "/api/")
# Pages a user part-way through signing in may still open.
OPEN_VIEWS = frozenset(
    {
        "account:sign_in",
        "account:sign_out",
        "account:forgotten_password",
        "account:forgotten_password_sent",
        "account:set_password",
    }
)


def _is_open_path(path: str) -> bool:
    return path.startswith((settings.STATIC_URL, *OPEN_PREFIXES))


def _expiry_reason(request: HttpRequest, now: int) -> str | None:
    session = request.session
    signed_in_at = session.setdefault(accounts.SIGNED_IN_AT_SESSION_KEY, now)
    last_seen = session.get(accounts.LAST_SEEN_SESSION_KEY, now)
    if now - signed_in_at >= settings.SESSION_ABSOLUTE_SECONDS:
        return "absolute"
    if now - last_seen >= getattr(settings, IDLE_SECONDS_SETTING):
        return "idle"
    return None


def _expired_response(request: HttpRequest, reason: str) -> HttpResponse:
    accounts.end_expired_session(request, reason=reason)
    response = redirect(settings.LOGIN_URL)
    # The message middleware comes later in the chain and is skipped here.
    storage = default_storage(request)
    if reason == "idle":
        text = _("You were signed out because you had not used Pontio for a while.")
    else:
        text = _("You were signed out because your session reached its time limit.")
    storage.add(messages.INFO, text)
    storage.update(response)
    return response


def session_limits(get_response: Handler) -> Handler:
    """Sign out a session idle for 30 minutes, or 12 hours after signing in."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if _is_open_path(request.path_info) or not request.user.is_authenticated:
            return get_response(request)
        now = int(timezone.now().timestamp())
        reason = _expiry_reason(request, now)
        if reason:
            return _expired_response(request, reason)
        request.session[accounts.LAST_SEEN_SESSION_KEY] = now
        return get_response(request)

    return middleware


def pending_step(request: HttpRequest) -> str | None:
    """Name the sign-in page the signed-in user must complete next, if any.

    A user with an authenticator proves it before anything else, even a
    required password change: a password alone must not be enough to set one.
    """
    user = request.user
    if user.is_verified():  # type: ignore[union-attr]
        return "account:change_password" if user.must_change_password else None  # type: ignore[union-attr]
    if mfa.has_authenticator(user):  # type: ignore[arg-type]
        return "account:mfa_verify"
    if user.must_change_password:  # type: ignore[union-attr]
        return "account:change_password"
    return "account:mfa_enrol"


def _view_name(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def sign_in_steps(get_response: Handler) -> Handler:
    """Keep a part-signed-in user on the sign-in steps until all are done."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if _is_open_path(request.path_info) or not request.user.is_authenticated:
            return get_response(request)
        view_name = _view_name(request.path_info)
        if view_name in OPEN_VIEWS:
            return get_response(request)
        step = pending_step(request)
        if step is None or step == view_name:
            return get_response(request)
        return redirect(reverse(step))

    return middleware
