"""Signing in and a person's own account, under /account/."""

from django.urls import path

from pontio.directory.views import account, signin

app_name = "account"
urlpatterns = [
    path("", account.index, name="index"),
    path("sign-in/", signin.sign_in, name="sign_in"),
    path("sign-in/code/", signin.mfa_verify, name="mfa_verify"),
    path("sign-in/authenticator/", signin.mfa_enrol, name="mfa_enrol"),
    path("sign-out/", signin.sign_out, name="sign_out"),
    path(
        "sign-out-everywhere/",
        account.sign_out_everywhere,
        name="sign_out_everywhere",
    ),
    path("password/", account.change_password, name="change_password"),
    path("forgotten-password/", account.forgotten_password, name="forgotten_password"),
    path(
        "forgotten-password/sent/",
        account.forgotten_password_sent,
        name="forgotten_password_sent",
    ),
    path(
        "set-password/<str:uidb64>/<str:token>/",
        account.set_password,
        name="set_password",
    ),
    path("authenticator/reset/", account.mfa_reset, name="mfa_reset"),
    path("recovery-codes/", account.recovery_codes, name="recovery_codes"),
    path("language/", account.language, name="language"),
    path("api-keys/new/", account.create_api_key, name="create_api_key"),
    path(
        "api-keys/<uuid:code>/revoke/",
        account.revoke_api_key,
        name="revoke_api_key",
    ),
]
