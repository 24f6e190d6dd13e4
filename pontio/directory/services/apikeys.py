"""API keys: create (shown once), authenticate, revoke.

A key reads ``pontio_<prefix>_<secret>``: the prefix tells a user's keys apart on
their account page; the secret is 32 random bytes. Only the key's SHA-256 is
stored, so a copy of the database gives no working key.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pontio.audit import services as audit
from pontio.directory.models import ApiKey, User

KEY_SCHEME = "pontio"
PREFIX_BYTES = 4
SECRET_BYTES = 32
MAX_KEY_CHARS = 128
MAX_NAME_CHARS = 100
# last_used_at is written at most once a minute per key, not on every call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _now() -> datetime:
    return timezone.now()


def digest_of(raw_key: str) -> str:
    """Return the stored form of a key: its SHA-256, in hex."""
    return hashlib.sha256(raw_key.encode("utf-8")).hexdigest()


def _check_actor(user: User, actor: User | None) -> None:
    # A user manages their own keys; None is an operator at the command line.
    if actor is not None and actor.pk != user.pk:
        raise PermissionDenied


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError(
            _("Enter a name for the key"), code="api_key_name_missing"
        )
    if len(name) > MAX_NAME_CHARS:
        raise ValidationError(
            _("The key's name must be %(max)s characters or fewer"),
            code="api_key_name_too_long",
            params={"max": MAX_NAME_CHARS},
        )
    return name


@transaction.atomic
def create_api_key(user: User, *, actor: User | None, name: str) -> tuple[ApiKey, str]:
    """Create a key for ``user``; return it with the raw key, which is never stored."""
    _check_actor(user, actor)
    if not user.is_active:
        raise ValidationError(
            _("A disabled account cannot have API keys"), code="user_inactive"
        )
    prefix = f"{KEY_SCHEME}_{secrets.token_hex(PREFIX_BYTES)}"
    raw_key = f"{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
    key = ApiKey.objects.create(
        user=user, name=_clean_name(name), prefix=prefix, digest=digest_of(raw_key)
    )
    audit.record(
        "apikey.created",
        actor=actor,
        obj=key,
        organisation=user.organisation,
        owner=user.username,
        name=key.name,
        prefix=prefix,
    )
    return key, raw_key


@transaction.atomic
def revoke_api_key(key: ApiKey, *, actor: User | None) -> None:
    """Revoke a key for good: every later call with it gets 401."""
    _check_actor(key.user, actor)
    revoked = ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(
        revoked_at=_now()
    )
    if not revoked:
        raise ValidationError(
            _("This key has already been revoked"), code="api_key_already_revoked"
        )
    key.refresh_from_db(fields=["revoked_at"])
    audit.record(
        "apikey.revoked",
        actor=actor,
        obj=key,
        organisation=key.user.organisation,
        owner=key.user.username,
        prefix=key.prefix,
    )


def authenticate_api_key(raw: str) -> User | None:
    """Return the active user a live key belongs to, or None."""
    if not _well_formed(raw):
        return None
    digest = digest_of(raw)
    key = (
        ApiKey.objects.select_related("user", "user__organisation")
        .filter(digest=digest, revoked_at__isnull=True)
        .first()
    )
    if key is None or not hmac.compare_digest(key.digest, digest):
        return None
    user = key.user
    if not user.is_active or not user.organisation.is_active:
        return None
    _touch(key)
    return user


def _well_formed(raw: str) -> bool:
    if not raw or len(raw) > MAX_KEY_CHARS:
        return False
    scheme, _sep, rest = raw.partition("_")
    return scheme == KEY_SCHEME and "_" in rest


def _touch(key: ApiKey) -> None:
    now = _now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
