"""Signing in, one question per page: username and password, then a code."""

from __future__ import annotations

import base64
import io
from base64 import b32encode
from typing import Any

import segno
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pontio.directory.forms.account import CodeForm, EnrolForm, SignInForm
from pontio.directory.models import User
from pontio.directory.services import accounts, mfa
from pontio.directory.services.accounts import Outcome

NEXT_SESSION_KEY = "pontio_next"
QR_SCALE = 5
LOCKED_OUT_STATUS = 429


def signed_in_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise TypeError("a signed-in user is required")
    return user


def _remember_next(request: HttpRequest) -> None:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        request.session[NEXT_SESSION_KEY] = target


def after_sign_in(request: HttpRequest) -> HttpResponse:
    """Go where the user was heading before signing in, or home."""
    target = request.session.pop(NEXT_SESSION_KEY, None)
    return redirect(target or resolve_url(settings.LOGIN_REDIRECT_URL))


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """Say that sign-in is locked, and until when; the same for every username."""
    username = str((credentials or {}).get("username") or "")
    until = accounts.lockout_ends_at(username) if username else None
    context = {
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "until": timezone.localtime(until) if until else None,
    }
    return render(request, "account/locked_out.html", context, status=LOCKED_OUT_STATUS)


def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = accounts.sign_in_with_password(request, **form.cleaned_data)
        if outcome is Outcome.LOCKED_OUT:
            username = form.cleaned_data["username"]
            return locked_out(request, credentials={"username": username})
        if outcome is Outcome.ACCEPTED:
            _remember_next(request)
            # The sign-in steps come first; the last one goes on to "next".
            target = request.session.get(NEXT_SESSION_KEY)
            return redirect(target or settings.LOGIN_REDIRECT_URL)
        form.add_error(None, _sign_in_failed())
    next_url = request.POST.get("next") or request.GET.get("next", "")
    context = {"form": form, "next": next_url}
    return render(request, "account/sign_in.html", context)


def _sign_in_failed() -> ValidationError:
    return ValidationError(
        _("Enter a correct username and password. Both are case-sensitive."),
        code="sign_in_failed",
    )


def code_refused() -> ValidationError:
    return ValidationError(
        _("The code is wrong or has been used. Enter a new code."),
        code="code_refused",
    )


@login_required
def mfa_verify(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if user.is_verified():  # type: ignore[attr-defined]
        return after_sign_in(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = mfa.verify_second_factor(
            request, user, code=form.cleaned_data["code"]
        )
        if outcome is Outcome.LOCKED_OUT:
            accounts.sign_out(request)
            return locked_out(request, credentials={"username": user.username})
        if outcome is Outcome.ACCEPTED:
            return after_sign_in(request)
        form.add_error("code", code_refused())
    return render(request, "account/mfa_verify.html", {"form": form})


def qr_code_data(text: str) -> str:
    """Return ``text`` as a QR code: an SVG, base64-encoded for a data: URL."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", scale=QR_SCALE, border=2)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
def mfa_enrol(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not mfa.may_enrol(request, user):
        return redirect("account:index")
    device = mfa.pending_authenticator(user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.enrol_authenticator(request, device, code=form.cleaned_data["code"])
        if codes is not None:
            # Shown in this response only: the codes are never shown again.
            return render(request, "account/recovery_codes.html", {"codes": codes})
        form.add_error("code", code_refused())
    context = {
        "form": form,
        "qr_code": qr_code_data(device.config_url),
        "secret": _grouped(b32encode(device.bin_key).decode("ascii")),
    }
    return render(request, "account/mfa_enrol.html", context)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    accounts.sign_out(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)
