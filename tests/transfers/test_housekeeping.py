"""Crash safety of uploads, and housekeeping of orphan stored files."""

from __future__ import annotations

import io
import os
from datetime import timedelta

import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from pontio.transfers.blobs import read_blob_bytes, store_blob
from pontio.transfers.housekeeping import ORPHAN_GRACE, remove_orphan_blobs
from pontio.transfers.models import StoredBlob
from tests.transfers import BlobStorageTestCase


class CrashError(Exception):
    """The process failing between writing a file and committing its row."""


class FailingSource(io.RawIOBase):
    """An upload whose temporary file breaks part way through."""

    def __init__(self, good_bytes: int) -> None:
        self.left = good_bytes

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self.left <= 0:
            raise OSError("the disk went away")
        count = min(len(buffer), self.left)
        buffer[:count] = os.urandom(count)
        self.left -= count
        return count


def after_grace() -> time_machine.travel:
    return time_machine.travel(
        timezone.now() + ORPHAN_GRACE + timedelta(minutes=1), tick=False
    )


class CrashSafetyTests(BlobStorageTestCase):
    def test_a_crash_before_the_commit_leaves_no_row_and_housekeeping_removes_the_file(
        self,
    ) -> None:
        with self.assertRaises(CrashError), transaction.atomic():
            blob = store_blob(io.BytesIO(b"a pupil record"))
            name = blob.storage_name
            raise CrashError
        self.assertFalse(StoredBlob.objects.filter(storage_name=name).exists())
        self.assertTrue(default_storage.exists(name))

        self.assertEqual(remove_orphan_blobs(), 0)  # still within the grace period
        self.assertTrue(default_storage.exists(name))
        with after_grace():
            self.assertEqual(remove_orphan_blobs(), 1)
        self.assertFalse(default_storage.exists(name))

    def test_a_source_that_breaks_leaves_no_row_and_its_partial_file_is_removed(
        self,
    ) -> None:
        with self.assertRaises(OSError):
            store_blob(FailingSource(good_bytes=200_000))
        self.assertFalse(StoredBlob.objects.exists())
        with after_grace():
            self.assertEqual(remove_orphan_blobs(), 1)
            self.assertEqual(remove_orphan_blobs(), 0)


class OrphanRemovalTests(BlobStorageTestCase):
    def test_keeps_every_file_that_has_a_row(self) -> None:
        blobs = [store_blob(io.BytesIO(os.urandom(size))) for size in (0, 5, 70_000)]
        with after_grace():
            self.assertEqual(remove_orphan_blobs(), 0)
        for blob in blobs:
            self.assertEqual(len(read_blob_bytes(blob)), blob.size)

    def test_removes_only_orphans_among_many_files(self) -> None:
        kept = [store_blob(io.BytesIO(b"kept")) for _ in range(3)]
        with self.assertRaises(CrashError), transaction.atomic():
            for _ in range(4):
                store_blob(io.BytesIO(b"lost"))
            raise CrashError
        with after_grace():
            self.assertEqual(remove_orphan_blobs(), 4)
        self.assertEqual(
            sorted(self.stored_names()), sorted(blob.storage_name for blob in kept)
        )

    def test_leaves_files_outside_the_blob_folder_alone(self) -> None:
        default_storage.save("exports/report.csv", ContentFile(b"a,b\n"))
        with after_grace():
            self.assertEqual(remove_orphan_blobs(), 0)
        self.assertTrue(default_storage.exists("exports/report.csv"))

    def test_does_nothing_when_nothing_was_ever_stored(self) -> None:
        self.assertEqual(remove_orphan_blobs(older_than=timedelta(0)), 0)

    def stored_names(self) -> list[str]:
        names = []
        for shard in default_storage.listdir("blobs")[0]:
            names += [
                f"blobs/{shard}/{f}"
                for f in default_storage.listdir(f"blobs/{shard}")[1]
            ]
        return names
