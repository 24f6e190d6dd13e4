"""The transfer hub's tables."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

# ---------------------------------------------------------------------------
# Stored files: every file encrypted at rest (pontio/transfers/blobs.py,
# docs/decisions/0003-encryption-at-rest.md).
# ---------------------------------------------------------------------------


class StoredBlob(models.Model):
    """One encrypted file in storage, with the data key that opens it.

    ``storage_name`` is random: it never says anything about the file or its
    pupils. ``size`` and ``sha256`` describe the plaintext and are checked on
    every read. ``wrapped_key`` is the file's data key encrypted under the master
    key ``master_key_id``; rotation rewrites these two fields, never the file.
    """

    code = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    storage_name = models.CharField(max_length=255, unique=True, editable=False)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    wrapped_key = models.BinaryField(max_length=128)
    master_key_id = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # Rotation: the files still wrapped under an older key, in pk order.
            models.Index(fields=["master_key_id", "id"], name="storedblob_key_idx"),
        ]

    def __str__(self) -> str:
        return str(self.code)
