"""Encrypted file storage: round trips, what lies on disk, tampering, deletion."""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import tracemalloc
from pathlib import Path

from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse

from pontio.transfers import crypto
from pontio.transfers.blobs import (
    BlobIntegrityError,
    delete_blob,
    open_blob,
    read_blob_bytes,
    store_blob,
)
from pontio.transfers.models import StoredBlob
from tests.transfers import BlobStorageTestCase

CHUNK = crypto.CHUNK_SIZE_BYTES
RECORD = CHUNK + crypto.TAG_BYTES
HEADER = crypto.HEADER.size
TEN_MB = 10 * 1024 * 1024
CTF_FILE = Path("/work/shared/reference/ctf/gryphon_y7_2_students.xml")


def store(data: bytes) -> StoredBlob:
    return store_blob(io.BytesIO(data))


def read_in_small_pieces(reader: io.RawIOBase) -> bytes:
    pieces = []
    while piece := reader.read(1000):
        pieces.append(piece)
    return b"".join(pieces)


class RoundTripTests(BlobStorageTestCase):
    def test_reads_back_files_of_every_shape_exactly(self) -> None:
        sizes = {
            "empty": 0,
            "small": 100,
            "exactly one chunk": CHUNK,
            "one chunk and a byte": CHUNK + 1,
            "three whole chunks": 3 * CHUNK,
            "several chunks and a part": 3 * CHUNK + 17,
            "10 MB": TEN_MB,
        }
        for label, size in sizes.items():
            with self.subTest(label):
                data = os.urandom(size)
                blob = store(data)
                blob.refresh_from_db()
                self.assertEqual(blob.size, size)
                self.assertEqual(blob.sha256, hashlib.sha256(data).hexdigest())
                self.assertEqual(read_blob_bytes(blob), data)
                self.assertEqual(open_blob(blob).read(), data)
                self.assertEqual(b"".join(open_blob(blob).chunks()), data)
                with open_blob(blob, verify_first=False) as reader:
                    self.assertEqual(read_in_small_pieces(reader), data)

    def test_stores_a_source_from_its_start_even_after_it_was_read(self) -> None:
        with CTF_FILE.open("rb") as source:
            source.read()
            blob = store_blob(source)
        self.assertEqual(read_blob_bytes(blob), CTF_FILE.read_bytes())

    def test_a_download_response_streams_the_verified_file(self) -> None:
        data = CTF_FILE.read_bytes()
        blob = store(data)
        response = FileResponse(open_blob(blob), as_attachment=True)
        self.assertEqual(b"".join(response.streaming_content), data)  # type: ignore[arg-type]

    def test_records_the_current_master_key_and_a_wrapped_data_key(self) -> None:
        blob = store(b"x")
        self.assertEqual(blob.master_key_id, "1")
        self.assertEqual(len(bytes(blob.wrapped_key)), crypto.WRAPPED_KEY_BYTES)

    def test_encrypting_a_large_file_uses_bounded_memory(self) -> None:
        with tempfile.TemporaryFile() as source:
            for _ in range(TEN_MB // CHUNK):
                source.write(os.urandom(CHUNK))
            source.seek(0)
            tracemalloc.start()
            try:
                blob = store_blob(source)
                for _chunk in open_blob(blob).chunks():
                    pass
                _current, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
        self.assertLess(peak, 2 * 1024 * 1024)


class StoredBytesTests(BlobStorageTestCase):
    def test_the_stored_file_does_not_contain_the_plaintext(self) -> None:
        data = CTF_FILE.read_bytes()
        blob = store(data)
        raw = self.raw_bytes(blob)
        self.assertEqual(len(raw), crypto.ciphertext_size(len(data)))
        self.assertTrue(raw.startswith(crypto.MAGIC))
        for secret in (b"<CTfile>", b"<UPN>", b"Huish Episcopi", b"Z801209809069"):
            self.assertNotIn(secret, raw)
        self.assertNotIn(data[100:132], raw)

    def test_the_storage_name_is_random_and_says_nothing_of_the_file(self) -> None:
        with CTF_FILE.open("rb") as source:
            first = store_blob(source)
        second = store(CTF_FILE.read_bytes())
        self.assertNotEqual(first.storage_name, second.storage_name)
        for blob in (first, second):
            self.assertTrue(blob.storage_name.startswith("blobs/"))
            self.assertNotIn("gryphon", blob.storage_name)
            self.assertNotIn(str(blob.code.hex), blob.storage_name)
            self.assertNotIn(blob.sha256[:8], blob.storage_name)

    def test_the_same_file_stored_twice_gives_different_ciphertexts(self) -> None:
        data = b"the same pupil record" * 100
        first, second = store(data), store(data)
        self.assertNotEqual(self.raw_bytes(first), self.raw_bytes(second))
        self.assertNotEqual(bytes(first.wrapped_key), bytes(second.wrapped_key))


class TamperingTests(BlobStorageTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.data = os.urandom(3 * CHUNK + 500)
        self.blob = store(self.data)
        self.raw = self.raw_bytes(self.blob)

    def assert_detected(self, blob: StoredBlob, code: str) -> None:
        with self.assertRaises(BlobIntegrityError) as caught:
            open_blob(blob)
        self.assertEqual(caught.exception.code, code)
        with self.assertRaises(BlobIntegrityError):
            read_blob_bytes(blob)

    def test_detects_a_flipped_byte_in_a_chunk(self) -> None:
        for offset in (HEADER, HEADER + RECORD + 10, len(self.raw) - 1):
            with self.subTest(offset=offset):
                altered = bytearray(self.raw)
                altered[offset] ^= 0x01
                self.overwrite_raw_bytes(self.blob, bytes(altered))
                self.assert_detected(self.blob, "chunk_altered")

    def test_detects_an_altered_header(self) -> None:
        for offset, code in ((0, "header_unknown"), (HEADER - 1, "chunk_altered")):
            with self.subTest(offset=offset):
                altered = bytearray(self.raw)
                altered[offset] ^= 0x01
                self.overwrite_raw_bytes(self.blob, bytes(altered))
                self.assert_detected(self.blob, code)

    def test_detects_a_huge_chunk_size_in_the_header(self) -> None:
        forged = crypto.HEADER.pack(crypto.MAGIC, 1, 2**31, self.raw[9:HEADER])
        self.overwrite_raw_bytes(self.blob, forged + self.raw[HEADER:])
        self.assert_detected(self.blob, "header_unknown")

    def test_detects_a_truncated_file(self) -> None:
        cuts = {
            "last chunk dropped": HEADER + 3 * RECORD,
            "last chunk cut short": len(self.raw) - 5,
            "only the header": HEADER,
            "half a header": 5,
        }
        for label, length in cuts.items():
            with self.subTest(label):
                self.overwrite_raw_bytes(self.blob, self.raw[:length])
                with self.assertRaises(BlobIntegrityError):
                    open_blob(self.blob)

    def test_detects_chunks_swapped_or_repeated(self) -> None:
        header, records = self.raw[:HEADER], self.raw[HEADER:]
        first, second = records[:RECORD], records[RECORD : 2 * RECORD]
        rest = records[2 * RECORD :]
        for label, body in (
            ("swapped", second + first + rest),
            ("repeated", first + first + rest),
            ("extra at the end", records + first),
        ):
            with self.subTest(label):
                self.overwrite_raw_bytes(self.blob, header + body)
                self.assert_detected(self.blob, "chunk_altered")

    def test_detects_a_changed_checksum_before_serving_any_byte(self) -> None:
        self.blob.sha256 = hashlib.sha256(b"something else").hexdigest()
        self.blob.save(update_fields=["sha256"])
        self.assert_detected(self.blob, "checksum_mismatch")

    def test_a_single_pass_reader_never_hands_over_an_unchecked_whole_file(
        self,
    ) -> None:
        self.blob.sha256 = "0" * 64
        received = bytearray()
        reader = open_blob(self.blob, verify_first=False)
        with self.assertRaises(BlobIntegrityError) as caught:
            for chunk in reader.chunks():
                received += chunk
        self.assertEqual(caught.exception.code, "checksum_mismatch")
        self.assertLess(len(received), len(self.data))

    def test_detects_a_changed_size(self) -> None:
        for size in (self.blob.size - 1, self.blob.size + 1):
            with self.subTest(size=size):
                self.blob.size = size
                self.assert_detected(self.blob, "size_mismatch")

    def test_detects_wrapped_keys_swapped_between_two_files(self) -> None:
        other = store(os.urandom(200))
        self.blob.wrapped_key, other.wrapped_key = (
            other.wrapped_key,
            self.blob.wrapped_key,
        )
        StoredBlob.objects.bulk_update([self.blob, other], ["wrapped_key"])
        for blob in (self.blob, other):
            blob.refresh_from_db()
            self.assert_detected(blob, "data_key_unwrap_failed")

    def test_detects_files_swapped_between_two_rows(self) -> None:
        other = store(os.urandom(200))
        self.blob.storage_name = other.storage_name
        self.assert_detected(self.blob, "chunk_altered")

    def test_detects_a_missing_file(self) -> None:
        default_storage.delete(self.blob.storage_name)
        self.assert_detected(self.blob, "file_missing")


class DeleteTests(BlobStorageTestCase):
    def test_deletes_the_row_and_then_the_file(self) -> None:
        blob = store(b"to be deleted")
        with self.captureOnCommitCallbacks(execute=True):
            delete_blob(blob)
        self.assertFalse(StoredBlob.objects.filter(code=blob.code).exists())
        self.assertFalse(default_storage.exists(blob.storage_name))

    def test_a_rolled_back_deletion_keeps_the_row_and_its_file(self) -> None:
        blob = store(b"kept")
        with (
            self.captureOnCommitCallbacks(execute=True),
            self.assertRaises(RuntimeError),
            transaction.atomic(),
        ):
            delete_blob(blob)
            raise RuntimeError("the caller's transaction fails")
        kept = StoredBlob.objects.get(code=blob.code)
        self.assertEqual(read_blob_bytes(kept), b"kept")
