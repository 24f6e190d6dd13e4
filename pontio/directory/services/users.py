"""Delegated administration of users (seed 002 sections 3.1 to 3.7).

LA database administrators add, amend and delete the users of their LA and of its
schools; central administrators set up each LA's administrator. Every change is
audited in its transaction.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext_lazy as _

from pontio.audit import services as audit
from pontio.directory import emails
from pontio.directory.models import Organisation, User
from pontio.directory.roles import (
    ADMINISTRATIVE_ROLES,
    LA_ROLES,
    ONE_PER_LA_ROLES,
    Role,
)
from pontio.directory.services import accounts

# Seed 002 section 3.7: "Use of personal email domains such as 'Hotmail', 'yahoo'
# and other such email domain names is strictly prohibited." A listed domain also
# refuses its subdomains (mail.yahoo.com); entries ending in "." refuse the name
# under every country suffix (yahoo.co.uk, yahoo.fr).
PERSONAL_EMAIL_DOMAINS = frozenset(
    {
        "hotmail.",
        "yahoo.",
        "ymail.com",
        "rocketmail.com",
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "outlook.",
        "live.",
        "msn.com",
        "windowslive.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.",
        "aim.com",
        "protonmail.com",
        "protonmail.ch",
        "proton.me",
        "pm.me",
        "gmx.",
        "mail.com",
        "email.com",
        "yandex.",
        "ya.ru",
        "zoho.com",
        "tutanota.com",
        "tuta.io",
        "fastmail.com",
        "btinternet.com",
        "btopenworld.com",
        "sky.com",
        "talktalk.net",
        "virginmedia.com",
        "ntlworld.com",
        "blueyonder.co.uk",
        "tiscali.co.uk",
        "orange.net",
        "mail.ru",
        "qq.com",
        "163.com",
    }
)
SECURITY_STAMP_BYTES = 16
COUNTRY_SUFFIX_MAX_LABELS = 2
COUNTRY_SUFFIX_LABEL_MAX_CHARS = 3
# Seed 002 section 3.3: "a unique alphanumeric username, e.g., 681bjones".
USERNAME_PATTERN = re.compile(r"[A-Za-z0-9]{3,150}")
# The roles each kind of organisation's users may hold.
ROLES_BY_KIND: dict[str, frozenset[str]] = {
    Organisation.Kind.SCHOOL: frozenset({Role.SCHOOL}),
    Organisation.Kind.LA: LA_ROLES,
    Organisation.Kind.CENTRAL: frozenset({Role.CENTRAL_ADMIN}),
}


def is_personal_email(address: str) -> bool:
    """Tell whether an address is at a personal (not a work) e-mail domain."""
    domain = address.rpartition("@")[2].strip().rstrip(".").lower()
    labels = domain.split(".")
    suffixes = {".".join(labels[index:]) for index in range(len(labels))}
    return any(
        _matches(listed, suffix)
        for listed in PERSONAL_EMAIL_DOMAINS
        for suffix in suffixes
    )


def _matches(listed: str, domain: str) -> bool:
    if not listed.endswith("."):
        return domain == listed
    if not domain.startswith(listed):
        return False
    # "yahoo." matches yahoo.com, yahoo.co.uk, yahoo.fr: a short country suffix.
    rest = domain[len(listed) :].split(".")
    return len(rest) <= COUNTRY_SUFFIX_MAX_LABELS and all(
        0 < len(label) <= COUNTRY_SUFFIX_LABEL_MAX_CHARS for label in rest
    )


def validate_work_email(address: str) -> None:
    """Refuse an address at a personal e-mail domain (seed 002 section 3.7)."""
    if is_personal_email(address):
        raise ValidationError(
            _(
                "Enter a work e-mail address: personal e-mail services such as "
                "Hotmail, Yahoo or Gmail cannot be used for Pontio accounts"
            ),
            code="personal_email_domain",
        )


def validate_username(username: str) -> None:
    """Refuse a username that is not alphanumeric or is already taken."""
    if not USERNAME_PATTERN.fullmatch(username):
        raise ValidationError(
            _(
                "Enter a username of 3 or more letters and numbers only, "
                "for example 681bjones"
            ),
            code="invalid_username",
        )
    if User.objects.filter(username=username).exists():
        raise ValidationError(
            _("The username %(username)s is already taken: choose another"),
            code="username_taken",
            params={"username": username},
        )


def roles_grantable_by(actor: Any, organisation: Organisation) -> list[str]:
    """Return the roles ``actor`` may give a user of ``organisation``, in order."""
    allowed = ROLES_BY_KIND.get(organisation.kind, frozenset())
    if not actor.organisation.is_central:
        # Seed 002 section 3.1: the Welsh Government sets up each LA's DBA.
        allowed = allowed - {Role.LA_DBA, Role.CENTRAL_ADMIN}
    return [role.value for role in Role if role in allowed]


def check_role(actor: Any, organisation: Organisation, role: str) -> None:
    """Refuse a role the organisation's users cannot hold or ``actor`` cannot give."""
    if role not in ROLES_BY_KIND.get(organisation.kind, frozenset()):
        raise ValidationError(
            _("Select a role for a user of this kind of organisation"),
            code="role_does_not_fit_organisation",
        )
    if actor is not None and role not in roles_grantable_by(actor, organisation):
        raise ValidationError(
            _("Only central administrators can give this role"),
            code="role_not_grantable",
        )


def _check_reaches(actor: Any, organisation: Organisation) -> None:
    # The pages offer only the actor's own LA and its schools; this keeps any
    # other caller to the same rule.
    if actor is None or actor.organisation.is_central:
        return
    own_la = actor.organisation
    if not (organisation == own_la or organisation.la == own_la):
        raise PermissionDenied


def _check_one_per_la(organisation: Organisation, role: str, exclude: Any) -> None:
    if role not in ONE_PER_LA_ROLES:
        return
    holders = User.objects.filter(organisation=organisation, role=role)
    if holders.exclude(pk=exclude).exists():
        raise ValidationError(
            _("Your LA already has an LA school account: each LA may have only one"),
            code="one_la_school_account",
        )


@transaction.atomic
def create_user(
    *,
    actor: Any,
    organisation: Organisation,
    username: str,
    email: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
    source: str = "web",
) -> User:
    """Add a user and send the account's invitation, or set the given password.

    Without ``password`` the user receives their username and a single-use link to
    set a password in two separate e-mails (seed 002 section 3.7).
    """
    _check_reaches(actor, organisation)
    validate_username(username)
    validate_work_email(email)
    check_role(actor, organisation, role)
    _check_one_per_la(organisation, role, exclude=None)
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        organisation=organisation,
        role=role,
        must_change_password=password is None,
    )
    if password is None:
        user.set_unusable_password()
    else:
        password_validation.validate_password(password, user)
        user.set_password(password)
    _save_new_user(user)
    audit.record(
        "user.created",
        actor=actor,
        obj=user,
        organisation=organisation,
        username=username,
        role=role,
        source=source,
    )
    if password is None:
        accounts.send_account_invitation(user, actor=actor)
    if role in ADMINISTRATIVE_ROLES:
        emails.announce_role_granted(user, granted_by=actor)
    return user


def _save_new_user(user: User) -> None:
    try:
        with transaction.atomic():
            user.save(force_insert=True)
    except IntegrityError as error:
        # The check above ran first; only a concurrent request gets here.
        raise ValidationError(
            _("This account could not be added: it clashes with another account"),
            code="user_conflict",
        ) from error


@transaction.atomic
def change_user_role(user: User, *, actor: Any, role: str) -> None:
    """Change a user's role (the only detail that changes, seed 002 section 3.4).

    The user is told of the change; a grant of an administrative role is also
    announced to the LA's administrators and to central administrators.
    """
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot change your own role"), code="own_account")
    check_role(actor, user.organisation, role)
    if role == user.role:
        return
    _check_one_per_la(user.organisation, role, exclude=user.pk)
    previous = user.role
    user.role = role
    user.save(update_fields=["role"])
    audit.record(
        "user.role_changed",
        actor=actor,
        obj=user,
        organisation=user.organisation,
        previous_role=previous,
        role=role,
    )
    emails.tell_user_of_role_change(user)
    if role in ADMINISTRATIVE_ROLES:
        emails.announce_role_granted(user, granted_by=actor)


@transaction.atomic
def delete_user(user: User, *, actor: Any) -> None:
    """Delete a user's account; keep it, deactivated, if records still refer to it."""
    if user.pk == actor.pk:
        raise ValidationError(
            _("You cannot delete your own account"), code="own_account"
        )
    audit_fields = {"username": user.username, "role": user.role}
    organisation = user.organisation
    deactivated = False
    try:
        with transaction.atomic():
            user.delete()
    except ProtectedError:
        _deactivate(user)
        deactivated = True
    audit.record(
        "user.deleted",
        actor=actor,
        obj=user if deactivated else None,
        organisation=organisation,
        deactivated=deactivated,
        **audit_fields,
    )


def _deactivate(user: User) -> None:
    user.is_active = False
    user.set_unusable_password()
    user.security_stamp = secrets.token_hex(SECURITY_STAMP_BYTES)
    user.save(update_fields=["is_active", "password", "security_stamp"])


@transaction.atomic
def reset_user_password(user: User, *, actor: Any) -> None:
    """Send the user a single-use link to set a new password (seed 002 section 3.6)."""
    accounts.reset_password(user, actor=actor)
