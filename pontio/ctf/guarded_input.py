"""The raw bytes of a CTF: checked at the start, then handed to the XML parser.

The start of the file is checked before the parser sees it, so an empty, binary,
compressed or DOCTYPE-carrying file, or one whose root is not ``CTfile``, is refused
at once with its own error code.
"""

from __future__ import annotations

import os
import re
from typing import BinaryIO

from lxml import etree

from pontio.ctf.problems import CTFError, gettext_noop

Source = str | os.PathLike[str] | BinaryIO

ROOT = "CTfile"
# The XML declaration, comments and the root start tag must fit in this much.
PROLOG_LIMIT_BYTES = 64 * 1024
READ_CHUNK_BYTES = 64 * 1024
# libxml2's "Premature end of data in tag" error.
_XML_ERR_TAG_NOT_FINISHED = 77

_COMPRESSED_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!")
_BINARY_MAGIC = (b"%PDF", b"\xd0\xcf\x11\xe0")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_PROLOG_ITEM = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->", re.DOTALL)
_ROOT_NAME = re.compile(r"<([^\s/>!?]+)")


class GuardedInput:
    """The file as lxml reads it, with its start checked before any parsing."""

    def __init__(self, source: Source) -> None:
        if isinstance(source, str | os.PathLike):
            self._stream: BinaryIO = open(source, "rb")  # noqa: SIM115
            self._owns_stream = True
        else:
            self._stream = source
            self._owns_stream = False
        self._pending = b""
        self.bytes_read = 0
        self.line_count = 1
        self.at_end = False

    def close(self) -> None:
        if self._owns_stream:
            self._stream.close()

    def read(self, size: int = READ_CHUNK_BYTES) -> bytes:
        if self._pending:
            data, self._pending = self._pending, b""
        else:
            data = self._read_raw(size if size > 0 else READ_CHUNK_BYTES)
        self.line_count += data.count(b"\n")
        return data

    def _read_raw(self, size: int) -> bytes:
        try:
            data = self._stream.read(size)
        except OSError as error:
            raise CTFError(
                "ctf_unreadable",
                gettext_noop(
                    "The file could not be read (%(detail)s). Upload it again."
                ),
                {"detail": str(error)},
            ) from None
        if not isinstance(data, bytes):
            raise TypeError("A CTF must be read from a binary stream.")
        if not data:
            self.at_end = True
        self.bytes_read += len(data)
        return data

    def check_start(self) -> None:
        """Refuse, before parsing, a file whose start shows it is no CTF."""
        start = b""
        while len(start) < PROLOG_LIMIT_BYTES:
            data = self._read_raw(READ_CHUNK_BYTES)
            if not data:
                break
            start += data
        self._pending = start
        _check_start(start)

    def syntax_error(
        self, error: etree.XMLSyntaxError, first: etree._LogEntry | None
    ) -> CTFError:
        """The CTFError for the parser's first complaint about the file."""
        if first is not None:
            line, code, message = first.line, first.type, first.message
        else:
            line, code, message = error.lineno, getattr(error, "code", 0), error.msg
        line = line or self.line_count
        truncated = code == _XML_ERR_TAG_NOT_FINISHED or (
            self.at_end and line >= self.line_count
        )
        if truncated:
            return CTFError(
                "ctf_truncated",
                gettext_noop(
                    "The file stops part-way through (at line %(line)s): it was "
                    "probably not fully saved or uploaded. Export the CTF again from "
                    "your MIS and upload the new file."
                ),
                {"line": line},
                line=line,
            )
        return not_xml(message, line)


def _check_start(start: bytes) -> None:
    _check_not_empty_or_compressed(start)
    is_utf16 = start.startswith(_UTF16_BOMS)
    if start.startswith(_BINARY_MAGIC) or (b"\x00" in start and not is_utf16):
        raise CTFError(
            "ctf_binary",
            gettext_noop(
                "This file is not a CTF: it is not text but another kind of file (a "
                "PDF, a spreadsheet or a picture, for example). Upload the .xml file "
                "your MIS exported."
            ),
            line=1,
        )
    text = start.decode("utf-16" if is_utf16 else "utf-8", errors="replace")
    _check_prolog(text.lstrip("\ufeff"))


def _check_not_empty_or_compressed(start: bytes) -> None:
    if not start.strip():
        raise CTFError(
            "ctf_empty",
            gettext_noop(
                "The file is empty. Export the CTF again from your MIS and upload the "
                "new file."
            ),
            line=1,
        )
    if start.startswith(_COMPRESSED_MAGIC):
        raise CTFError(
            "ctf_compressed",
            gettext_noop(
                "This is a compressed (zip) file, not a CTF. Extract the .xml file "
                "from it and upload that, or upload it as a generic file."
            ),
            line=1,
        )


def _check_prolog(text: str) -> None:
    """Check what comes before the root element, and the root element's name."""
    position = 0
    while match := _PROLOG_ITEM.match(text, position):
        position = match.end()
    line = text.count("\n", 0, position) + 1
    if text.startswith("<!DOCTYPE", position):
        raise doctype_error(line)
    root = _ROOT_NAME.match(text, position)
    if root is None:
        if len(text) >= PROLOG_LIMIT_BYTES or text.startswith("<", position):
            raise not_xml("no root element at the start of the file", line)
        raise not_xml("the file does not start with an XML element", line)
    if root.group(1) != ROOT:
        raise CTFError(
            "ctf_wrong_root",
            gettext_noop(
                "This XML file is not a Common Transfer File: it starts with "
                "%(found)s instead of CTfile. Check that you chose the right file."
            ),
            {"found": root.group(1)[:60]},
            line=line,
            path="/" + root.group(1)[:60],
        )


def doctype_error(line: int) -> CTFError:
    return CTFError(
        "ctf_doctype_forbidden",
        gettext_noop(
            "This file contains a DOCTYPE declaration, which a CTF never has and "
            "which could be used to attack the service, so it has been refused. "
            "Export the CTF again from your MIS; if the problem stays, contact your "
            "MIS supplier."
        ),
        line=line,
    )


def not_xml(detail: str, line: int) -> CTFError:
    return CTFError(
        "ctf_not_xml",
        gettext_noop(
            "This file is not a readable CTF: the XML is broken at line %(line)s "
            "(%(detail)s). Export the CTF again from your MIS; if the problem stays, "
            "contact your MIS supplier."
        ),
        {"line": line, "detail": detail},
        line=line,
    )
