"""A message's subject and text, encrypted at rest as stored files are.

Each message gets a fresh data key. Its subject and text (one small JSON
document) are encrypted in the stored-file format of ``pontio.transfers.crypto``,
bound to the message's ``code``, and the data key is wrapped under the current
master key of ``pontio.transfers.keys``. The row holds the ciphertext, the
wrapped key and the master key's id; no file is written.

``Message`` is listed in ``settings.WRAPPED_KEY_MODELS``, so ``pontio keys rotate``
re-wraps messages' data keys with the files' and ``pontio keys retire`` keeps every
master key a message still needs.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from uuid import UUID

from pontio.messaging.models import Message
from pontio.transfers import crypto, keys
from pontio.transfers.keys import Keyring


@dataclass(frozen=True)
class Sealed:
    """What a message row stores instead of its text."""

    ciphertext: bytes
    wrapped_key: bytes
    master_key_id: str


@dataclass(frozen=True)
class Content:
    """A message's subject and text, decrypted."""

    subject: str
    body: str


def seal(code: UUID, content: Content) -> Sealed:
    """Encrypt a message's content under a fresh data key bound to ``code``."""
    keyring = keys.load_keyring()
    data_key = crypto.new_data_key()
    plaintext = json.dumps({"subject": content.subject, "body": content.body})
    reader = crypto.EncryptingReader(io.BytesIO(plaintext.encode()), data_key, code)
    return Sealed(
        ciphertext=reader.read(),
        wrapped_key=keys.wrap_for_blob(data_key, code, keyring),
        master_key_id=keyring.current_id,
    )


def unseal(message: Message, keyring: Keyring | None = None) -> Content:
    """Decrypt a message's content; an altered row raises ``BlobIntegrityError``."""
    keyring = keyring or keys.load_keyring()
    data_key = _data_key(message, keyring)
    stream = io.BytesIO(bytes(message.ciphertext))
    plaintext = b"".join(
        chunk for chunk, _last in crypto.decrypt_records(stream, data_key, message.code)
    )
    data = json.loads(plaintext)
    return Content(subject=data["subject"], body=data["body"])


def _data_key(message: Message, keyring: Keyring) -> bytes:
    return keys.unwrap_for_blob(message, keyring)
