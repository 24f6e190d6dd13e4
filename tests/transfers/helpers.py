"""The transfer hub's test case: the shared cast, isolated file storage, builders.

The reference CTFs come from four schools: 8383321 sends to 8384512 (both in
the shared cast), and three more senders in LAs 933 and 706 are added here so
that each file can be uploaded by its own school.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

from pontio.ctf.synthetic import fake_ctf
from pontio.ctf.writer import write_ctf
from pontio.directory.models import Organisation, User
from pontio.directory.roles import Role
from pontio.transfers import services
from pontio.transfers.models import Transfer
from pontio.transfers.services import UploadRefusedError
from tests.base import PontioTestCase, make_organisation, make_user
from tests.transfers import BlobStorageTestCase

REPO_ROOT = Path(__file__).resolve().parents[2]
REFERENCE_CTF_DIR = REPO_ROOT.parent / "shared" / "reference" / "ctf"
# Each reference file, the school whose header it carries, and its warnings.
REFERENCE_CTFS = {
    "gryphon_y7_2_students.xml": ("8383321", 2, ["upn_1510", "upn_1510"]),
    "gryphon_y12.xml": ("9334259", 1, ["uln_check_digit"]),
    "gryphon_y7_partial.xml": ("9333281", 1, ["upn_1510"]),
    "gryphon_y7_spaced_numbers.xml": ("7062010", 1, ["upn_1510"]),
}
REFERENCE_DESTINATION = "8384512"


def reference_ctf(name: str) -> bytes:
    return (REFERENCE_CTF_DIR / name).read_bytes()


def ctf_bytes(
    source: str, destination: str, *, pupils: int = 1, seed: int = 1
) -> bytes:
    """A synthetic CTF 25 file from ``source`` to ``destination``."""
    data = write_ctf(
        fake_ctf(pupils=pupils, source=source, destination=destination, seed=seed)
    )
    assert data is not None
    return data


def ctf_name(source: str, destination: str, number: int = 1) -> str:
    return f"{source}_CTF_{destination}_{number:03d}.XML"


def zip_bytes(members: dict[str, bytes] | None = None) -> bytes:
    """A zip file holding ``members`` (name to content)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in (members or {"report.csv": b"a,b\n1,2\n"}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


class HubTestCase(PontioTestCase, BlobStorageTestCase):
    """The cast, plus the reference CTFs' senders and a closed school."""

    la_933: Organisation
    la_706: Organisation
    closed_school: Organisation
    school2_user: User
    reference_senders: dict[str, User]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.la_933 = make_organisation(Organisation.Kind.LA, "933", "Somerset")
        cls.la_706 = make_organisation(Organisation.Kind.LA, "706", "Na h-Eileanan")
        cls.reference_senders = {"8383321": cls.sender}
        for code in ("9334259", "9333281", "7062010"):
            school = make_organisation(Organisation.Kind.SCHOOL, code, f"School {code}")
            cls.reference_senders[code] = make_user(
                f"{code}office", school, Role.SCHOOL
            )
        # The receiving school's user reads e-mail in Welsh.
        cls.school2_user = make_user(
            "6812004office", cls.school2, Role.SCHOOL, language="cy"
        )
        cls.closed_school = make_organisation(
            Organisation.Kind.SCHOOL, "6812005", "Ysgol Gaeedig", is_active=False
        )

    def upload(self, user: User, filename: str, data: bytes) -> Transfer:
        """Upload through the service, as a page or the API does."""
        return services.upload_file(io.BytesIO(data), filename, actor=user)

    def refusal(self, user: User, filename: str, data: bytes) -> UploadRefusedError:
        """Upload a file that must be refused, and return the refusal."""
        with self.assertRaises(UploadRefusedError) as caught:
            self.upload(user, filename, data)
        return caught.exception

    def school_ctf(self, number: int = 1, *, pupils: int = 1) -> Transfer:
        """6812003 sends a synthetic CTF to 6812004, both in Cardiff."""
        return self.upload(
            self.users["school"],
            ctf_name("6812003", "6812004", number),
            ctf_bytes("6812003", "6812004", pupils=pupils, seed=number),
        )


def encrypted_zip_bytes(name: str, content: bytes, password: bytes) -> bytes:
    """A real password-protected zip (traditional PKWARE encryption, stored)."""
    crc = zlib.crc32(content)
    cipher = _ZipCrypto(password)
    header = bytes(11) + bytes([crc >> 24])
    data = cipher.encrypt(header + content)
    encoded = name.encode()
    # version 20, flag 1 (encrypted), stored, 1980-01-01 00:00
    common = (20, 1, 0, 0, 33, crc, len(data), len(content), len(encoded))
    local = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", *common, 0) + encoded
    central = (
        struct.pack("<4sH", b"PK\x01\x02", 20)
        + struct.pack("<HHHHHIIIHHHHHII", *common, 0, 0, 0, 0, 0, 0)
        + encoded
    )
    offset = len(local) + len(data)
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, len(central), offset, 0)
    return local + data + central + end


class _ZipCrypto:
    def __init__(self, password: bytes) -> None:
        self.keys = [0x12345678, 0x23456789, 0x34567890]
        for byte in password:
            self._update(byte)

    @staticmethod
    def _crc(crc: int, byte: int) -> int:
        return zlib.crc32(bytes([byte]), crc ^ 0xFFFFFFFF) ^ 0xFFFFFFFF

    def _update(self, byte: int) -> None:
        k0, k1, k2 = self.keys
        k0 = self._crc(k0, byte)
        k1 = ((k1 + (k0 & 0xFF)) * 134775813 + 1) & 0xFFFFFFFF
        k2 = self._crc(k2, k1 >> 24)
        self.keys = [k0, k1, k2]

    def encrypt(self, data: bytes) -> bytes:
        out = bytearray()
        for byte in data:
            temp = (self.keys[2] | 2) & 0xFFFF
            out.append(byte ^ (((temp * (temp ^ 1)) >> 8) & 0xFF))
            self._update(byte)
        return bytes(out)
