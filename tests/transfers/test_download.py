"""Download: the destination's first download collects; re-download until deleted."""

from __future__ import annotations

import io
import zipfile

from django.core.exceptions import ValidationError
from django_tasks_db.models import DBTaskResult

from pontio.audit.models import AuditEvent
from pontio.transfers import services
from pontio.transfers.blobs import BlobIntegrityError
from pontio.transfers.models import Transfer
from tests.transfers.helpers import HubTestCase, ctf_bytes


class DownloadTests(HubTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.transfer = self.school_ctf()
        DBTaskResult.objects.all().delete()

    def download(self, user) -> bytes:  # type: ignore[no-untyped-def]
        with services.download_transfer(self.transfer, actor=user) as reader:
            return b"".join(reader.chunks())

    def test_gives_the_file_exactly_as_uploaded(self) -> None:
        self.assertEqual(
            self.download(self.school2_user), ctf_bytes("6812003", "6812004", seed=1)
        )

    def test_the_destinations_first_download_collects_the_file(self) -> None:
        self.download(self.school2_user)
        self.transfer.refresh_from_db()
        self.assertEqual(self.transfer.status, Transfer.Status.COLLECTED)
        self.assertEqual(self.transfer.collected_by, self.school2_user)
        self.assertIsNotNone(self.transfer.collected_at)
        self.assertEqual(
            AuditEvent.objects.filter(action="transfer.collected").count(), 1
        )
        self.assertEqual(DBTaskResult.objects.count(), 1)

    def test_a_later_download_does_not_collect_again(self) -> None:
        self.download(self.school2_user)
        self.transfer.refresh_from_db()
        first = self.transfer.collected_at
        self.download(self.school2_user)
        self.transfer.refresh_from_db()
        self.assertEqual(self.transfer.collected_at, first)
        self.assertEqual(
            AuditEvent.objects.filter(action="transfer.downloaded").count(), 2
        )
        self.assertEqual(
            AuditEvent.objects.filter(action="transfer.collected").count(), 1
        )
        self.assertEqual(DBTaskResult.objects.count(), 1)

    def test_downloads_by_the_sender_or_the_la_do_not_collect(self) -> None:
        for user in (self.users["school"], self.users["la_user"]):
            with self.subTest(user=user.username):
                self.download(user)
                self.transfer.refresh_from_db()
                self.assertEqual(self.transfer.status, Transfer.Status.AWAITING)

    def test_a_deleted_file_cannot_be_downloaded(self) -> None:
        services.reject_transfer(
            self.transfer, actor=self.school2_user, reason="Not ours"
        )
        with self.assertRaises(ValidationError) as caught:
            self.download(self.school2_user)
        self.assertEqual(caught.exception.code, "file_gone")

    def test_a_tampered_file_fails_before_any_byte_is_served(self) -> None:
        assert self.transfer.blob is not None
        raw = bytearray(self.raw_bytes(self.transfer.blob))
        raw[-40] ^= 0x01
        self.overwrite_raw_bytes(self.transfer.blob, bytes(raw))
        with self.assertRaises(ValidationError) as caught:
            services.download_transfer(self.transfer, actor=self.school2_user)
        self.assertEqual(caught.exception.code, "file_damaged")
        self.assertIsInstance(caught.exception.__context__, BlobIntegrityError)
        self.transfer.refresh_from_db()
        self.assertEqual(self.transfer.status, Transfer.Status.AWAITING)


class ZipDownloadTests(HubTestCase):
    def test_several_files_download_as_one_zip_and_are_all_collected(self) -> None:
        first = self.school_ctf(1)
        second = self.school_ctf(2)
        chunks = services.download_as_zip([first, second], actor=self.school2_user)
        data = b"".join(chunks)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            self.assertEqual(archive.namelist(), [first.filename, second.filename])
            self.assertEqual(
                archive.read(second.filename), ctf_bytes("6812003", "6812004", seed=2)
            )
        statuses = set(Transfer.objects.values_list("status", flat=True))
        self.assertEqual(statuses, {Transfer.Status.COLLECTED})

    def test_if_one_file_cannot_be_sent_none_is_collected(self) -> None:
        first = self.school_ctf(1)
        second = self.school_ctf(2)
        services.reject_transfer(second, actor=self.school2_user, reason="Not ours")
        DBTaskResult.objects.all().delete()
        with self.assertRaises(ValidationError) as caught:
            services.download_as_zip([first, second], actor=self.school2_user)
        self.assertEqual(caught.exception.code, "file_gone")
        first.refresh_from_db()
        self.assertEqual(first.status, Transfer.Status.AWAITING)
        self.assertFalse(AuditEvent.objects.filter(action="transfer.collected"))
        self.assertFalse(DBTaskResult.objects.exists())

    def test_files_with_the_same_name_are_kept_apart(self) -> None:
        first = self.school_ctf(1)
        Transfer.objects.filter(pk=first.pk).update(
            status=Transfer.Status.COLLECTED, collected_at=first.uploaded_at
        )
        second = self.upload(
            self.users["school"],
            first.filename,
            ctf_bytes("6812003", "6812004", seed=9),
        )
        data = b"".join(
            services.download_as_zip([first, second], actor=self.school2_user)
        )
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            self.assertEqual(
                archive.namelist(),
                [first.filename, first.filename.replace(".XML", "(2).XML")],
            )
