"""Check a Common Transfer File: Pontio's schema plus the rules a schema cannot say.

Problems come in two severities:

* ERRORS mean the file is not a usable CTF, and Pontio refuses it: broken XML, a
  missing or malformed header, a layout the schema rejects, a pupil without a UPN,
  name, date of birth or sex, a date of birth in the future, a UPN given twice.
* WARNINGS are problems in the data that the receiving school should see, but that
  must not stop the transfer, because the duty to send the file stands: a UPN or
  ULN whose check character is wrong, an unlikely age, sex not known.

An identifier that does not even have the right shape (a UPN that is not a letter,
11 digits and a digit or letter) is an ERROR; one with the right shape but a wrong
check character is a WARNING.

A pupil's age on the day of validation should be between ``MIN_PUPIL_AGE_YEARS``
(nursery) and ``MAX_PUPIL_AGE_YEARS`` (the oldest learners with an education, health
and care plan); outside that range is a WARNING.

The file is read in one streaming pass: memory stays bounded by one pupil, whatever
the size of the file. Bad content never raises: it becomes an error in the report.
Only an unreadable path raises ``OSError``.
"""

from __future__ import annotations

import datetime
import functools
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from importlib.resources import files
from typing import Any, cast

from lxml import etree

from pontio.ctf.models import Header, Pupil, PupilSummary, parse_date, parse_datetime
from pontio.ctf.problems import CTFError, ParamValue, Problem, Severity, gettext_noop
from pontio.ctf.reader import PUPIL_PATH, CTFReader, Source, iter_ctf, line_of
from pontio.ctf.uln import validate_uln
from pontio.ctf.upn import validate_upn

SCHEMA_RESOURCE = "schema/ctf.xsd"
DOCUMENT_NAME = "Common Transfer File"
DOCUMENT_QUALIFIERS = ("full", "partial")
# CTF 9 (2009) is the oldest version with a published schema.
OLDEST_CTF_VERSION = 9
FIRST_ACADEMIC_YEAR = 2000
MIN_PUPIL_AGE_YEARS = 2
MAX_PUPIL_AGE_YEARS = 25
ACADEMIC_YEAR_START_MONTH = 9
# How far ahead of today a header DateTime may be (clocks and time zones differ).
HEADER_CLOCK_TOLERANCE = datetime.timedelta(days=1)
UNKNOWN_DESTINATIONS = (("XXX", "XXXX"), ("MMM", "MMMM"))
MAX_VALUE_IN_MESSAGE_CHARS = 40

_VERSION = re.compile(r"\d{2}\.\d")
_LEA = re.compile(r"\d{3}|XXX|MMM")
_ESTAB = re.compile(r"\d{4}|XXXX|LLLL|MMMM")
_ACADEMIC_YEAR = re.compile(r"\d{4}")

HEADER_REQUIRED = (
    "DocumentName",
    "CTFversion",
    "DateTime",
    "DocumentQualifier",
    "SupplierID",
    "SourceSchool/LEA",
    "SourceSchool/Estab",
    "SourceSchool/SchoolName",
    "SourceSchool/AcademicYear",
    "DestSchool/LEA",
    "DestSchool/Estab",
)
DATE_ELEMENTS = frozenset(
    (
        "DOB",
        "EntryDate",
        "LeavingDate",
        "StartDate",
        "EndDate",
        "NeedStartDate",
        "FSMreviewDate",
        "FSMstartDate",
        "FSMendDate",
        "ResultDate",
        "AttendanceStartDate",
    )
)
YES_NO_ELEMENTS = frozenset(("MedicalFlag", "Responsibility", "AddressAsPupil"))
SEX_ELEMENTS = frozenset(("Gender", "Sex"))
IDENTIFIER_ELEMENTS = frozenset(("UPN", "FormerUPN", "UniqueLearnerNumber", "UCI"))


@dataclass(frozen=True)
class ValidationReport:
    errors: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()
    pupil_count: int = 0
    version: str | None = None
    header: Header | None = None
    summaries: tuple[PupilSummary, ...] = ()

    @property
    def valid(self) -> bool:
        """Whether the file is a usable CTF (warnings allowed)."""
        return not self.errors

    def as_dict(self, file: str | None = None) -> dict[str, Any]:
        """The report in Pontio's stable JSON shape."""
        return {
            "file": file,
            "valid": self.valid,
            "errors": [problem.as_dict() for problem in self.errors],
            "warnings": [problem.as_dict() for problem in self.warnings],
            "pupil_count": self.pupil_count,
            "version": self.version,
        }


def validate_ctf(
    source: Source, *, today: datetime.date | None = None
) -> ValidationReport:
    """Check a CTF against Pontio's schema and rules; never raise for bad content."""
    check = _FileCheck(today or _today())
    try:
        reader = iter_ctf(source)
    except CTFError as error:
        return check.report(error.problems)
    with reader:
        check.header(reader)
        try:
            for index, element, pupil in reader.iter_elements():
                check.pupil(index, element, pupil)
        except CTFError as error:
            check.problems.extend(error.problems)
            check.broken = True
        check.problems.extend(reader.problems)
    check.whole_file()
    return check.report()


def _today() -> datetime.date:
    return datetime.datetime.now(datetime.UTC).date()


# --- The schema -------------------------------------------------------------------


@functools.cache
def _schema_document() -> etree._Element:
    data = files("pontio.ctf").joinpath(SCHEMA_RESOURCE).read_bytes()
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False))


_per_thread = threading.local()


def ctf_schema() -> etree.XMLSchema:
    """Pontio's compiled CTF schema (one per thread: lxml's error log is shared)."""
    schema: etree.XMLSchema | None = getattr(_per_thread, "schema", None)
    if schema is None:
        schema = etree.XMLSchema(_schema_document())
        _per_thread.schema = schema
    return schema


@dataclass(frozen=True)
class _SchemaError:
    path: str
    line: int | None
    element: str
    content_model: bool
    detail: str


def _schema_errors(element: etree._Element, base: str) -> list[_SchemaError]:
    """What the schema finds wrong in ``element``, with paths below ``base``."""
    schema = ctf_schema()
    if schema.validate(element):
        return []
    root = "/" + str(element.tag)
    found = []
    for entry in cast("Iterable[etree._LogEntry]", schema.error_log):
        path = entry.path or root
        path = base + path[len(root) :] if path.startswith(root) else base
        name = path.rsplit("/", 1)[-1].split("[", 1)[0]
        found.append(
            _SchemaError(
                path=path,
                line=entry.line or None,
                element=name,
                content_model=entry.type_name.startswith("SCHEMAV_ELEMENT_CONTENT"),
                detail=entry.message,
            )
        )
    return found


# --- Checking one file ------------------------------------------------------------


@dataclass
class _FileCheck:
    today: datetime.date
    problems: list[Problem] = field(default_factory=list)
    header_model: Header | None = None
    summaries: list[PupilSummary] = field(default_factory=list)
    pupil_count: int = 0
    upns: dict[str, int] = field(default_factory=dict)
    # The file stopped being readable part-way through.
    broken: bool = False

    def report(self, extra: Iterable[Problem] = ()) -> ValidationReport:
        problems = [*self.problems, *extra]
        header = self.header_model
        return ValidationReport(
            errors=tuple(p for p in problems if p.severity == Severity.ERROR),
            warnings=tuple(p for p in problems if p.severity == Severity.WARNING),
            pupil_count=self.pupil_count,
            version=header.ctf_version if header else None,
            header=header,
            summaries=tuple(self.summaries),
        )

    def header(self, reader: CTFReader) -> None:
        self.header_model = reader.header
        element = reader.header_element
        found = list(_HeaderRules(reader.header, element, self.today).problems())
        missing = any(p.code == "header_field_missing" for p in found)
        paths = {p.path for p in found}
        for error in _schema_errors(element, "/CTfile/Header"):
            if error.path in paths or (missing and error.content_model):
                continue
            found.append(_schema_problem(error, element, "/CTfile/Header"))
        self.problems.extend(found)

    def pupil(self, index: int, element: etree._Element, pupil: Pupil) -> None:
        self.pupil_count = index
        self.summaries.append(pupil.summary())
        base = f"{PUPIL_PATH}[{index}]"
        schema = _schema_errors(element, base)
        rules = _PupilRules(pupil, element, base, self.today, schema)
        self.problems.extend(rules.problems())
        self._check_unique_upn(pupil, element, base, index)

    def _check_unique_upn(
        self, pupil: Pupil, element: etree._Element, base: str, index: int
    ) -> None:
        upn = (pupil.upn or "").strip().upper()
        if not upn:
            return
        first = self.upns.setdefault(upn, index)
        if first != index:
            self.problems.append(
                _problem(
                    "upn_duplicate",
                    gettext_noop(
                        "The UPN %(upn)s is given to two pupils in this file (pupils "
                        "%(first)s and %(second)s). Each pupil must have their own "
                        "UPN: correct the records in your MIS and export again."
                    ),
                    {"upn": upn, "first": first, "second": index},
                    line=_line_in(element, "UPN"),
                    path=f"{base}/UPN",
                )
            )

    def whole_file(self) -> None:
        header = self.header_model
        if header is None or self.broken:
            return
        if self.pupil_count == 0:
            self.problems.append(
                _problem(
                    "ctf_no_pupils",
                    gettext_noop(
                        "This CTF holds no pupils. Export it again from your MIS and "
                        "choose the pupils to send."
                    ),
                    path="/CTfile/CTFpupilData",
                )
            )
        destination = (header.dest_school.lea, header.dest_school.estab)
        if destination in UNKNOWN_DESTINATIONS and self.pupil_count > 1:
            self.problems.append(
                _problem(
                    "lost_pupil_file_not_one_pupil",
                    gettext_noop(
                        "A CTF for an unknown destination (%(lea)s/%(estab)s) must "
                        "hold exactly one pupil, but this one holds %(count)s. Export "
                        "one file for each pupil."
                    ),
                    {
                        "lea": destination[0] or "",
                        "estab": destination[1] or "",
                        "count": self.pupil_count,
                    },
                    path="/CTfile/Header/DestSchool",
                )
            )


def _problem(
    code: str,
    template: str,
    params: Mapping[str, ParamValue] | None = None,
    *,
    severity: Severity = Severity.ERROR,
    line: int | None = None,
    path: str | None = None,
) -> Problem:
    return Problem(code, template, dict(params or {}), severity, line, path)


def _line_in(element: etree._Element, path: str) -> int | None:
    """The line of ``element``'s descendant at ``path``, or of ``element`` itself."""
    found = element.find(path)
    return line_of(found if found is not None else element)


# --- Header rules -----------------------------------------------------------------


class _HeaderRules:
    def __init__(
        self, header: Header, element: etree._Element, today: datetime.date
    ) -> None:
        self.header = header
        self.element = element
        self.today = today

    def problems(self) -> Iterator[Problem]:
        missing = list(self._missing())
        yield from missing
        skip = {p.path for p in missing}
        for check in (
            self._document_name,
            self._version,
            self._date_time,
            self._qualifier,
            self._academic_year,
            self._schools,
        ):
            yield from (p for p in check() if p.path not in skip)

    def _line(self, name: str) -> int | None:
        return _line_in(self.element, name)

    def _problem(
        self,
        code: str,
        template: str,
        name: str,
        params: Mapping[str, ParamValue] | None = None,
        severity: Severity = Severity.ERROR,
    ) -> Problem:
        return _problem(
            code,
            template,
            params,
            severity=severity,
            line=self._line(name),
            path=f"/CTfile/Header/{name}",
        )

    def _missing(self) -> Iterator[Problem]:
        for name in HEADER_REQUIRED:
            value = self.element.findtext(name)
            if value is None or not value.strip():
                yield self._problem(
                    "header_field_missing",
                    gettext_noop(
                        "The CTF header has no %(field)s. Export the CTF again from "
                        "your MIS; if this keeps happening, contact your MIS supplier."
                    ),
                    name,
                    {"field": name},
                )

    def _document_name(self) -> Iterator[Problem]:
        name = self.header.document_name
        if name is not None and name != DOCUMENT_NAME:
            yield self._problem(
                "header_document_name",
                gettext_noop(
                    "This file calls itself %(found)s, not a Common Transfer File. "
                    "Check that you chose the CTF your MIS exported."
                ),
                "DocumentName",
                {"found": _shorten(name)},
            )

    def _version(self) -> Iterator[Problem]:
        version = self.header.ctf_version
        if version is None:
            return
        if not _VERSION.fullmatch(version):
            yield self._problem(
                "header_version_format",
                gettext_noop(
                    "The CTF version %(found)s is not written as a CTF version (for "
                    "example 25.0). Export the CTF again from your MIS."
                ),
                "CTFversion",
                {"found": _shorten(version)},
            )
            return
        number = int(version.split(".")[0])
        newest = _academic_year(self.today) % 100 + 1
        if not OLDEST_CTF_VERSION <= number <= newest:
            yield self._problem(
                "header_version_implausible",
                gettext_noop(
                    "The file says it is CTF version %(found)s, which does not exist. "
                    "Export the CTF again from an up-to-date MIS."
                ),
                "CTFversion",
                {"found": version},
            )

    def _date_time(self) -> Iterator[Problem]:
        value = self.header.date_time
        if value is None:
            return
        moment = parse_datetime(value)
        if moment is None:
            yield self._problem(
                "header_datetime_invalid",
                gettext_noop(
                    "The date and time the CTF was made, %(found)s, is not a real "
                    "date and time written as YYYY-MM-DDThh:mm:ss. Export the CTF "
                    "again from your MIS."
                ),
                "DateTime",
                {"found": _shorten(value)},
            )
        elif moment.date() > self.today + HEADER_CLOCK_TOLERANCE:
            yield self._problem(
                "header_datetime_future",
                gettext_noop(
                    "The CTF says it was made on %(found)s, which is in the future. "
                    "The clock of the computer that made it may be wrong."
                ),
                "DateTime",
                {"found": value},
                Severity.WARNING,
            )

    def _qualifier(self) -> Iterator[Problem]:
        value = self.header.document_qualifier
        if value is not None and value not in DOCUMENT_QUALIFIERS:
            yield self._problem(
                "header_qualifier_invalid",
                gettext_noop(
                    "The CTF header says the file is %(found)s; it must say full or "
                    "partial. Export the CTF again from your MIS."
                ),
                "DocumentQualifier",
                {"found": _shorten(value)},
            )

    def _academic_year(self) -> Iterator[Problem]:
        value = self.header.source_school.academic_year
        if value is None:
            return
        plausible = (
            _ACADEMIC_YEAR.fullmatch(value) is not None
            and FIRST_ACADEMIC_YEAR <= int(value) <= self.today.year + 1
        )
        if not plausible:
            yield self._problem(
                "header_academic_year_invalid",
                gettext_noop(
                    "The academic year in the CTF header, %(found)s, is not a "
                    "plausible year (such as 2025). Export the CTF again from your MIS."
                ),
                "SourceSchool/AcademicYear",
                {"found": _shorten(value)},
            )

    def _schools(self) -> Iterator[Problem]:
        source = self.header.source_school
        dest = self.header.dest_school
        yield from self._school("SourceSchool", source.lea, source.estab)
        yield from self._school("DestSchool", dest.lea, dest.estab)

    def _school(
        self, block: str, lea: str | None, estab: str | None
    ) -> Iterator[Problem]:
        lea_ok = lea is None or _LEA.fullmatch(lea) is not None
        estab_ok = estab is None or _ESTAB.fullmatch(estab) is not None
        if not lea_ok:
            yield self._problem(
                "header_lea_invalid",
                gettext_noop(
                    "The LA number %(found)s in the CTF header (%(block)s) must be 3 "
                    "digits, or XXX when the school is not known."
                ),
                f"{block}/LEA",
                {"found": _shorten(lea or ""), "block": block},
            )
        if not estab_ok:
            yield self._problem(
                "header_estab_invalid",
                gettext_noop(
                    "The establishment number %(found)s in the CTF header (%(block)s) "
                    "must be 4 digits, or XXXX when the school is not known."
                ),
                f"{block}/Estab",
                {"found": _shorten(estab or ""), "block": block},
            )
        if lea and estab and lea_ok and estab_ok and not _pair_ok(block, lea, estab):
            yield self._problem(
                "header_school_inconsistent",
                gettext_noop(
                    "The school in the CTF header (%(block)s) is given as "
                    "%(lea)s/%(estab)s, which cannot be: use a real LA and "
                    "establishment number, XXX/XXXX when the school is not known, or "
                    "MMM/MMMM for a school outside the maintained sector."
                ),
                block,
                {"block": block, "lea": lea, "estab": estab},
            )


def _pair_ok(block: str, lea: str, estab: str) -> bool:
    if lea.isdigit():
        return estab.isdigit() or estab == "LLLL"
    if block == "SourceSchool":
        return (lea, estab) == ("XXX", "XXXX")
    return (lea, estab) in UNKNOWN_DESTINATIONS


def _academic_year(day: datetime.date) -> int:
    """The year in which the academic year containing ``day`` started."""
    return day.year if day.month >= ACADEMIC_YEAR_START_MONTH else day.year - 1


def _shorten(value: str) -> str:
    if len(value) <= MAX_VALUE_IN_MESSAGE_CHARS:
        return value
    return value[: MAX_VALUE_IN_MESSAGE_CHARS - 1] + "…"


# --- Pupil rules ------------------------------------------------------------------

_REQUIRED_PUPIL_FIELDS = (
    ("UPN", "upn"),
    ("Surname", "surname"),
    ("Forename", "forename"),
)


class _PupilRules:
    def __init__(
        self,
        pupil: Pupil,
        element: etree._Element,
        base: str,
        today: datetime.date,
        schema: list[_SchemaError],
    ) -> None:
        self.pupil = pupil
        self.element = element
        self.base = base
        self.today = today
        self.schema = schema
        self.flagged = {error.path for error in schema}
        self.explained: set[str] = set()

    def problems(self) -> Iterator[Problem]:
        yield from self._required()
        yield from self._identifiers()
        yield from self._dob()
        yield from self._sex()
        for error in self.schema:
            if error.path not in self.explained:
                yield _schema_problem(error, self.element, self.base)

    def _line(self, name: str) -> int | None:
        return _line_in(self.element, name)

    def _missing(self, name: str) -> Problem:
        return _problem(
            "pupil_field_missing",
            gettext_noop(
                "Pupil %(position)s (%(pupil)s) has no %(field)s. Add it to the "
                "pupil's record in your MIS and export the CTF again."
            ),
            {"position": self._position(), "pupil": self._who(), "field": name},
            line=line_of(self.element),
            path=f"{self.base}/{name}",
        )

    def _position(self) -> int:
        return int(self.base.rsplit("[", 1)[1].rstrip("]"))

    def _who(self) -> str:
        names = " ".join(n for n in (self.pupil.forename, self.pupil.surname) if n)
        return _shorten(names.strip() or self.pupil.upn or "?")

    def _required(self) -> Iterator[Problem]:
        for name, attribute in _REQUIRED_PUPIL_FIELDS:
            value = getattr(self.pupil, attribute)
            if value is None or not value.strip():
                self.explained.add(f"{self.base}/{name}")
                yield self._missing(name)

    def _identifiers(self) -> Iterator[Problem]:
        pupil = self.pupil
        checks = (
            ("UPN", pupil.upn, lambda value: validate_upn(value, field="UPN")),
            (
                "BasicDetails/FormerUPN",
                pupil.former_upn,
                lambda value: validate_upn(value, field="FormerUPN"),
            ),
            ("UniqueLearnerNumber", pupil.uln, validate_uln),
        )
        for name, value, check in checks:
            if value is None or not value.strip():
                continue
            path = f"{self.base}/{name}"
            misshapen = path in self.flagged
            found = check(value)
            if found and misshapen:
                self.explained.add(path)
            severity = Severity.ERROR if misshapen else Severity.WARNING
            for problem in found:
                yield replace(
                    problem,
                    severity=Severity.WARNING
                    if problem.severity == Severity.WARNING
                    else severity,
                    line=self._line(name),
                    path=path,
                )

    def _dob(self) -> Iterator[Problem]:
        path = f"{self.base}/DOB"
        if self.pupil.dob is None or not self.pupil.dob.strip():
            self.explained.add(path)
            yield self._missing("DOB")
            return
        born = parse_date(self.pupil.dob)
        if born is None or path in self.flagged:
            return
        age = _age(born, self.today)
        if born > self.today:
            yield self._dob_problem(
                "pupil_dob_future",
                gettext_noop(
                    "The date of birth of pupil %(position)s (%(pupil)s), %(dob)s, is "
                    "in the future. Correct it in your MIS and export the CTF again."
                ),
                Severity.ERROR,
            )
        elif not MIN_PUPIL_AGE_YEARS <= age <= MAX_PUPIL_AGE_YEARS:
            yield self._dob_problem(
                "pupil_dob_implausible",
                gettext_noop(
                    "Pupil %(position)s (%(pupil)s) was born on %(dob)s and so is "
                    "%(age)s years old, which is unusual for a pupil. Check the date "
                    "of birth."
                ),
                Severity.WARNING,
                age,
            )

    def _dob_problem(
        self, code: str, template: str, severity: Severity, age: int = 0
    ) -> Problem:
        params: dict[str, ParamValue] = {
            "position": self._position(),
            "pupil": self._who(),
            "dob": self.pupil.dob or "",
            "age": age,
        }
        return _problem(
            code,
            template,
            params,
            severity=severity,
            line=self._line("DOB"),
            path=f"{self.base}/DOB",
        )

    def _sex(self) -> Iterator[Problem]:
        element_name = self.pupil.sex_element
        path = f"{self.base}/{element_name}"
        if self.pupil.sex is None:
            self.explained.add(f"{self.base}/Sex")
            yield self._missing("Sex")
        elif self.pupil.sex == "U" and path not in self.flagged:
            yield _problem(
                "pupil_sex_not_known",
                gettext_noop(
                    "The sex of pupil %(position)s (%(pupil)s) is recorded as not "
                    "known (U). Record it in your MIS if you can."
                ),
                {"position": self._position(), "pupil": self._who()},
                severity=Severity.WARNING,
                line=self._line(element_name),
                path=path,
            )


def _age(born: datetime.date, today: datetime.date) -> int:
    had_birthday = (today.month, today.day) >= (born.month, born.day)
    return today.year - born.year - (0 if had_birthday else 1)


# --- Schema errors as problems ----------------------------------------------------


def _schema_problem(error: _SchemaError, root: etree._Element, base: str) -> Problem:
    value = _value_at(root, base, error.path)
    params: dict[str, ParamValue] = {
        "element": error.element,
        "value": value,
        "line": error.line or 0,
        "detail": error.detail,
    }
    code, template = _schema_message(error)
    return _problem(code, template, params, line=error.line, path=error.path)


def _schema_message(error: _SchemaError) -> tuple[str, str]:
    if error.content_model:
        return "ctf_layout", gettext_noop(
            "The CTF layout is wrong at line %(line)s, in %(element)s (%(detail)s). "
            "Export the CTF again from your MIS; if this keeps happening, contact "
            "your MIS supplier."
        )
    if error.element in DATE_ELEMENTS:
        return "date_invalid", gettext_noop(
            "The %(element)s on line %(line)s, %(value)s, is not a real date written "
            "as YYYY-MM-DD. Correct it in your MIS and export the CTF again."
        )
    if error.element in YES_NO_ELEMENTS:
        return "yes_no_invalid", gettext_noop(
            "The %(element)s on line %(line)s must be true or false, not %(value)s. "
            "Export the CTF again from your MIS."
        )
    if error.element in SEX_ELEMENTS:
        return "sex_invalid", gettext_noop(
            "The %(element)s on line %(line)s must be M or F (or U when not known), "
            "not %(value)s. Correct it in your MIS and export the CTF again."
        )
    if error.element in IDENTIFIER_ELEMENTS:
        return "identifier_invalid", gettext_noop(
            "The %(element)s on line %(line)s, %(value)s, is not written as it "
            "should be (capital letters and digits only, no spaces). Correct it in "
            "your MIS and export the CTF again."
        )
    return "ctf_value_invalid", gettext_noop(
        "The %(element)s on line %(line)s has a value that is not allowed "
        "(%(detail)s). Export the CTF again from your MIS; if this keeps happening, "
        "contact your MIS supplier."
    )


def _value_at(root: etree._Element, base: str, path: str) -> str:
    relative = path[len(base) :].lstrip("/")
    if not relative or not path.startswith(base):
        return ""
    try:
        found = root.xpath(relative)
    except etree.XPathError:
        return ""
    if isinstance(found, list) and found and isinstance(found[0], etree._Element):
        return _shorten(found[0].text or "")
    return ""
