"""Master keys: the keyring file, and rotation without downtime.

The keyring is the file ``settings.MASTER_KEY_FILE`` (``PONTIO_MASTER_KEY_FILE``),
mode 0600. Its JSON form holds several keys with ids and names the current one::

    {"format": "pontio-keyring/1", "current": "2",
     "keys": [{"id": "1", "key": "<64 hex>", "added_at": "...", "replaced_at": "..."},
              {"id": "2", "key": "<64 hex>", "added_at": "..."}]}

The file Pontio creates on first start (64 hex characters, one key) reads as a
keyring holding key ``1``. New files are wrapped under the current key; every file
records the id of the key that wraps its data key, so older keys keep working
until ``retire_master_keys`` removes them. Every process reads the keyring afresh
on each use: all web and worker processes must see the same file.

Rotation (``pontio keys rotate``) adds a new current key, then re-wraps every data
key in batches, one transaction each; the files themselves are never rewritten.
After an interruption ``pontio keys rotate --resume`` finishes the re-wrapping.
``pontio keys retire`` removes old keys that no file uses any more.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from pontio.audit import services as audit
from pontio.transfers import crypto
from pontio.transfers.crypto import BlobError, MasterKeyError

KEYRING_FORMAT = "pontio-keyring/1"
LEGACY_KEY_ID = "1"
REWRAP_BATCH_SIZE = 500
# A file being uploaded when its key stopped being current may still commit its
# row under that key; retiring waits this long after the key was replaced.
RETIRE_GRACE = timedelta(hours=1)
_HEX_KEY = re.compile(r"[0-9a-fA-F]{64}")


def _now() -> datetime:
    return timezone.now()


@dataclass(frozen=True)
class MasterKey:
    """One master key of the keyring."""

    id: str
    secret: bytes = field(repr=False)
    added_at: datetime | None = None
    replaced_at: datetime | None = None


@dataclass(frozen=True)
class Keyring:
    """The master keys, one of them current (the one new files are wrapped under)."""

    current_id: str
    keys: tuple[MasterKey, ...]

    @property
    def current(self) -> MasterKey:
        return self.get(self.current_id)

    def get(self, key_id: str) -> MasterKey:
        for key in self.keys:
            if key.id == key_id:
                return key
        raise MasterKeyError(
            _("The master key %(key_id)s is not in the keyring.") % {"key_id": key_id},
            code="unknown_master_key",
        )

    def with_new_key(self, now: datetime) -> Keyring:
        """Return this keyring with a fresh random key added as current."""
        new_id = str(max((_numeric(key.id) for key in self.keys), default=0) + 1)
        old = tuple(
            replace(key, replaced_at=key.replaced_at or now) for key in self.keys
        )
        new = MasterKey(new_id, secrets.token_bytes(crypto.KEY_BYTES), added_at=now)
        return Keyring(current_id=new_id, keys=(*old, new))

    def without(self, key_ids: set[str]) -> Keyring:
        keys = tuple(key for key in self.keys if key.id not in key_ids)
        return Keyring(current_id=self.current_id, keys=keys)


def _numeric(key_id: str) -> int:
    return int(key_id) if key_id.isdigit() else 0


def keyring_path() -> Path:
    return Path(settings.MASTER_KEY_FILE)


def load_keyring(path: Path | None = None) -> Keyring:
    """Read the keyring file (JSON, or the single hex key made on first start)."""
    path = path or keyring_path()
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError as error:
        raise _malformed(path) from error
    if _HEX_KEY.fullmatch(text):
        return Keyring(LEGACY_KEY_ID, (MasterKey(LEGACY_KEY_ID, bytes.fromhex(text)),))
    try:
        return _parse(json.loads(text))
    except (ValueError, KeyError, TypeError) as error:
        raise _malformed(path) from error


def _malformed(path: Path) -> MasterKeyError:
    return MasterKeyError(
        _("The master keyring %(path)s is missing or malformed.") % {"path": path},
        code="malformed_keyring",
    )


def _parse(data: dict[str, Any]) -> Keyring:
    if data["format"] != KEYRING_FORMAT:
        raise ValueError("unknown keyring format")
    keys = tuple(_parse_key(item) for item in data["keys"])
    ids = {key.id for key in keys}
    if len(ids) != len(keys) or data["current"] not in ids:
        raise ValueError("duplicate key id, or no current key")
    return Keyring(current_id=data["current"], keys=keys)


def _parse_key(item: dict[str, str]) -> MasterKey:
    if not _HEX_KEY.fullmatch(item["key"]) or not item["id"].isascii():
        raise ValueError("bad key")
    return MasterKey(
        id=item["id"],
        secret=bytes.fromhex(item["key"]),
        added_at=_parse_time(item.get("added_at")),
        replaced_at=_parse_time(item.get("replaced_at")),
    )


def _parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def dump_keyring(keyring: Keyring) -> str:
    """Return the JSON text of a keyring."""
    keys = []
    for key in keyring.keys:
        item = {"id": key.id, "key": key.secret.hex()}
        if key.added_at:
            item["added_at"] = key.added_at.isoformat()
        if key.replaced_at:
            item["replaced_at"] = key.replaced_at.isoformat()
        keys.append(item)
    data = {"format": KEYRING_FORMAT, "current": keyring.current_id, "keys": keys}
    return json.dumps(data, indent=2) + "\n"


def write_keyring(keyring: Keyring, path: Path | None = None) -> None:
    """Replace the keyring file atomically (a new file, mode 0600, renamed over)."""
    path = path or keyring_path()
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        raise _not_writable(path) from error
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(dump_keyring(keyring))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)


def _not_writable(path: Path) -> MasterKeyError:
    return MasterKeyError(
        _("The master keyring %(path)s cannot be written.") % {"path": path},
        code="keyring_not_writable",
    )


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def _keyring_lock() -> Iterator[Keyring]:
    """Hold the keyring's lock file while it is read, changed and written."""
    path = keyring_path()
    lock_path = path.with_name(f"{path.name}.lock")
    try:
        fd = os.open(lock_path, os.O_WRONLY | os.O_CREAT, 0o600)
    except OSError as error:
        raise _not_writable(path) from error
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield load_keyring(path)
    finally:
        os.close(fd)


def wrap_for_blob(data_key: bytes, blob_code: UUID, keyring: Keyring) -> bytes:
    """Wrap a file's data key under the keyring's current key."""
    key = keyring.current
    return crypto.wrap_data_key(
        data_key, key.secret, blob_code=blob_code, master_key_id=key.id
    )


def unwrap_for_blob(blob: Any, keyring: Keyring | None = None) -> bytes:
    """Return a row's data key, unwrapped with the master key it records.

    ``blob`` is a ``StoredBlob`` or any other key holder (see ``key_holders``).
    """
    keyring = keyring or load_keyring()
    key = keyring.get(blob.master_key_id)
    return crypto.unwrap_data_key(
        bytes(blob.wrapped_key),
        key.secret,
        blob_code=blob.code,
        master_key_id=key.id,
    )


def key_holders() -> list[type[models.Model]]:
    """Return every model whose rows hold a data key wrapped by a master key.

    They are named in ``settings.WRAPPED_KEY_MODELS`` (app labels, like
    ``AUTH_USER_MODEL``), so that rotation reaches messages as well as files without
    this module importing the apps above it. Each has ``code``, ``wrapped_key`` and
    ``master_key_id`` fields.
    """
    return [apps.get_model(label) for label in settings.WRAPPED_KEY_MODELS]


def key_usage() -> dict[str, int]:
    """Return how many wrapped data keys (files and messages) each master key has."""
    usage: dict[str, int] = {}
    for model in key_holders():
        rows = model.objects.values("master_key_id").annotate(count=Count("pk"))
        for row in rows:
            key_id = row["master_key_id"]
            usage[key_id] = usage.get(key_id, 0) + row["count"]
    return usage


@dataclass(frozen=True)
class RewrapReport:
    """What a rotation did: the current key and the data keys re-wrapped."""

    key_id: str
    rewrapped: int
    failed: int


Progress = Callable[[int], None]


def rotate_master_key(
    *, batch_size: int = REWRAP_BATCH_SIZE, progress: Progress | None = None
) -> RewrapReport:
    """Add a new current master key, then re-wrap every data key under it."""
    with _keyring_lock() as keyring:
        keyring = keyring.with_new_key(_now())
        write_keyring(keyring)
    return _rewrap_all(keyring, batch_size, progress, resumed=False)


def resume_rotation(
    *, batch_size: int = REWRAP_BATCH_SIZE, progress: Progress | None = None
) -> RewrapReport:
    """Re-wrap the data keys still under an older key, without a new key."""
    return _rewrap_all(load_keyring(), batch_size, progress, resumed=True)


def _rewrap_all(
    keyring: Keyring, batch_size: int, progress: Progress | None, *, resumed: bool
) -> RewrapReport:
    rewrapped = failed = 0
    for model in key_holders():
        last_pk = 0
        while True:
            with transaction.atomic():
                done, errors, last_pk = _rewrap_batch(
                    model, keyring, last_pk, batch_size
                )
            if not done and not errors:
                break
            rewrapped, failed = rewrapped + done, failed + errors
            if progress:
                progress(rewrapped)
    report = RewrapReport(keyring.current_id, rewrapped, failed)
    with transaction.atomic():
        audit.record(
            "keys.rotated",
            actor=None,
            outcome="success" if not failed else "failure",
            key_id=report.key_id,
            rewrapped=rewrapped,
            failed=failed,
            resumed=resumed,
        )
    return report


def _rewrap_batch(
    model: type[models.Model], keyring: Keyring, after_pk: int, batch_size: int
) -> tuple[int, int, int]:
    """Re-wrap one batch of data keys; return (done, failed, last primary key)."""
    older = [key.id for key in keyring.keys if key.id != keyring.current_id]
    batch = list(
        model.objects.select_for_update()  # type: ignore[attr-defined]
        .filter(master_key_id__in=older, pk__gt=after_pk)
        .only("pk", "code", "wrapped_key", "master_key_id")
        .order_by("pk")[:batch_size]
    )
    changed = []
    for blob in batch:
        try:
            data_key = unwrap_for_blob(blob, keyring)
        except BlobError:
            continue  # counted as failed; left under its old key for inspection
        blob.wrapped_key = wrap_for_blob(data_key, blob.code, keyring)
        blob.master_key_id = keyring.current_id
        changed.append(blob)
    model.objects.bulk_update(  # type: ignore[attr-defined]
        changed, ["wrapped_key", "master_key_id"]
    )
    last_pk = batch[-1].pk if batch else after_pk
    return len(changed), len(batch) - len(changed), last_pk


@transaction.atomic
def retire_master_keys(*, older_than: timedelta = RETIRE_GRACE) -> list[str]:
    """Remove the old master keys that no stored file uses; return their ids."""
    with _keyring_lock() as keyring:
        usage = key_usage()
        cutoff = _now() - older_than
        retired = {
            key.id
            for key in keyring.keys
            if key.id != keyring.current_id
            and not usage.get(key.id)
            and (key.replaced_at is None or key.replaced_at <= cutoff)
        }
        if retired:
            write_keyring(keyring.without(retired))
            audit.record(
                "keys.retired",
                actor=None,
                key_ids=",".join(sorted(retired, key=_numeric)),
                current_key_id=keyring.current_id,
            )
    return sorted(retired, key=_numeric)
