"""Periodic clean-up of encrypted file storage (listed in ``pontio/schedule.py``)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.core.files.storage import Storage, default_storage
from django.utils import timezone

from pontio.transfers.blobs import BLOB_FOLDER
from pontio.transfers.models import StoredBlob

logger = logging.getLogger(__name__)

# An upload writes its file before its row commits; a file this young may still
# get its row, so it is never taken for an orphan.
ORPHAN_GRACE = timedelta(hours=1)
NAMES_PER_QUERY = 500


def _now() -> datetime:
    return timezone.now()


def remove_orphan_blobs(older_than: timedelta = ORPHAN_GRACE) -> int:
    """Delete stored files that have no row and are older than ``older_than``.

    Such files are left by uploads whose transaction rolled back or whose process
    stopped before the commit, and by deletions whose file removal failed.
    Returns how many files were deleted.
    """
    storage = default_storage
    cutoff = _now() - older_than
    removed = 0
    for names in _batches(_blob_names(storage, BLOB_FOLDER)):
        known = set(
            StoredBlob.objects.filter(storage_name__in=names).values_list(
                "storage_name", flat=True
            )
        )
        for name in names:
            if name not in known and storage.get_modified_time(name) < cutoff:
                storage.delete(name)
                removed += 1
    if removed:
        logger.info("Removed %d orphan stored files", removed)
    return removed


def _blob_names(storage: Storage, folder: str) -> Iterator[str]:
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for file_name in files:
        yield f"{folder}/{file_name}"
    for directory in directories:
        yield from _blob_names(storage, f"{folder}/{directory}")


def _batches(names: Iterator[str]) -> Iterator[list[str]]:
    batch: list[str] = []
    for name in names:
        batch.append(name)
        if len(batch) == NAMES_PER_QUERY:
            yield batch
            batch = []
    if batch:
        yield batch
