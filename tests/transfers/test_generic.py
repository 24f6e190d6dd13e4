"""Generic files: .zip only, a real zip, safe member paths, no links, no zip bombs."""

from __future__ import annotations

import io
import stat
import struct
import zipfile

from django.test import override_settings

from pontio.transfers.blobs import read_blob_bytes
from pontio.transfers.models import StoredBlob, Transfer
from tests.transfers.helpers import HubTestCase, encrypted_zip_bytes, zip_bytes

NAME = "6812003_6812004_Reports.zip"
MEGABYTE = 1024 * 1024


def _zip_with_link(name: str, target: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo(name)
        info.create_system = 3  # Unix, whose mode bits say "link"
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, target)
    return buffer.getvalue()


def _understated(data: bytes, true_size: int) -> bytes:
    """Rewrite a one-member zip's headers to claim its member is 10 bytes."""
    patched = bytearray(data)
    local = patched.find(b"PK\x03\x04")
    central = patched.find(b"PK\x01\x02")
    assert struct.unpack_from("<I", patched, local + 22)[0] == true_size
    struct.pack_into("<I", patched, local + 22, 10)
    struct.pack_into("<I", patched, central + 24, 10)
    return bytes(patched)


class GenericFileTests(HubTestCase):
    def test_passes_a_zip_on_exactly_as_uploaded(self) -> None:
        data = zip_bytes({"reports/term1.csv": b"x" * 5000, "notes.txt": b"hello"})
        transfer = self.upload(self.users["school"], NAME, data)
        self.assertEqual(transfer.kind, Transfer.Kind.GENERIC)
        assert transfer.blob is not None
        self.assertEqual(read_blob_bytes(transfer.blob), data)

    def test_passes_a_password_protected_zip_through_untouched(self) -> None:
        data = encrypted_zip_bytes("pupils.csv", b"name,dob\n", b"s3cret")
        transfer = self.upload(self.users["school"], NAME, data)
        assert transfer.blob is not None
        stored = read_blob_bytes(transfer.blob)
        self.assertEqual(stored, data)
        with zipfile.ZipFile(io.BytesIO(stored)) as archive:
            self.assertEqual(archive.read("pupils.csv", pwd=b"s3cret"), b"name,dob\n")

    def test_refuses_a_file_that_is_not_a_real_zip(self) -> None:
        cases = {
            "text": b"just some text",
            "truncated": zip_bytes()[:30],
            "prefixed": b"MZ\x90\x00" + zip_bytes(),
            "pdf": b"%PDF-1.7\n",
        }
        for label, data in cases.items():
            with self.subTest(label):
                error = self.refusal(self.users["school"], NAME, data)
                self.assertEqual(error.code, "zip_invalid")

    def test_refuses_a_generic_file_not_named_zip(self) -> None:
        error = self.refusal(
            self.users["school"], "6812003_6812004_Reports.rar", zip_bytes()
        )
        self.assertEqual(error.code, "filename_invalid")
        self.assertEqual(error.problems[0].code, "filename_extension")

    def test_refuses_absolute_and_parent_member_paths(self) -> None:
        for member in (
            "/etc/passwd",
            "../../outside.txt",
            "reports/../../outside.txt",
            "..\\windows\\evil.dll",
            "\\\\server\\share\\x",
            "C:/Windows/evil.dll",
        ):
            with self.subTest(member=member):
                error = self.refusal(
                    self.users["school"], NAME, zip_bytes({member: b"x"})
                )
                self.assertEqual(error.code, "zip_unsafe_path")

    def test_refuses_links(self) -> None:
        error = self.refusal(
            self.users["school"], NAME, _zip_with_link("passwd", "/etc/passwd")
        )
        self.assertEqual(error.code, "zip_link")

    @override_settings(TRANSFER_ZIP_MAX_MEMBERS=3)
    def test_refuses_too_many_members(self) -> None:
        data = zip_bytes({f"file{n}.txt": b"x" for n in range(4)})
        error = self.refusal(self.users["school"], NAME, data)
        self.assertEqual(error.code, "zip_too_many_members")

    def test_refuses_a_zip_with_damaged_compressed_data(self) -> None:
        for method in (zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):
            with self.subTest(method=method):
                buffer = io.BytesIO()
                with zipfile.ZipFile(buffer, "w", method) as archive:
                    archive.writestr("pupils.csv", b"name,dob\n" * 2000)
                data = bytearray(buffer.getvalue())
                data[60:80] = bytes(20)  # inside the member's compressed data
                error = self.refusal(self.users["school"], NAME, bytes(data))
                self.assertEqual(error.code, "zip_invalid")

    @override_settings(TRANSFER_ZIP_MAX_UNCOMPRESSED_BYTES=MEGABYTE)
    def test_refuses_a_zip_bomb(self) -> None:
        data = zip_bytes({"zeros.bin": bytes(20 * MEGABYTE)})
        self.assertLess(len(data), 64 * 1024)
        error = self.refusal(self.users["school"], NAME, data)
        self.assertEqual(error.code, "zip_too_large_uncompressed")
        self.assertFalse(StoredBlob.objects.exists())

    def test_refuses_a_zip_whose_headers_understate_its_size(self) -> None:
        true_size = 2 * MEGABYTE
        data = _understated(zip_bytes({"zeros.bin": bytes(true_size)}), true_size)
        error = self.refusal(self.users["school"], NAME, data)
        self.assertIn(error.code, {"zip_invalid", "zip_too_large_uncompressed"})

    def test_generic_files_cannot_go_to_the_lost_pupil_database(self) -> None:
        error = self.refusal(
            self.users["school"], "6812003_XXXXXXX_Reports.zip", zip_bytes()
        )
        self.assertEqual(error.code, "filename_invalid")
