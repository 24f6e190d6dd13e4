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
Only an unreadable path raises ``OSError``. The header's rules are in
:mod:`pontio.ctf.header_rules`, each pupil's in :mod:`pontio.ctf.pupil_rules` and
the schema's in :mod:`pontio.ctf.xsd`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from pontio.ctf.checks import MAX_VALUE_IN_MESSAGE_CHARS, line_in, problem
from pontio.ctf.header_rules import (
    ACADEMIC_YEAR_START_MONTH,
    DOCUMENT_NAME,
    DOCUMENT_QUALIFIERS,
    FIRST_ACADEMIC_YEAR,
    HEADER_CLOCK_TOLERANCE,
    HEADER_REQUIRED,
    OLDEST_CTF_VERSION,
    UNKNOWN_DESTINATIONS,
    header_problems,
)
from pontio.ctf.models import Header, Pupil, PupilSummary
from pontio.ctf.problems import CTFError, Problem, Severity, gettext_noop
from pontio.ctf.pupil_rules import (
    MAX_PUPIL_AGE_YEARS,
    MIN_PUPIL_AGE_YEARS,
    pupil_problems,
)
from pontio.ctf.reader import PUPIL_PATH, CTFReader, Source, iter_ctf
from pontio.ctf.xsd import (
    DATE_ELEMENTS,
    IDENTIFIER_ELEMENTS,
    SCHEMA_RESOURCE,
    SEX_ELEMENTS,
    YES_NO_ELEMENTS,
    ctf_schema,
    schema_errors,
    schema_problem,
)

__all__ = [
    "ACADEMIC_YEAR_START_MONTH",
    "DATE_ELEMENTS",
    "DOCUMENT_NAME",
    "DOCUMENT_QUALIFIERS",
    "FIRST_ACADEMIC_YEAR",
    "HEADER_CLOCK_TOLERANCE",
    "HEADER_REQUIRED",
    "IDENTIFIER_ELEMENTS",
    "MAX_PUPIL_AGE_YEARS",
    "MAX_VALUE_IN_MESSAGE_CHARS",
    "MIN_PUPIL_AGE_YEARS",
    "OLDEST_CTF_VERSION",
    "SCHEMA_RESOURCE",
    "SEX_ELEMENTS",
    "UNKNOWN_DESTINATIONS",
    "YES_NO_ELEMENTS",
    "ValidationReport",
    "ctf_schema",
    "validate_ctf",
]

HEADER_PATH = "/CTfile/Header"


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
        found = header_problems(reader.header, element, self.today)
        missing = any(p.code == "header_field_missing" for p in found)
        paths = {p.path for p in found}
        for error in schema_errors(element, HEADER_PATH):
            if error.path in paths or (missing and error.content_model):
                continue
            found.append(schema_problem(error, element, HEADER_PATH))
        self.problems.extend(found)

    def pupil(self, index: int, element: etree._Element, pupil: Pupil) -> None:
        self.pupil_count = index
        self.summaries.append(pupil.summary())
        schema = schema_errors(element, f"{PUPIL_PATH}[{index}]")
        self.problems.extend(pupil_problems(pupil, element, index, self.today, schema))
        self._check_unique_upn(pupil, element, index)

    def _check_unique_upn(
        self, pupil: Pupil, element: etree._Element, index: int
    ) -> None:
        upn = (pupil.upn or "").strip().upper()
        if not upn:
            return
        first = self.upns.setdefault(upn, index)
        if first != index:
            self.problems.append(
                problem(
                    "upn_duplicate",
                    gettext_noop(
                        "The UPN %(upn)s is given to two pupils in this file (pupils "
                        "%(first)s and %(second)s). Each pupil must have their own "
                        "UPN: correct the records in your MIS and export again."
                    ),
                    {"upn": upn, "first": first, "second": index},
                    line=line_in(element, "UPN"),
                    path=f"{PUPIL_PATH}[{index}]/UPN",
                )
            )

    def whole_file(self) -> None:
        header = self.header_model
        if header is None or self.broken:
            return
        if self.pupil_count == 0:
            self.problems.append(
                problem(
                    "ctf_no_pupils",
                    gettext_noop(
                        "This CTF holds no pupils. Export it again from your MIS and "
                        "choose the pupils to send."
                    ),
                    path="/CTfile/CTFpupilData",
                )
            )
        if self.pupil_count > 1:
            self._check_lost_pupil_file(header)

    def _check_lost_pupil_file(self, header: Header) -> None:
        destination = (header.dest_school.lea, header.dest_school.estab)
        if destination not in UNKNOWN_DESTINATIONS:
            return
        self.problems.append(
            problem(
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
