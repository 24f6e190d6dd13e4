"""The rules for a CTF header that the schema cannot say."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Mapping

from lxml import etree

from pontio.ctf.checks import line_in, problem, shorten
from pontio.ctf.models import Header, parse_datetime
from pontio.ctf.problems import ParamValue, Problem, Severity, gettext_noop

DOCUMENT_NAME = "Common Transfer File"
DOCUMENT_QUALIFIERS = ("full", "partial")
# CTF 9 (2009) is the oldest version with a published schema.
OLDEST_CTF_VERSION = 9
FIRST_ACADEMIC_YEAR = 2000
ACADEMIC_YEAR_START_MONTH = 9
# How far ahead of today a header DateTime may be (clocks and time zones differ).
HEADER_CLOCK_TOLERANCE = datetime.timedelta(days=1)
UNKNOWN_DESTINATIONS = (("XXX", "XXXX"), ("MMM", "MMMM"))

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


def header_problems(
    header: Header, element: etree._Element, today: datetime.date
) -> list[Problem]:
    """What is wrong with the header, beyond what the schema finds."""
    return list(HeaderRules(header, element, today).problems())


class HeaderRules:
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
        return line_in(self.element, name)

    def _problem(
        self,
        code: str,
        template: str,
        name: str,
        params: Mapping[str, ParamValue] | None = None,
        severity: Severity = Severity.ERROR,
    ) -> Problem:
        return problem(
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
                {"found": shorten(name)},
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
                {"found": shorten(version)},
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
                {"found": shorten(value)},
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
                {"found": shorten(value)},
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
                {"found": shorten(value)},
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
            yield self._number_problem("header_lea_invalid", block, "LEA", lea)
        if not estab_ok:
            yield self._number_problem("header_estab_invalid", block, "Estab", estab)
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

    def _number_problem(
        self, code: str, block: str, name: str, found: str | None
    ) -> Problem:
        return self._problem(
            code,
            _NUMBER_MESSAGES[code],
            f"{block}/{name}",
            {"found": shorten(found or ""), "block": block},
        )


_NUMBER_MESSAGES = {
    "header_lea_invalid": gettext_noop(
        "The LA number %(found)s in the CTF header (%(block)s) must be 3 "
        "digits, or XXX when the school is not known."
    ),
    "header_estab_invalid": gettext_noop(
        "The establishment number %(found)s in the CTF header (%(block)s) "
        "must be 4 digits, or XXXX when the school is not known."
    ),
}


def _pair_ok(block: str, lea: str, estab: str) -> bool:
    if lea.isdigit():
        return estab.isdigit() or estab == "LLLL"
    if block == "SourceSchool":
        return (lea, estab) == ("XXX", "XXXX")
    return (lea, estab) in UNKNOWN_DESTINATIONS


def _academic_year(day: datetime.date) -> int:
    """The year in which the academic year containing ``day`` started."""
    return day.year if day.month >= ACADEMIC_YEAR_START_MONTH else day.year - 1
