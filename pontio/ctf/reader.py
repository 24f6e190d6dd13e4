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
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, BinaryIO, cast

from lxml import etree

from pontio.ctf import models
from pontio.ctf.models import CTFDocument, Header, Pupil
from pontio.ctf.problems import CTFError, Problem, Severity, gettext_noop

Source = str | os.PathLike[str] | BinaryIO

ROOT = "CTfile"
HEADER = "Header"
PUPIL_DATA = "CTFpupilData"
PUPIL = "Pupil"
PUPIL_PATH = "/CTfile/CTFpupilData/Pupil"

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
        self._input = _GuardedInput(source)
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
            raise _not_xml(str(error), self._input.line_count) from None

    def _check_no_doctype(self, root: etree._Element) -> None:
        if root.getroottree().docinfo.internalDTD is not None:
            raise _doctype_error(1)

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


def line_of(element: etree._Element) -> int | None:
    """The line where ``element`` starts in the file."""
    return cast(int | None, element.sourceline)


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


# --- The raw input --------------------------------------------------------------


class _GuardedInput:
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
        return _not_xml(message, line)


def _check_start(start: bytes) -> None:
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


def _check_prolog(text: str) -> None:
    """Check what comes before the root element, and the root element's name."""
    position = 0
    while match := _PROLOG_ITEM.match(text, position):
        position = match.end()
    line = text.count("\n", 0, position) + 1
    if text.startswith("<!DOCTYPE", position):
        raise _doctype_error(line)
    root = _ROOT_NAME.match(text, position)
    if root is None:
        if len(text) >= PROLOG_LIMIT_BYTES or text.startswith("<", position):
            raise _not_xml("no root element at the start of the file", line)
        raise _not_xml("the file does not start with an XML element", line)
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


def _doctype_error(line: int) -> CTFError:
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


def _not_xml(detail: str, line: int) -> CTFError:
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


# --- From elements to objects ----------------------------------------------------


_TEXT, _NAMED, _SINGLE, _REPEATED, _LIST = range(5)
# (kind, field, element-name field or list item element, nested layout)
_Entry = tuple[int, str, str | None, "_Layout | None"]


@dataclass(frozen=True)
class _Layout:
    """How one model class is read from its element's children."""

    cls: type[Any]
    # element -> field, for text values
    text: Mapping[str, str] = field(default_factory=dict)
    # element -> (value field, field keeping the element's name): Gender/Sex, Zip/ZIP
    named: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    # element -> (field, layout), for one nested object
    single: Mapping[str, tuple[str, _Layout]] = field(default_factory=dict)
    # element -> (field, layout), for objects repeated directly in this element
    repeated: Mapping[str, tuple[str, _Layout]] = field(default_factory=dict)
    # container -> (field, item element, item layout or None for text items)
    lists: Mapping[str, tuple[str, str, _Layout | None]] = field(default_factory=dict)
    # All of the above by element name, for one look-up per child element.
    dispatch: dict[object, _Entry] = field(init=False, compare=False)
    # Every field of ``cls`` with its default value.
    defaults: dict[str, Any] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "defaults", _defaults(self.cls))
        dispatch: dict[object, _Entry] = {}
        for tag, name in self.text.items():
            dispatch[tag] = (_TEXT, name, None, None)
        for tag, (name, name_field) in self.named.items():
            dispatch[tag] = (_NAMED, name, name_field, None)
        for tag, (name, layout) in self.single.items():
            dispatch[tag] = (_SINGLE, name, None, layout)
        for tag, (name, layout) in self.repeated.items():
            dispatch[tag] = (_REPEATED, name, None, layout)
        for tag, (name, item, item_layout) in self.lists.items():
            dispatch[tag] = (_LIST, name, item, item_layout)
        object.__setattr__(self, "dispatch", dispatch)


def _defaults(cls: Any) -> dict[str, Any]:
    defaults = {}
    for item in dataclasses.fields(cls):
        if item.default_factory is not dataclasses.MISSING:
            defaults[item.name] = item.default_factory()
        else:
            defaults[item.name] = item.default
    return defaults


def _new(layout: _Layout, values: dict[str, Any]) -> Any:
    """An instance of ``layout.cls`` holding ``values``, the rest defaults.

    Equivalent to ``layout.cls(**values)`` for these plain frozen dataclasses (which
    have no ``__post_init__``), and several times faster: the reader builds tens of
    thousands of small objects per file.
    """
    instance = object.__new__(layout.cls)
    attributes = instance.__dict__
    attributes.update(layout.defaults)
    attributes.update(values)
    return instance


def _texts(**fields: str) -> dict[str, str]:
    """Invert ``field=element`` pairs into ``element -> field``."""
    return {element: name for name, element in fields.items()}


_SEX = {"Gender": ("sex", "sex_element"), "Sex": ("sex", "sex_element")}

_SOURCE_SCHOOL = _Layout(
    models.SourceSchool,
    _texts(
        lea="LEA",
        estab="Estab",
        urn="URN",
        school_name="SchoolName",
        academic_year="AcademicYear",
    ),
)
_DEST_SCHOOL = _Layout(models.DestSchool, _texts(lea="LEA", estab="Estab", urn="URN"))
_HEADER = _Layout(
    models.Header,
    _texts(
        document_name="DocumentName",
        ctf_version="CTFversion",
        date_time="DateTime",
        document_qualifier="DocumentQualifier",
        data_qualifier="DataQualifier",
        data_descriptor="DataDescriptor",
        supplier_id="SupplierID",
    ),
    single={
        "SourceSchool": ("source_school", _SOURCE_SCHOOL),
        "DestSchool": ("dest_school", _DEST_SCHOOL),
    },
)
_LANGUAGE = _Layout(
    models.Language, _texts(language_type="LanguageType", language="Language")
)
_BASIC_DETAILS = _Layout(
    models.BasicDetails,
    _texts(
        former_upn="FormerUPN",
        preferred_surname="PreferredSurname",
        preferred_forename="PreferredForename",
        former_surname="FormerSurname",
        former_forename="FormerForename",
        middle_names="MiddleNames",
        nc_year_actual="NCyearActual",
        ethnicity="Ethnicity",
        ethnicity_source="EthnicitySource",
        service_child="ServiceChild",
        medical_flag="MedicalFlag",
        enrol_status="EnrolStatus",
    ),
    lists={
        "Languages": ("languages", "Type", _LANGUAGE),
        "Disabilities": ("disabilities", "Disability", None),
    },
)
_BS7666 = _Layout(
    models.BS7666Address,
    _texts(
        saon="SAON",
        paon="PAON",
        street="Street",
        locality="Locality",
        town="Town",
        administrative_area="AdministrativeArea",
        post_town="PostTown",
        uprn="UniquePropertyReferenceNumber",
    ),
)
_ADDRESS_LINES = _Layout(
    models.AddressLines,
    _texts(
        line1="AddressLine1",
        line2="AddressLine2",
        line3="AddressLine3",
        line4="AddressLine4",
        line5="AddressLine5",
    ),
)
_ADDRESS = _Layout(
    models.Address,
    _texts(
        county="County",
        postcode="PostCode",
        country="Country",
        easting="Easting",
        northing="Northing",
        address_as_pupil="AddressAsPupil",
    ),
    named={"Zip": ("zip", "zip_element"), "ZIP": ("zip", "zip_element")},
    single={
        "BS7666Address": ("bs7666", _BS7666),
        "AddressLines": ("lines", _ADDRESS_LINES),
    },
)
_PHONE = _Layout(
    models.Phone, _texts(telephone_type="TelephoneType", phone_no="PhoneNo")
)
_CONTACT = _Layout(
    models.Contact,
    _texts(
        order="Order",
        title="Title",
        surname="Surname",
        forename="Forename",
        middle_names="MiddleNames",
        relationship="Relationship",
        responsibility="Responsibility",
        email="Email",
    ),
    named=_SEX,
    single={"Address": ("address", _ADDRESS)},
    lists={"Phones": ("phones", "Phone", _PHONE)},
)
_YEAR_DATA = _Layout(
    models.YearData,
    _texts(
        year="Year",
        lea="LEA",
        estab="Estab",
        urn="URN",
        school_name="SchoolName",
        sessions_possible="SessionsPossible",
        sessions_authorised="SessionsAuthorised",
        sessions_attended="SessionsAttended",
        sessions_unauthorised="SessionsUnauthorised",
        attendance_start_date="AttendanceStartDate",
        attendance_marks="AttendanceMarks",
    ),
)
_STAGE_ASSESSMENT = _Layout(
    models.StageAssessment,
    _texts(
        locale="Locale",
        year="Year",
        subject="Subject",
        method="Method",
        component="Component",
        result_status="ResultStatus",
        result_qualifier="ResultQualifier",
        result="Result",
        result_date="ResultDate",
    ),
)
_KEY_STAGE = _Layout(
    models.KeyStage,
    _texts(stage="Stage"),
    repeated={"StageAssessment": ("assessments", _STAGE_ASSESSMENT)},
)
_SCHOOL = _Layout(
    models.SchoolHistoryEntry,
    _texts(
        lea="LEA",
        estab="Estab",
        urn="URN",
        school_name="SchoolName",
        entry_date="EntryDate",
        leaving_date="LeavingDate",
        leaving_reason="LeavingReason",
        last_school="LastSchool",
    ),
)
_SEN_HISTORY = _Layout(
    models.SENHistory,
    repeated={
        "SEN": (
            "provisions",
            _Layout(
                models.SENProvision,
                _texts(
                    start_date="StartDate",
                    sen_provision="SENprovision",
                    end_date="EndDate",
                ),
            ),
        )
    },
    lists={
        "SENneeds": (
            "needs",
            "SENneed",
            _Layout(
                models.SENNeed,
                _texts(
                    need_start_date="NeedStartDate",
                    sen_type_rank="SENtypeRank",
                    sen_type="SENtype",
                ),
            ),
        )
    },
)
_FSM_HISTORY = _Layout(
    models.FSMHistory,
    _texts(review_date="FSMreviewDate"),
    repeated={
        "FSMinstance": (
            "instances",
            _Layout(
                models.FSMInstance,
                _texts(
                    start_date="FSMstartDate",
                    end_date="FSMendDate",
                    uk_country="UKcountry",
                ),
            ),
        )
    },
)
_LOOKED_AFTER = _Layout(
    models.LookedAfter, _texts(in_care="InCare", care_authority="CareAuthority")
)
_NAW_DETAILS = _Layout(
    models.NAWDetails,
    _texts(
        speak_welsh="SpeakWelsh",
        home_welsh="HomeWelsh",
        national_identity="NationalIdentity",
        welsh_source="WelshSource",
        language_source="LanguageSource",
        eal_acquisition="EALAcquisition",
    ),
)
_PUPIL = _Layout(
    models.Pupil,
    _texts(
        upn="UPN",
        uln="UniqueLearnerNumber",
        uci="UCI",
        surname="Surname",
        forename="Forename",
        dob="DOB",
        email="Email",
    ),
    named=_SEX,
    single={
        "BasicDetails": ("basic_details", _BASIC_DETAILS),
        "LookedAfter": ("looked_after", _LOOKED_AFTER),
        "FSMhistory": ("fsm_history", _FSM_HISTORY),
        "SENhistory": ("sen_history", _SEN_HISTORY),
        "Address": ("address", _ADDRESS),
    },
    repeated={"NAWdetails": ("naw_details", _NAW_DETAILS)},
    lists={
        "Phones": ("phones", "Phone", _PHONE),
        "Contacts": ("contacts", "Contact", _CONTACT),
        "Attendance": ("attendance", "YearData", _YEAR_DATA),
        "StageAssessments": ("stage_assessments", "KeyStage", _KEY_STAGE),
        "SchoolHistory": ("school_history", "School", _SCHOOL),
    },
)


def build_header(element: etree._Element) -> Header:
    """The header object for a ``Header`` element."""
    return cast(Header, _build(_HEADER, element))


def build_pupil(element: etree._Element) -> Pupil:
    """The pupil object for a ``Pupil`` element."""
    return cast(Pupil, _build(_PUPIL, element))


def _build(layout: _Layout, element: etree._Element) -> Any:
    """An object of ``layout.cls`` from ``element``'s children.

    A child that is unknown, or repeated where one is expected, is kept verbatim in
    ``extras``. A text value is the element's own text: elements nested inside a
    text element are not kept. This runs for every element of
    every pupil, so it is written for speed: one dictionary look-up per child.
    """
    values: dict[str, Any] = {}
    extras: list[str] = []
    nested: _Nested | None = None  # made only for elements with nested objects
    dispatch = layout.dispatch
    for child in element:
        entry = dispatch.get(child.tag)
        if entry is not None:
            kind, name, aux, _sub = entry
            if kind < _SINGLE:  # a text value, perhaps keeping its element's name
                if name not in values:
                    values[name] = child.text or ""
                    if aux is not None:
                        values[aux] = child.tag
                    continue
            else:
                nested = nested or _Nested()
                if nested.take(entry, child, values):
                    continue
        if isinstance(child.tag, str):
            extras.append(_xml(child))
    if nested is not None:
        nested.finish(values)
    values["extras"] = tuple(extras)
    return _new(layout, values)


class _Nested:
    """The nested objects and lists of one element being built."""

    def __init__(self) -> None:
        self.repeated: dict[str, list[Any]] = {}
        self.container_extras: list[models.ContainerExtra] = []

    def take(
        self, entry: _Entry, child: etree._Element, values: dict[str, Any]
    ) -> bool:
        """Store a nested child; ``False`` when one was already stored there."""
        kind, name, aux, sub = entry
        if kind == _REPEATED:
            self.repeated.setdefault(name, []).append(_build(cast(_Layout, sub), child))
        elif name in values:
            return False
        elif kind == _SINGLE:
            values[name] = _build(cast(_Layout, sub), child)
        else:
            values[name] = _items(child, cast(str, aux), sub, self.container_extras)
        return True

    def finish(self, values: dict[str, Any]) -> None:
        for name, items in self.repeated.items():
            values[name] = tuple(items)
        if self.container_extras:
            values["container_extras"] = tuple(self.container_extras)


def _items(
    container: etree._Element,
    item: str,
    layout: _Layout | None,
    container_extras: list[models.ContainerExtra],
) -> tuple[Any, ...]:
    """The items of a list container; anything else in it goes to container_extras."""
    items: list[Any] = []
    for child in container:
        tag = child.tag
        if tag == item and layout is not None:
            items.append(_build(layout, child))
        elif tag == item:
            items.append(child.text or "")
        elif isinstance(tag, str):
            container_extras.append(
                models.ContainerExtra(str(container.tag), _xml(child))
            )
    return tuple(items)


def _xml(element: etree._Element) -> str:
    return etree.tostring(element, encoding="unicode", with_tail=False)
