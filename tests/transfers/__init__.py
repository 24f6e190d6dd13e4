"""Tests of the transfer hub; ``BlobStorageTestCase`` isolates stored files."""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.test import TestCase, override_settings

from pontio.transfers.models import StoredBlob


class BlobStorageTestCase(TestCase):
    """A throw-away storage folder and master key file for each test.

    Files written by a test outlive its rolled-back rows, so each test gets its
    own folder: one test's leftovers are never another's orphans.
    """

    def setUp(self) -> None:
        super().setUp()
        self.folder = Path(tempfile.mkdtemp(prefix="pontio-blobs-"))
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)
        self.keyring_file = self.folder / "master.key"
        self.write_key_file(secrets.token_hex(32))
        storages = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {
                    "location": str(self.folder / "files"),
                    "file_permissions_mode": 0o600,
                },
            },
        }
        override = override_settings(
            STORAGES=storages, MASTER_KEY_FILE=self.keyring_file
        )
        override.enable()
        self.addCleanup(override.disable)

    def write_key_file(self, text: str) -> None:
        """Write the key file as Pontio's first start does (one hex key, 0600)."""
        self.keyring_file.unlink(missing_ok=True)
        fd = os.open(self.keyring_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)

    def raw_bytes(self, blob: StoredBlob) -> bytes:
        """Return the encrypted file exactly as it lies in storage."""
        with default_storage.open(blob.storage_name, "rb") as stream:
            return bytes(stream.read())

    def overwrite_raw_bytes(self, blob: StoredBlob, data: bytes) -> None:
        """Replace the stored file's bytes, as someone with the disk could."""
        Path(default_storage.path(blob.storage_name)).write_bytes(data)
