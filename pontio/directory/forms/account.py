"""Forms for signing in and for a person's own account. They parse; they never save."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pontio.directory.models import User

# Long enough for any real password; stops a huge one costing an Argon2 run.
MAX_SIGN_IN_PASSWORD_CHARS = 1024
MAX_CODE_CHARS = 32


class SignInForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none"}
        ),
        error_messages={"required": _("Enter your username")},
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=MAX_SIGN_IN_PASSWORD_CHARS,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password")},
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Security code"),
        help_text=_(
            "The 6-digit code from your authenticator app, or one of your "
            "recovery codes."
        ),
        max_length=MAX_CODE_CHARS,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
        error_messages={"required": _("Enter a security code")},
    )


class EnrolForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        help_text=_("The 6 digits your app shows for Pontio."),
        max_length=MAX_CODE_CHARS,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
        error_messages={"required": _("Enter the code from your authenticator app")},
    )


class ForgottenPasswordForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none"}
        ),
        error_messages={"required": _("Enter your username")},
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of your e-mails"),
        choices=User.Language.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select a language")},
    )


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the key"),
        help_text=_("For example, the name of the program that will use it."),
        max_length=100,
        error_messages={"required": _("Enter a name for the key")},
    )
