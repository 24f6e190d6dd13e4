"""Forms for directory administration: they parse input; services apply rules."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pontio.directory.models import Organisation, User
from pontio.directory.roles import Role
from pontio.directory.services import organisations as organisation_services
from pontio.directory.services import users as user_services

# Which field a service's error belongs to, by its code.
FIELD_OF_ERROR_CODE = {
    "invalid_username": "username",
    "username_taken": "username",
    "personal_email_domain": "email",
    "role_does_not_fit_organisation": "role",
    "role_not_grantable": "role",
    "one_la_school_account": "role",
    "unknown_la_code": "la_code",
    "la_exists": "la_code",
}


class ServiceErrorsMixin:
    """Attach a service's ``ValidationError`` to the field its code names."""

    def add_service_error(self, error: ValidationError) -> None:
        form: Any = self
        for item in error.error_list:
            field = FIELD_OF_ERROR_CODE.get(item.code or "")
            form.add_error(field if field in form.fields else None, item)


def _role_choices(roles: list[str]) -> list[tuple[str, Any]]:
    return [(role, Role(role).label) for role in roles]


class UserAddForm(ServiceErrorsMixin, forms.Form):
    organisation = forms.ChoiceField(label=_("Organisation"))
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Letters and numbers only, for example 681bjones"),
        validators=[user_services.validate_username],
    )
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("Work e-mail address"),
        help_text=_(
            "Personal e-mail addresses such as Hotmail or Gmail cannot be used"
        ),
        validators=[user_services.validate_work_email],
    )
    role = forms.ChoiceField(label=_("Role"))

    def __init__(
        self, *args: Any, actor: User, organisations: list[Organisation], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = {
            organisation.code: organisation for organisation in organisations
        }
        cast(forms.ChoiceField, self.fields["organisation"]).choices = [
            (organisation.code, str(organisation)) for organisation in organisations
        ]
        roles: list[str] = []
        for organisation in organisations:
            for role in user_services.roles_grantable_by(actor, organisation):
                if role not in roles:
                    roles.append(role)
        cast(forms.ChoiceField, self.fields["role"]).choices = _role_choices(roles)

    def clean_organisation(self) -> Organisation:
        return self.organisations[self.cleaned_data["organisation"]]


class RoleForm(ServiceErrorsMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, actor: User, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"role": user.role})
        super().__init__(*args, **kwargs)
        roles = user_services.roles_grantable_by(actor, user.organisation)
        cast(forms.ChoiceField, self.fields["role"]).choices = _role_choices(roles)


class ConfirmForm(ServiceErrorsMixin, forms.Form):
    """A confirmation page's form: nothing to fill in but the CSRF token."""


class SchoolForm(forms.Form):
    name = forms.CharField(label=_("School name"), max_length=200)
    town = forms.CharField(label=_("Town"), max_length=100, required=False)
    phone = forms.CharField(label=_("Telephone number"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        help_text=_(
            "Every school must use Pontio by law, so no school should normally be "
            "inactive. An inactive school's users cannot send or receive files."
        ),
    )

    @classmethod
    def for_school(cls, school: Organisation, data: Any = None) -> SchoolForm:
        initial = {name: getattr(school, name) for name in cls.base_fields}
        return cls(data, initial=initial)


class LaForm(forms.Form):
    name = forms.CharField(label=_("LA name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"))
    receive_ctf_copies = forms.BooleanField(
        label=_("Receive copies of CTFs sent to and from my schools"),
        required=False,
        help_text=_(
            "While this is on, the LA's e-mail address is told of every file "
            "awaiting download."
        ),
    )

    @classmethod
    def for_la(cls, la: Organisation, data: Any = None) -> LaForm:
        initial = {name: getattr(la, name) for name in cls.base_fields}
        return cls(data, initial=initial)


class LaAddForm(ServiceErrorsMixin, forms.Form):
    la_code = forms.ChoiceField(label=_("LA"))
    name = forms.CharField(
        label=_("LA name"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the name in the table of LA numbers"),
    )
    email = forms.EmailField(label=_("E-mail address"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["la_code"]).choices = [
            (la.code, f"{la.code} {la.name}")
            for la in organisation_services.la_codes_available()
        ]
