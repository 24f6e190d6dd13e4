"""Your account: password, authenticator, API keys, language, signing out."""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pontio.directory.forms.account import (
    ApiKeyForm,
    CodeForm,
    ForgottenPasswordForm,
    LanguageForm,
)
from pontio.directory.models import ApiKey
from pontio.directory.services import accounts, apikeys, mfa
from pontio.directory.services.accounts import Outcome
from pontio.directory.tokens import user_for_link
from pontio.directory.views.signin import (
    after_sign_in,
    code_refused,
    locked_out,
    signed_in_user,
)


def _index_page(
    request: HttpRequest, language_form: LanguageForm | None = None
) -> HttpResponse:
    user = signed_in_user(request)
    context = {
        "api_keys": ApiKey.objects.filter(user=user, revoked_at__isnull=True),
        "recovery_codes_left": mfa.recovery_codes_left(user),
        "language_form": language_form
        or LanguageForm(initial={"language": user.language}),
    }
    return render(request, "account/index.html", context)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return _index_page(request)


@login_required
def change_password(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    required = user.must_change_password
    # A required change comes straight after the password was entered.
    form_class = SetPasswordForm if required else PasswordChangeForm
    form = form_class(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        accounts.change_password(
            user, new_password=form.cleaned_data["new_password1"], request=request
        )
        update_session_auth_hash(request, user)
        if required:
            return after_sign_in(request)
        messages.success(request, _("Your password has been changed."))
        return redirect("account:index")
    context = {"form": form, "required": required}
    return render(request, "account/change_password.html", context)


def forgotten_password(request: HttpRequest) -> HttpResponse:
    form = ForgottenPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accounts.request_password_reset(request, username=form.cleaned_data["username"])
        return redirect("account:forgotten_password_sent")
    return render(request, "account/forgotten_password.html", {"form": form})


def forgotten_password_sent(request: HttpRequest) -> HttpResponse:
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    return render(request, "account/forgotten_password_sent.html", {"hours": hours})


def set_password(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = user_for_link(uidb64, token)
    if user is None:
        return render(request, "account/link_invalid.html", status=404)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        accounts.set_password_from_link(
            request, user, new_password=form.cleaned_data["new_password1"]
        )
        return after_sign_in(request)
    return render(request, "account/set_password.html", {"form": form})


@login_required
def mfa_reset(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = mfa.start_authenticator_reset(
            request, user, code=form.cleaned_data["code"]
        )
        if outcome is Outcome.LOCKED_OUT:
            accounts.sign_out(request)
            return locked_out(request, credentials={"username": user.username})
        if outcome is Outcome.ACCEPTED:
            return redirect("account:mfa_enrol")
        form.add_error("code", code_refused())
    return render(request, "account/mfa_reset.html", {"form": form})


@require_POST
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    codes = mfa.regenerate_recovery_codes(request, signed_in_user(request))
    # Shown in this response only: the codes are never shown again.
    return render(request, "account/recovery_codes.html", {"codes": codes})


@require_POST
@login_required
def language(request: HttpRequest) -> HttpResponse:
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return _index_page(request, language_form=form)
    accounts.set_language(
        signed_in_user(request), language=form.cleaned_data["language"], request=request
    )
    messages.success(request, _("Your choice of language has been saved."))
    return redirect("account:index")


@login_required
def create_api_key(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = ApiKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            key, raw_key = apikeys.create_api_key(
                user, actor=user, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # The raw key exists only in this response: it is never stored.
            context = {"key": key, "raw_key": raw_key}
            return render(request, "account/api_key_created.html", context)
    return render(request, "account/api_key_new.html", {"form": form})


@require_POST
@login_required
def revoke_api_key(request: HttpRequest, code: UUID) -> HttpResponse:
    # 404 for anyone else's key: its existence must not leak.
    key = get_object_or_404(
        ApiKey, code=code, user=signed_in_user(request), revoked_at__isnull=True
    )
    apikeys.revoke_api_key(key, actor=signed_in_user(request))
    messages.success(request, _("The key has been revoked."))
    return redirect("account:index")


@require_POST
@login_required
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    accounts.sign_out_everywhere(request, signed_in_user(request))
    messages.info(request, _("You have been signed out everywhere."))
    return redirect(settings.LOGOUT_REDIRECT_URL)
