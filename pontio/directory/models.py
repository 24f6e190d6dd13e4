"""Organisations (LAs, schools, central administration) and their users."""

from __future__ import annotations

import secrets
import uuid

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pontio.directory.roles import (
    LA_ROLES,
    ONE_PER_LA_ROLES,
    Capability,
    Role,
    capabilities_of,
)

CENTRAL_CODE = "central"


class Organisation(models.Model):
    """A local authority, a school, or the central administration.

    ``code`` is the public identifier: an LA's 3-digit number, a school's 7-digit
    establishment number (LA number and 4-digit school number), or ``central``.
    """

    class Kind(models.TextChoices):
        LA = "la", _("Local authority")
        SCHOOL = "school", _("School")
        CENTRAL = "central", _("Central administration")

    kind = models.CharField(max_length=8, choices=Kind.choices)
    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=200)
    la = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="schools",
        limit_choices_to={"kind": "la"},
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    town = models.CharField(_("town"), max_length=100, blank=True)
    phone = models.CharField(_("telephone number"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Seed 002 section 3.9: on for every LA in the first instance.
    receive_ctf_copies = models.BooleanField(
        _("receive copies of CTFs sent to and from my schools"), default=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="school") & Q(la__isnull=False))
                | (~Q(kind="school") & Q(la__isnull=True)),
                name="organisation_school_has_la",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_la(self) -> bool:
        return self.kind == self.Kind.LA

    @property
    def is_school(self) -> bool:
        return self.kind == self.Kind.SCHOOL

    @property
    def is_central(self) -> bool:
        return self.kind == self.Kind.CENTRAL

    @property
    def la_code(self) -> str | None:
        """The 3-digit LA number this organisation belongs to (None for central)."""
        if self.is_la:
            return self.code
        if self.is_school:
            return self.code[:3]
        return None


def _new_security_stamp() -> str:
    return secrets.token_hex(16)


class User(AbstractUser):
    """A person who signs in: one organisation, one role."""

    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        WELSH = "cy", "Cymraeg"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="users"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default="en"
    )
    # Set when an account is created or its password reset by an administrator.
    must_change_password = models.BooleanField(default=True)
    # Part of every session's hash: changing it ends all the user's sessions.
    security_stamp = models.CharField(max_length=32, default=_new_security_stamp)
    password_changed_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    class Meta:
        ordering = ["username"]
        constraints = [
            # Seed 002 section 1.6: "Each Local Authority may only have one LEA
            # School user account."
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(role__in=sorted(ONE_PER_LA_ROLES)),
                name="user_one_la_school_account_per_la",
            ),
        ]

    def __str__(self) -> str:
        return self.username

    def get_session_auth_hash(self) -> str:
        # Mixing the stamp in means "sign out everywhere" only has to change it.
        return super().get_session_auth_hash() + self.security_stamp

    @property
    def capabilities(self) -> frozenset[Capability]:
        return capabilities_of(self.role)

    def can(self, capability: Capability) -> bool:
        """Tell whether the user's role grants a capability."""
        return self.is_active and capability in self.capabilities

    @property
    def is_la_user(self) -> bool:
        return self.role in LA_ROLES


class ApiKey(models.Model):
    """A per-user key for the API; only its SHA-256 is stored."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(_("name"), max_length=100)
    # The first characters of the key, shown so users can tell keys apart.
    prefix = models.CharField(max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
