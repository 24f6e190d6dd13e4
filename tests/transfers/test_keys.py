"""Master keys: the keyring file, rotation, resuming, retiring, wrong keys."""

from __future__ import annotations

import io
import json
import os
import secrets
import stat
from datetime import timedelta

import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from pontio.audit.models import AuditEvent
from pontio.transfers import keys
from pontio.transfers.blobs import (
    BlobIntegrityError,
    MasterKeyError,
    open_blob,
    read_blob_bytes,
    store_blob,
)
from pontio.transfers.models import StoredBlob
from tests.transfers import BlobStorageTestCase


class RotationStoppedError(Exception):
    """The process stopping part way through a rotation."""


class KeyringFileTests(BlobStorageTestCase):
    def test_reads_the_key_file_made_on_first_start_as_key_1(self) -> None:
        key = secrets.token_hex(32)
        self.write_key_file(key + "\n")
        keyring = keys.load_keyring()
        self.assertEqual(keyring.current_id, "1")
        self.assertEqual(keyring.current.secret, bytes.fromhex(key))

    def test_writes_the_keyring_atomically_with_mode_0600(self) -> None:
        keyring = keys.load_keyring().with_new_key(timezone.now())
        keys.write_keyring(keyring)
        self.assertEqual(stat.S_IMODE(self.keyring_file.stat().st_mode), 0o600)
        self.assertEqual(keys.load_keyring(), keyring)
        leftovers = [p.name for p in self.folder.iterdir() if p.name.endswith(".tmp")]
        self.assertEqual(leftovers, [])

    def test_refuses_a_malformed_keyring(self) -> None:
        good = {"id": "1", "key": "ab" * 32}
        texts = {
            "empty": "",
            "short hex": "ab" * 31,
            "not json": "{",
            "unknown format": json.dumps({"format": "x", "current": "1", "keys": []}),
            "current missing": json.dumps(
                {"format": keys.KEYRING_FORMAT, "current": "2", "keys": [good]}
            ),
            "duplicate ids": json.dumps(
                {"format": keys.KEYRING_FORMAT, "current": "1", "keys": [good, good]}
            ),
            "short key": json.dumps(
                {
                    "format": keys.KEYRING_FORMAT,
                    "current": "1",
                    "keys": [{"id": "1", "key": "ab"}],
                }
            ),
        }
        for label, text in texts.items():
            with self.subTest(label):
                self.write_key_file(text)
                with self.assertRaises(MasterKeyError) as caught:
                    store_blob(io.BytesIO(b"x"))
                self.assertEqual(caught.exception.code, "malformed_keyring")
        self.assertFalse(StoredBlob.objects.exists())


class RotationTests(BlobStorageTestCase):
    def setUp(self) -> None:
        super().setUp()
        sizes = [0, 10, 70_000, 200_000, 1_000]
        self.contents = [os.urandom(size) for size in sizes]
        self.blobs = [store_blob(io.BytesIO(data)) for data in self.contents]
        self.on_disk = [self.raw_bytes(blob) for blob in self.blobs]

    def assert_every_file_readable_and_unchanged(self) -> None:
        for blob, data, raw in zip(
            self.blobs, self.contents, self.on_disk, strict=True
        ):
            blob.refresh_from_db()
            self.assertEqual(read_blob_bytes(blob), data)
            self.assertEqual(self.raw_bytes(blob), raw)

    def test_rotation_rewraps_every_data_key_and_leaves_the_files_alone(self) -> None:
        wrapped_before = [bytes(blob.wrapped_key) for blob in self.blobs]
        call_command("keys", "rotate", "--batch-size", "2", stdout=io.StringIO())
        self.assertEqual(keys.load_keyring().current_id, "2")
        self.assertEqual(keys.key_usage(), {"2": len(self.blobs)})
        self.assert_every_file_readable_and_unchanged()
        for blob, before in zip(self.blobs, wrapped_before, strict=True):
            self.assertNotEqual(bytes(blob.wrapped_key), before)
        self.assertEqual(stat.S_IMODE(self.keyring_file.stat().st_mode), 0o600)
        event = AuditEvent.objects.get(action="keys.rotated")
        self.assertIsNone(event.actor_id)
        self.assertEqual(event.details["rewrapped"], len(self.blobs))
        self.assertEqual(event.details["failed"], 0)

    def test_new_files_are_wrapped_under_the_new_key(self) -> None:
        keys.rotate_master_key()
        blob = store_blob(io.BytesIO(b"after the rotation"))
        self.assertEqual(blob.master_key_id, "2")
        self.assertEqual(read_blob_bytes(blob), b"after the rotation")

    def test_rotation_resumes_after_an_interruption(self) -> None:
        def stop_after_first_batch(done: int) -> None:
            raise RotationStoppedError

        with self.assertRaises(RotationStoppedError):
            keys.rotate_master_key(batch_size=2, progress=stop_after_first_batch)
        self.assertEqual(keys.key_usage(), {"1": 3, "2": 2})
        # Both keys are in the keyring: every file stays readable meanwhile.
        self.assert_every_file_readable_and_unchanged()

        call_command("keys", "rotate", "--resume", stdout=io.StringIO())
        self.assertEqual(keys.load_keyring().current_id, "2")
        self.assertEqual(keys.key_usage(), {"2": len(self.blobs)})
        self.assert_every_file_readable_and_unchanged()
        event = AuditEvent.objects.get(action="keys.rotated")
        self.assertEqual(event.details["rewrapped"], 3)
        self.assertIs(event.details["resumed"], True)

    def test_retires_an_old_key_only_after_the_grace_period(self) -> None:
        keys.rotate_master_key()
        self.assertEqual(keys.retire_master_keys(), [])
        later = timezone.now() + keys.RETIRE_GRACE + timedelta(minutes=1)
        with time_machine.travel(later, tick=False):
            call_command("keys", "retire", stdout=io.StringIO())
        keyring = keys.load_keyring()
        self.assertEqual([key.id for key in keyring.keys], ["2"])
        self.assert_every_file_readable_and_unchanged()
        event = AuditEvent.objects.get(action="keys.retired")
        self.assertEqual(event.details["key_ids"], "1")

    def test_never_retires_a_key_that_a_file_still_uses(self) -> None:
        keys.write_keyring(keys.load_keyring().with_new_key(timezone.now()))
        self.assertEqual(keys.retire_master_keys(older_than=timedelta(0)), [])
        self.assertEqual([key.id for key in keys.load_keyring().keys], ["1", "2"])
        self.assert_every_file_readable_and_unchanged()

    def test_status_lists_the_keys_and_their_files(self) -> None:
        keys.rotate_master_key()
        output = io.StringIO()
        call_command("keys", "status", stdout=output)
        self.assertIn("* 2", output.getvalue())
        self.assertIn(f"\t{len(self.blobs)}", output.getvalue())


class WrongKeyTests(BlobStorageTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.blob = store_blob(io.BytesIO(b"a pupil record"))

    def test_a_wrong_master_key_fails_cleanly(self) -> None:
        self.write_key_file(secrets.token_hex(32))
        with self.assertRaises(BlobIntegrityError) as caught:
            open_blob(self.blob)
        self.assertEqual(caught.exception.code, "data_key_unwrap_failed")

    def test_rotation_with_a_wrong_key_leaves_the_file_under_its_old_key(self) -> None:
        self.write_key_file(secrets.token_hex(32))
        with self.assertRaises(CommandError):
            call_command("keys", "rotate", stdout=io.StringIO())
        self.blob.refresh_from_db()
        self.assertEqual(self.blob.master_key_id, "1")
        event = AuditEvent.objects.get(action="keys.rotated")
        self.assertEqual((event.outcome, event.details["failed"]), ("failure", 1))

    def test_rotation_stops_cleanly_when_the_keyring_cannot_be_written(self) -> None:
        before = self.keyring_file.read_text()
        (self.folder / "master.key.lock").mkdir()
        with self.assertRaises(CommandError):
            call_command("keys", "rotate", stdout=io.StringIO())
        self.assertEqual(self.keyring_file.read_text(), before)
        self.blob.refresh_from_db()
        self.assertEqual(read_blob_bytes(self.blob), b"a pupil record")

    def test_a_file_under_a_key_missing_from_the_keyring_fails_cleanly(self) -> None:
        self.blob.master_key_id = "7"
        with self.assertRaises(MasterKeyError) as caught:
            read_blob_bytes(self.blob)
        self.assertEqual(caught.exception.code, "unknown_master_key")
