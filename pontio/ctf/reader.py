"""Read a Common Transfer File safely, one pupil at a time.

CTFs are untrusted uploads. The parser refuses any DOCTYPE (so no entity is ever
declared, expanded or fetched), never touches the network and keeps libxml2's size
limits. The start of the file is checked before the XML parser sees it, so an empty,
binary, compressed or DOCTYPE-carrying file, or one whose root is not ``CTfile``, is
refused at once.

The file is streamed: the header is read eagerly, then each ``Pupil`` element becomes
a :class:`~pontio.ctf.models.Pupil` and is dropped from memory, so memory stays
bounded by the largest pupil whatever the size of the file.

Every problem with the content raises :class:`~pontio.ctf.problems.CTFError` with its
own code and the line number; only an unreadable path raises ``OSError``.

The checks on the raw bytes are in :mod:`pontio.ctf.guarded_input`, and the building
of objects from elements in :mod:`pontio.ctf.builders`.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import TracebackType

from lxml import etree

from pontio.ctf.builders import build_header, build_pupil
from pontio.ctf.checks import line_of
from pontio.ctf.guarded_input import (
    ROOT,
    GuardedInput,
    Source,
    doctype_error,
    not_xml,
)
from pontio.ctf.models import CTFDocument, Header, Pupil
from pontio.ctf.problems import CTFError, Problem, Severity, gettext_noop

__all__ = [
    "PUPIL_PATH",
    "CTFReader",
    "Source",
    "build_header",
    "build_pupil",
    "iter_ctf",
    "line_of",
    "read_ctf",
]

HEADER = "Header"
PUPIL_DATA = "CTFpupilData"
PUPIL = "Pupil"
PUPIL_PATH = "/CTfile/CTFpupilData/Pupil"


def iter_ctf(source: Source) -> CTFReader:
    """Open a CTF for streaming: the header is read at once, pupils on iteration."""
    return CTFReader(source)


def read_ctf(source: Source) -> CTFDocument:
    """Read a whole CTF into memory (use ``iter_ctf`` for large files)."""
    with iter_ctf(source) as reader:
        return CTFDocument(header=reader.header, pupils=tuple(reader))


class CTFReader:
    """A CTF being read: ``header`` at once, then iterate for the pupils.

    ``problems`` collects what is wrong with the file's outer layout without making
    it unreadable (an unexpected element beside the pupils, for example); it is
    complete once iteration has finished.
    """

    def __init__(self, source: Source) -> None:
        self.problems: list[Problem] = []
        self.pupil_count = 0
        self._input = GuardedInput(source)
        try:
            self._input.check_start()
            self._events = etree.iterparse(
                self._input,
                events=("start", "end"),
                tag=(ROOT, HEADER, PUPIL_DATA, PUPIL),
                load_dtd=False,
                no_network=True,
                resolve_entities=False,
                huge_tree=False,
                remove_blank_text=False,
            )
            self.header_element = self._read_header()
            self.header: Header = build_header(self.header_element)
        except BaseException:
            self._input.close()
            raise
        self._started = False

    def __enter__(self) -> CTFReader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._input.close()

    def __iter__(self) -> Iterator[Pupil]:
        for _index, _element, pupil in self.iter_elements():
            yield pupil

    def iter_elements(self) -> Iterator[tuple[int, etree._Element, Pupil]]:
        """Each pupil with its 1-based position and its element.

        The element is valid only until the next step of the iteration, when it is
        cleared to keep memory bounded.
        """
        if self._started:
            raise RuntimeError("A CTF can be iterated only once.")
        self._started = True
        try:
            for element in self._pupil_elements():
                self.pupil_count += 1
                yield self.pupil_count, element, build_pupil(element)
                _drop(element)
        finally:
            self.close()

    def _read_header(self) -> etree._Element:
        for event, element in self._parse():
            tag = element.tag
            if tag == ROOT and element.getparent() is None:
                if event == "end":
                    break
                self._check_no_doctype(element)
            elif event == "end" and tag == HEADER and _is_top(element):
                return element
            elif event == "start" and _starts_pupils(element):
                break
        raise CTFError(
            "ctf_missing_header",
            gettext_noop(
                "This file has no CTF header, so it cannot be a complete Common "
                "Transfer File. Export the CTF again from your MIS."
            ),
            line=self._input.line_count,
            path="/CTfile/Header",
        )

    def _pupil_elements(self) -> Iterator[etree._Element]:
        for event, element in self._parse():
            if event != "end":
                continue
            tag = element.tag
            if tag == PUPIL and _is_pupil(element):
                self._note_strangers_before(element)
                yield element
            elif (tag == PUPIL_DATA and _is_top(element)) or (
                tag == ROOT and element.getparent() is None
            ):
                self._note_strangers_in(element)
            elif tag == HEADER and _is_top(element):
                self._note_repeated_header(element)

    def _parse(self) -> Iterator[tuple[str, etree._Element]]:
        """The parser's events, with every parser failure turned into a CTFError."""
        try:
            yield from self._events
        except etree.XMLSyntaxError as error:
            log = getattr(self._events, "error_log", None)
            first = log[0] if log else None
            raise self._input.syntax_error(error, first) from None
        except (etree.LxmlError, ValueError, UnicodeError) as error:
            raise not_xml(str(error), self._input.line_count) from None

    def _check_no_doctype(self, root: etree._Element) -> None:
        if root.getroottree().docinfo.internalDTD is not None:
            raise doctype_error(1)

    def _note_strangers_before(self, pupil: etree._Element) -> None:
        while (previous := pupil.getprevious()) is not None:
            self._note_stranger(previous)
            _drop(previous)

    def _note_strangers_in(self, container: etree._Element) -> None:
        for child in container:
            if child.tag not in (HEADER, PUPIL_DATA, PUPIL):
                self._note_stranger(child)

    def _note_stranger(self, element: etree._Element) -> None:
        if not isinstance(element.tag, str) or element.tag == PUPIL:
            return
        self.problems.append(
            Problem(
                "ctf_unexpected_element",
                gettext_noop(
                    "The element %(element)s on line %(line)s is not part of the CTF "
                    "layout and has been ignored. Tell your MIS supplier."
                ),
                {"element": element.tag, "line": line_of(element) or 0},
                Severity.WARNING,
                line_of(element),
                _path_of(element),
            )
        )

    def _note_repeated_header(self, element: etree._Element) -> None:
        if element is self.header_element:
            return
        self.problems.append(
            Problem(
                "ctf_repeated_header",
                gettext_noop(
                    "This file has more than one CTF header (the second on line "
                    "%(line)s). Export the CTF again from your MIS."
                ),
                {"line": line_of(element) or 0},
                Severity.ERROR,
                line_of(element),
                "/CTfile/Header[2]",
            )
        )


def _is_top(element: etree._Element) -> bool:
    """Whether ``element`` is a direct child of the root element."""
    parent = element.getparent()
    return parent is not None and parent.getparent() is None


def _starts_pupils(element: etree._Element) -> bool:
    return (element.tag == PUPIL_DATA and _is_top(element)) or (
        element.tag == PUPIL and _is_pupil(element)
    )


def _is_pupil(element: etree._Element) -> bool:
    parent = element.getparent()
    return parent is not None and parent.tag == PUPIL_DATA and _is_top(parent)


def _drop(element: etree._Element) -> None:
    element.clear()
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)


def _path_of(element: etree._Element) -> str:
    names = [str(node.tag) for node in (element, *element.iterancestors())]
    return "/" + "/".join(reversed(names))
