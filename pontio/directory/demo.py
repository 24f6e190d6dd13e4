"""Demo organisations and users for ``pontio serve --demo``: loaded idempotently.

The 22 Welsh local authorities and a few English ones, some schools, the central
administration, and one user per role with a known password and a fixed TOTP
secret, so that anyone can sign in to a fresh installation and try every page.
Never load this into a real service: the demo secrets are printed on screen.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from pontio.audit import services as audit
from pontio.ctf import lacodes
from pontio.directory.models import CENTRAL_CODE, Organisation, User
from pontio.directory.roles import Role

# Printed by `pontio serve --demo`: public by design.
DEMO_PASSWORD = "pontio demo passphrase"  # noqa: S105  # pragma: allowlist secret
DEMO_DEVICE_NAME = "demo"
ENGLISH_LA_CODES = ("201", "330", "838", "919")
CENTRAL_NAME = "Welsh Government s2s administration"
SCHOOLS = (
    ("6812003", "Ysgol Pen y Bryn", "Cardiff"),
    ("6812004", "Ysgol y Wern", "Cardiff"),
    ("6704001", "Ysgol Gyfun Bro Tawe", "Swansea"),
    ("8383321", "Stickland's CE VA Primary", "Blandford Forum"),
    ("8384512", "Dorchester Middle School", "Dorchester"),
)
# (username, organisation code, role): one user per role, and a second school.
USERS = (
    ("demo_school", "6812003", Role.SCHOOL),
    ("demo_school2", "6812004", Role.SCHOOL),
    ("demo_la_dba", "681", Role.LA_DBA),
    ("demo_la_user", "681", Role.LA_USER),
    ("demo_la_school", "681", Role.LA_SCHOOL),
    ("demo_la_lost_pupil", "681", Role.LA_LOST_PUPIL),
    ("demo_la_lost_pupil_transfer", "681", Role.LA_LOST_PUPIL_TRANSFER),
    ("demo_la_dba_view_only", "681", Role.LA_DBA_VIEW_ONLY),
    ("demo_la_plasc", "681", Role.LA_PLASC),
    ("demo_la_admissions", "681", Role.LA_ADMISSIONS),
    ("demo_central_admin", CENTRAL_CODE, Role.CENTRAL_ADMIN),
)


@dataclass(frozen=True)
class DemoLogin:
    """How to sign in as one demo user."""

    username: str
    role: str
    organisation: str
    totp_secret: str  # base32, for typing into an authenticator app
    otpauth_uri: str


def demo_totp_key(username: str) -> str:
    """Return the fixed TOTP key (hex, 20 bytes) of a demo user."""
    return hashlib.sha1(f"pontio-demo:{username}".encode()).hexdigest()  # noqa: S324


@transaction.atomic
def load_demo() -> list[DemoLogin]:
    """Create or refresh the demo organisations and users; return their logins."""
    created = _load_organisations()
    logins = []
    for username, code, role in USERS:
        organisation = Organisation.objects.get(code=code)
        user, user_created = _demo_user(username, organisation, role)
        device = _demo_device(user)
        created += int(user_created)
        logins.append(
            DemoLogin(
                username=username,
                role=str(role),
                organisation=f"{organisation.code} {organisation.name}",
                totp_secret=base64.b32encode(device.bin_key).decode("ascii"),
                otpauth_uri=device.config_url,
            )
        )
    if created:
        audit.record("demo.loaded", actor=None, created=created)
    return logins


def _load_organisations() -> int:
    created = 0
    _, new = Organisation.objects.get_or_create(
        code=CENTRAL_CODE,
        defaults={"kind": Organisation.Kind.CENTRAL, "name": CENTRAL_NAME},
    )
    created += int(new)
    for la in lacodes.all_la_codes():
        if la.nation == "Wales" or la.code in ENGLISH_LA_CODES:
            _, new = Organisation.objects.get_or_create(
                code=la.code,
                defaults={
                    "kind": Organisation.Kind.LA,
                    "name": la.name,
                    "email": f"cts@la{la.code}.example.gov.uk",
                },
            )
            created += int(new)
    for code, name, town in SCHOOLS:
        _, new = Organisation.objects.get_or_create(
            code=code,
            defaults={
                "kind": Organisation.Kind.SCHOOL,
                "la": Organisation.objects.get(code=code[:3]),
                "name": name,
                "town": town,
                "email": f"office@{code}.example.sch.uk",
            },
        )
        created += int(new)
    return created


def _demo_user(
    username: str, organisation: Organisation, role: str
) -> tuple[User, bool]:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "organisation": organisation,
            "role": role,
            "email": f"{username}@demo.example.gov.uk",
            "must_change_password": False,
        },
    )
    # Put back what the demo table promises, whatever was changed since.
    if created or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
    user.organisation = organisation
    user.role = role
    user.is_active = True
    user.must_change_password = False
    user.save(
        update_fields=[
            "password",
            "organisation",
            "role",
            "is_active",
            "must_change_password",
        ]
    )
    return user, created


def _demo_device(user: User) -> TOTPDevice:
    key = demo_totp_key(user.username)
    TOTPDevice.objects.filter(user=user).exclude(name=DEMO_DEVICE_NAME).delete()
    device, _ = TOTPDevice.objects.update_or_create(
        user=user,
        name=DEMO_DEVICE_NAME,
        defaults={"key": key, "confirmed": True},
    )
    return device
