"""The encrypted file format and the data-key wrapping (no database, no storage).

A stored file (format version 1, see docs/decisions/0003-encryption-at-rest.md)::

    header  "PNTB" | version (1 byte) | chunk size (4 bytes) | nonce prefix (8 bytes)
    records  AES-256-GCM(chunk i) + 16-byte tag, for i = 0, 1, ... n-1

Every chunk but the last holds exactly ``chunk size`` bytes of plaintext; the last
holds 0 to ``chunk size`` bytes (an empty file is one empty last chunk). Chunk ``i``
is encrypted under the file's own data key with the nonce ``prefix | i`` and the
associated data ``header | blob code | i | final flag``, so a chunk cannot be
altered, moved to another place or another file, dropped, or cut off at the end
without its tag failing.
"""

from __future__ import annotations

import hashlib
import io
import os
import struct
from collections.abc import Iterator
from typing import Protocol
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.utils.translation import gettext as _

MAGIC = b"PNTB"
FORMAT_VERSION = 1
CHUNK_SIZE_BYTES = 64 * 1024
# A header claiming bigger chunks is refused before anything is allocated for them.
MAX_CHUNK_SIZE_BYTES = 1024 * 1024
KEY_BYTES = 32
TAG_BYTES = 16
NONCE_PREFIX_BYTES = 8
MAX_CHUNKS = 2**32 - 1  # the nonce counter is 4 bytes
HEADER = struct.Struct(">4sBI8s")
CHUNK_CONTEXT = struct.Struct(">QB")

WRAP_VERSION = 1
WRAP_NONCE_BYTES = 12
WRAP_CONTEXT = b"pontio data key v1"
WRAPPED_KEY_BYTES = 1 + WRAP_NONCE_BYTES + KEY_BYTES + TAG_BYTES


class Readable(Protocol):
    """Anything with ``read(size)`` returning bytes: a file, a storage file."""

    def read(self, size: int, /) -> bytes: ...


class BlobError(Exception):
    """A stored file cannot be read; ``code`` says why (stable, snake_case)."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


class BlobIntegrityError(BlobError):
    """A stored file, its data key or its recorded checksum was altered or lost."""


class MasterKeyError(BlobError):
    """The master keyring is missing, malformed, or lacks the key a file needs."""


def integrity_error(code: str) -> BlobIntegrityError:
    """Return the error for a failed check, with one message for every cause."""
    return BlobIntegrityError(
        _("The stored file failed its integrity check (%(code)s).") % {"code": code},
        code=code,
    )


def new_data_key() -> bytes:
    """Return a fresh random 256-bit data key for one file."""
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def wrap_data_key(
    data_key: bytes, master_key: bytes, *, blob_code: UUID, master_key_id: str
) -> bytes:
    """Encrypt a data key under a master key, bound to its file and key id."""
    nonce = os.urandom(WRAP_NONCE_BYTES)
    sealed = AESGCM(master_key).encrypt(
        nonce, data_key, _wrap_context(blob_code, master_key_id)
    )
    return bytes([WRAP_VERSION]) + nonce + sealed


def unwrap_data_key(
    wrapped: bytes, master_key: bytes, *, blob_code: UUID, master_key_id: str
) -> bytes:
    """Decrypt a wrapped data key; a wrong key or an altered value fails."""
    if len(wrapped) != WRAPPED_KEY_BYTES or wrapped[0] != WRAP_VERSION:
        raise integrity_error("data_key_malformed")
    nonce, sealed = wrapped[1 : 1 + WRAP_NONCE_BYTES], wrapped[1 + WRAP_NONCE_BYTES :]
    try:
        return AESGCM(master_key).decrypt(
            nonce, sealed, _wrap_context(blob_code, master_key_id)
        )
    except InvalidTag:
        # A wrong master key and an altered wrapped key look the same here.
        raise integrity_error("data_key_unwrap_failed") from None


def _wrap_context(blob_code: UUID, master_key_id: str) -> bytes:
    return WRAP_CONTEXT + blob_code.bytes + master_key_id.encode("ascii")


def ciphertext_size(plaintext_size: int) -> int:
    """Return the stored size of a file of ``plaintext_size`` bytes."""
    chunks = max(1, -(-plaintext_size // CHUNK_SIZE_BYTES))
    return HEADER.size + plaintext_size + chunks * TAG_BYTES


def _nonce(prefix: bytes, index: int) -> bytes:
    return prefix + struct.pack(">I", index)


def _chunk_context(header: bytes, blob_code: UUID, index: int, final: bool) -> bytes:
    return header + blob_code.bytes + CHUNK_CONTEXT.pack(index, final)


def read_exactly(stream: Readable, size: int) -> bytes:
    """Read ``size`` bytes, fewer only at the end of the stream."""
    parts: list[bytes] = []
    wanted = size
    while wanted:
        part = stream.read(wanted)
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


class EncryptingReader(io.RawIOBase):
    """Read ``source`` as the encrypted file format, one chunk at a time.

    Storage backends read it like any file; memory stays at about two chunks.
    After the last read, ``size`` and ``sha256`` describe the plaintext.
    """

    def __init__(self, source: Readable, data_key: bytes, blob_code: UUID) -> None:
        super().__init__()
        self._source = source
        self._aead = AESGCM(data_key)
        self._blob_code = blob_code
        self._prefix = os.urandom(NONCE_PREFIX_BYTES)
        self._header = HEADER.pack(
            MAGIC, FORMAT_VERSION, CHUNK_SIZE_BYTES, self._prefix
        )
        self._pending = memoryview(self._header)
        self._lookahead = read_exactly(source, CHUNK_SIZE_BYTES)
        self._index = 0
        self._finished = False
        self._digest = hashlib.sha256()
        self.size = 0

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._pending and not self._finished:
            self._pending = memoryview(self._next_record())
        count = min(len(buffer), len(self._pending))
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count

    def _next_record(self) -> bytes:
        plaintext = self._lookahead
        if len(plaintext) == CHUNK_SIZE_BYTES:
            self._lookahead = read_exactly(self._source, CHUNK_SIZE_BYTES)
        else:
            self._lookahead = b""
        final = not self._lookahead
        if self._index >= MAX_CHUNKS:
            raise ValueError("The file is too large for the encrypted format.")
        self._digest.update(plaintext)
        self.size += len(plaintext)
        record = self._aead.encrypt(
            _nonce(self._prefix, self._index),
            plaintext,
            _chunk_context(self._header, self._blob_code, self._index, final),
        )
        self._index += 1
        self._finished = final
        return record


def _read_header(stream: Readable) -> tuple[bytes, int, bytes]:
    header = read_exactly(stream, HEADER.size)
    if len(header) != HEADER.size:
        raise integrity_error("header_truncated")
    magic, version, chunk_size, prefix = HEADER.unpack(header)
    if magic != MAGIC or version != FORMAT_VERSION:
        raise integrity_error("header_unknown")
    if not 0 < chunk_size <= MAX_CHUNK_SIZE_BYTES:
        raise integrity_error("header_unknown")
    return header, chunk_size, prefix


def decrypt_records(
    stream: Readable, data_key: bytes, blob_code: UUID
) -> Iterator[tuple[bytes, bool]]:
    """Yield ``(plaintext chunk, is_last)`` from an encrypted file, each verified.

    Raises ``BlobIntegrityError`` at the first chunk whose tag fails: altered,
    reordered, from another file, or cut short (the true last chunk carries the
    final flag, so a file ending early fails at its new last chunk).
    """
    header, chunk_size, prefix = _read_header(stream)
    aead = AESGCM(data_key)
    record_size = chunk_size + TAG_BYTES
    record = read_exactly(stream, record_size)
    index = 0
    while True:
        following = (
            read_exactly(stream, record_size) if len(record) == record_size else b""
        )
        final = not following
        if len(record) < TAG_BYTES or index >= MAX_CHUNKS:
            raise integrity_error("chunk_truncated")
        try:
            plaintext = aead.decrypt(
                _nonce(prefix, index),
                record,
                _chunk_context(header, blob_code, index, final),
            )
        except InvalidTag:
            raise integrity_error("chunk_altered") from None
        yield plaintext, final
        if final:
            return
        record, index = following, index + 1
