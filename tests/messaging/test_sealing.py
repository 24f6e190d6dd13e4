"""Message text at rest: encrypted like files, re-wrapped by key rotation."""

from __future__ import annotations

import secrets
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

import time_machine
from django.test import override_settings
from django.utils import timezone

from pontio.messaging import sealing
from pontio.messaging.models import Message
from pontio.transfers import keys
from pontio.transfers.crypto import BlobIntegrityError
from tests.messaging import MessagingTestCase

BODY = "Pupil Ffion Jones has moved to 3 Stryd Fawr."


class SealingTests(MessagingTestCase):
    def setUp(self) -> None:
        super().setUp()
        folder = Path(tempfile.mkdtemp(prefix="pontio-keys-"))
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        key_file = folder / "master.key"
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
        override = override_settings(MASTER_KEY_FILE=key_file)
        override.enable()
        self.addCleanup(override.disable)

    def test_the_row_holds_neither_subject_nor_text_in_clear(self) -> None:
        message = self.send(self.sender, [{"user": "838dba"}], "Ffion Jones", BODY)
        row = Message.objects.get(pk=message.pk)
        stored = bytes(row.ciphertext) + bytes(row.wrapped_key)
        for secret in ("Ffion", "Stryd Fawr"):
            self.assertNotIn(secret.encode(), stored)
            self.assertNotIn(secret.encode("utf-16-le"), stored)
        self.assertEqual(sealing.unseal(row), sealing.Content("Ffion Jones", BODY))

    def test_an_altered_or_swapped_row_fails_its_check(self) -> None:
        one = self.send(self.sender, [{"user": "838dba"}], "One", BODY)
        two = self.send(self.sender, [{"user": "838dba"}], "Two", BODY)
        altered = bytearray(one.ciphertext)
        altered[-1] ^= 1
        one.ciphertext = bytes(altered)
        with self.assertRaises(BlobIntegrityError):
            sealing.unseal(one)
        two.ciphertext, two.wrapped_key = (
            Message.objects.get(pk=one.pk).ciphertext,
            one.wrapped_key,
        )
        with self.assertRaises(BlobIntegrityError):
            sealing.unseal(two)

    def test_rotation_rewraps_message_keys_so_old_keys_can_be_retired(self) -> None:
        message = self.send(self.sender, [{"user": "838dba"}], "Subject", BODY)
        self.assertEqual(keys.key_usage(), {"1": 1})
        report = keys.rotate_master_key(batch_size=1)
        self.assertEqual((report.rewrapped, report.failed), (1, 0))
        self.assertEqual(keys.key_usage(), {report.key_id: 1})
        with time_machine.travel(timezone.now() + timedelta(days=1)):
            self.assertEqual(keys.retire_master_keys(), ["1"])
        self.assertEqual(sealing.unseal(Message.objects.get(pk=message.pk)).body, BODY)

    def test_an_old_key_a_message_needs_is_not_retired(self) -> None:
        self.send(self.sender, [{"user": "838dba"}], "Subject", BODY)
        keyring = keys.load_keyring().with_new_key(timezone.now() - timedelta(days=1))
        keys.write_keyring(keyring)
        self.assertEqual(keys.retire_master_keys(), [])
