"""Checks on a generic file: a real zip, safe to unpack, and not a zip bomb.

A generic file is passed on exactly as uploaded; Pontio never unpacks it for
the recipient. The checks protect the recipient's computer: every member name
must be a relative path without ``..``, no member may be a link, and the number
of members and their total uncompressed size have limits (``conf``).

Members that are not encrypted are decompressed once, counting the bytes, so a
zip whose headers understate its size is still caught, and a damaged member
(wrong CRC) is refused. Members of a password-protected zip cannot be read:
their names, types and declared sizes are checked, and the file is passed on
untouched.
"""

from __future__ import annotations

import lzma
import re
import stat
import zipfile
import zlib
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pontio.transfers import conf

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
READ_CHUNK_BYTES = 64 * 1024
# The flag bit that marks an encrypted member (APPNOTE 4.4.4, bit 0).
ENCRYPTED_FLAG = 0x1
_DRIVE = re.compile(r"^[A-Za-z]:")


def check_zip(source: BinaryIO) -> None:
    """Refuse a file that is not a safe zip (ValidationError with a ``code``)."""
    source.seek(0)
    if source.read(4) not in ZIP_MAGIC:
        raise _not_a_zip()
    source.seek(0)
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
            _check_count(members)
            for member in members:
                _check_member(member)
            _check_declared_size(members)
            _check_contents(archive, members)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        EOFError,
        # Damaged compressed data raises its codec's own errors.
        OSError,
        lzma.LZMAError,
        zlib.error,
    ):
        raise _not_a_zip() from None
    finally:
        source.seek(0)


def is_encrypted(member: zipfile.ZipInfo) -> bool:
    return bool(member.flag_bits & ENCRYPTED_FLAG)


def _not_a_zip() -> ValidationError:
    return ValidationError(
        _(
            "The file is not a zip file that can be opened. Make a new .zip file "
            "with your computer's compress or zip option and send that."
        ),
        code="zip_invalid",
    )


def _check_count(members: list[zipfile.ZipInfo]) -> None:
    limit = conf.zip_max_members()
    if len(members) > limit:
        raise ValidationError(
            _(
                "The zip file holds %(count)s files; it may hold at most "
                "%(limit)s. Split it into smaller zip files."
            ),
            code="zip_too_many_members",
            params={"count": len(members), "limit": limit},
        )


def _check_member(member: zipfile.ZipInfo) -> None:
    name = member.filename
    parts = re.split(r"[/\\]", name)
    if (
        name.startswith(("/", "\\"))
        or _DRIVE.match(name)
        or ".." in parts
        or "\0" in name
    ):
        raise ValidationError(
            _(
                "The zip file contains %(name)s, whose path could write outside "
                "the folder it is unpacked in. Zip the files again from their "
                "folder."
            ),
            code="zip_unsafe_path",
            params={"name": name[:80]},
        )
    if stat.S_ISLNK(member.external_attr >> 16):
        raise ValidationError(
            _(
                "The zip file contains a link (%(name)s). Zip the files "
                "themselves, not links to them."
            ),
            code="zip_link",
            params={"name": name[:80]},
        )


def _too_large() -> ValidationError:
    limit = conf.zip_max_uncompressed_bytes()
    return ValidationError(
        _(
            "The zip file unpacks to more than %(limit)s MB. Split it into "
            "smaller zip files."
        ),
        code="zip_too_large_uncompressed",
        params={"limit": limit // conf.MEGABYTE},
    )


def _check_declared_size(members: list[zipfile.ZipInfo]) -> None:
    if sum(member.file_size for member in members) > conf.zip_max_uncompressed_bytes():
        raise _too_large()


def _check_contents(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    """Decompress every readable member, counting, so lying headers are caught."""
    budget = conf.zip_max_uncompressed_bytes()
    for member in members:
        if is_encrypted(member) or member.is_dir():
            continue
        with archive.open(member) as stream:
            while chunk := stream.read(READ_CHUNK_BYTES):
                budget -= len(chunk)
                if budget < 0:
                    raise _too_large()
