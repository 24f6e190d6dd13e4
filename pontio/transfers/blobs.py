"""Encrypted file storage: the only way files are written to or read from storage.

- ``store_blob(source)`` encrypts a file into Django's default storage and creates
  its ``StoredBlob`` row. Call it inside the transaction that records what the
  file is for: the file is written (and made durable) first, the row commits with
  the caller's transaction. A crash before the commit leaves a file without a row,
  which ``housekeeping.remove_orphan_blobs`` deletes; never a row without a file.
- ``open_blob(blob)`` returns a ``BlobReader`` (a readable binary file, plus
  ``chunks()``) over the verified plaintext.
- ``read_blob_bytes(blob)`` returns a small file whole, verified.
- ``delete_blob(blob)`` deletes the row, and the file once the deletion commits.

Every read checks each chunk's GCM tag and the plaintext's size and SHA-256, and
raises ``BlobIntegrityError`` (with a ``code``) if anything was altered.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import secrets
import uuid
from collections.abc import Iterator
from hmac import compare_digest
from typing import IO, Any, BinaryIO, cast

from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import transaction

from pontio.transfers import crypto, keys
from pontio.transfers.crypto import (
    BlobError,
    BlobIntegrityError,
    MasterKeyError,
    integrity_error,
)
from pontio.transfers.models import StoredBlob

__all__ = [
    "BLOB_FOLDER",
    "BlobError",
    "BlobIntegrityError",
    "BlobReader",
    "MasterKeyError",
    "delete_blob",
    "open_blob",
    "read_blob_bytes",
    "store_blob",
]

logger = logging.getLogger(__name__)

BLOB_FOLDER = "blobs"
SMALL_BLOB_MAX_BYTES = 32 * 1024 * 1024


def _storage() -> Storage:
    return default_storage


def store_blob(source: BinaryIO) -> StoredBlob:
    """Encrypt ``source`` into storage and create its row.

    A seekable ``source`` is read from its start (even if it was read before, for
    example to parse it), any other to its end. Memory stays at a few chunks
    whatever the file's size. The storage name is random. Call it inside the
    caller's transaction (see the module docstring).
    """
    if getattr(source, "seekable", lambda: False)():
        source.seek(0)
    keyring = keys.load_keyring()
    code = uuid.uuid4()
    data_key = crypto.new_data_key()
    reader = crypto.EncryptingReader(source, data_key, code)
    name = _write(reader, _new_storage_name())
    return StoredBlob.objects.create(
        code=code,
        storage_name=name,
        size=reader.size,
        sha256=reader.sha256,
        wrapped_key=keys.wrap_for_blob(data_key, code, keyring),
        master_key_id=keyring.current_id,
    )


def _new_storage_name() -> str:
    token = secrets.token_hex(16)
    return f"{BLOB_FOLDER}/{token[:2]}/{token}"


def _write(reader: crypto.EncryptingReader, name: str) -> str:
    # A failed write may leave part of a file behind: it has no row, so
    # housekeeping removes it. Deleting it here could hit another file if the
    # storage had chosen a different name.
    storage = _storage()
    saved = storage.save(name, File(cast(IO[bytes], reader)))
    _make_durable(storage, saved)
    if storage.size(saved) != crypto.ciphertext_size(reader.size):
        raise integrity_error("short_write")
    return saved


def _make_durable(storage: Storage, name: str) -> None:
    """Flush a new local file to disk before its row can commit."""
    try:
        path = storage.path(name)
    except NotImplementedError:
        return  # object storage acknowledges a write only once it is durable
    for target in (path, os.path.dirname(path)):
        fd = os.open(target, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def open_blob(blob: StoredBlob, *, verify_first: bool = True) -> BlobReader:
    """Open a stored file for reading its plaintext.

    With ``verify_first`` (the default) the whole file is decrypted and checked
    once before this returns, so ``BlobIntegrityError`` comes before any byte is
    served: a download view can still answer with an error page. The reading pass
    checks everything again.

    With ``verify_first=False`` there is a single pass: every chunk is
    authenticated before it is returned, and the last chunk is held back until
    the size and SHA-256 of the whole file match, so a reader never gets a
    complete unchecked file; an altered file raises ``BlobIntegrityError`` part
    way through instead. Use it only where a partial result is thrown away (a
    temporary file), never for a response already sent.
    """
    if verify_first:
        for _chunk in _plaintext_chunks(blob):
            pass
    return BlobReader(_plaintext_chunks(blob))


def read_blob_bytes(
    blob: StoredBlob, *, max_bytes: int = SMALL_BLOB_MAX_BYTES
) -> bytes:
    """Return a small stored file's verified plaintext."""
    if blob.size > max_bytes:
        raise ValueError("The file is too large to read into memory.")
    return b"".join(_plaintext_chunks(blob))


def delete_blob(blob: StoredBlob) -> None:
    """Delete a stored file's row now, and its file once the deletion commits.

    If the file cannot be deleted (or the process stops first), it is left
    without a row and housekeeping removes it.
    """
    name = blob.storage_name
    blob.delete()
    transaction.on_commit(lambda: _delete_file(name))


def _delete_file(name: str) -> None:
    try:
        _storage().delete(name)
    except OSError:
        logger.exception("Could not delete stored file %s", name)


def _plaintext_chunks(blob: StoredBlob) -> Iterator[bytes]:
    """Yield a stored file's plaintext; the last chunk only once it all checks."""
    data_key = keys.unwrap_for_blob(blob)
    digest = _Digest()
    with _open_ciphertext(blob.storage_name) as stream:
        for chunk, last in crypto.decrypt_records(stream, data_key, blob.code):
            digest.update(chunk, expected_size=blob.size)
            if last:
                digest.check(blob)
            yield chunk


class _Digest:
    def __init__(self) -> None:
        self._sha256 = hashlib.sha256()
        self._size = 0

    def update(self, chunk: bytes, *, expected_size: int) -> None:
        self._sha256.update(chunk)
        self._size += len(chunk)
        if self._size > expected_size:
            raise integrity_error("size_mismatch")

    def check(self, blob: StoredBlob) -> None:
        if self._size != blob.size:
            raise integrity_error("size_mismatch")
        if not compare_digest(self._sha256.hexdigest(), blob.sha256):
            raise integrity_error("checksum_mismatch")


def _open_ciphertext(name: str) -> File[Any]:
    try:
        return _storage().open(name, "rb")
    except FileNotFoundError:
        raise integrity_error("file_missing") from None


class BlobReader(io.RawIOBase):
    """The plaintext of a stored file, as a readable binary file.

    ``read()`` and ``readinto()`` work as on any file (``FileResponse`` and
    ``shutil.copyfileobj`` accept it); ``chunks()`` yields the remaining plaintext
    in the stored chunks. Set a response's Content-Length from ``blob.size``.
    """

    def __init__(self, chunks: Iterator[bytes]) -> None:
        super().__init__()
        self._chunks = chunks
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = memoryview(chunk)
        count = min(len(buffer), len(self._pending))
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count

    def chunks(self) -> Iterator[bytes]:
        """Yield the rest of the plaintext, chunk by chunk."""
        if self._pending:
            yield bytes(self._pending)
            self._pending = memoryview(b"")
        yield from self._chunks

    def close(self) -> None:
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()
        super().close()
