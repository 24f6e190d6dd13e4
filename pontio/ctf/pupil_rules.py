"""The rules for one pupil that the schema cannot say.

A pupil must have a UPN, names, a date of birth and a sex. An identifier that the
schema already finds misshapen is an ERROR; one with the right shape but a wrong
check character is a WARNING. A pupil's age on the day of validation should be
between ``MIN_PUPIL_AGE_YEARS`` (nursery) and ``MAX_PUPIL_AGE_YEARS`` (the oldest
learners with an education, health and care plan); outside that range is a WARNING.

A schema complaint that a rule here already explains (a missing UPN, a misshapen
identifier) is not reported twice.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import replace

from lxml import etree

from pontio.ctf.checks import line_in, line_of, problem, shorten
from pontio.ctf.models import Pupil, parse_date
from pontio.ctf.problems import ParamValue, Problem, Severity, gettext_noop
from pontio.ctf.uln import validate_uln
from pontio.ctf.upn import validate_upn
from pontio.ctf.xsd import SchemaError, schema_problem

MIN_PUPIL_AGE_YEARS = 2
MAX_PUPIL_AGE_YEARS = 25

_REQUIRED_PUPIL_FIELDS = (
    ("UPN", "upn"),
    ("Surname", "surname"),
    ("Forename", "forename"),
)


def _check_upn(value: str) -> list[Problem]:
    return validate_upn(value, field="UPN")


def _check_former_upn(value: str) -> list[Problem]:
    return validate_upn(value, field="FormerUPN")


Check = Callable[[str], list[Problem]]
# (element path below the pupil, the pupil's attribute, its check)
_IDENTIFIERS: tuple[tuple[str, str, Check], ...] = (
    ("UPN", "upn", _check_upn),
    ("BasicDetails/FormerUPN", "former_upn", _check_former_upn),
    ("UniqueLearnerNumber", "uln", validate_uln),
)


def pupil_problems(
    pupil: Pupil,
    element: etree._Element,
    position: int,
    today: datetime.date,
    schema: list[SchemaError],
) -> list[Problem]:
    """What is wrong with one pupil: the rules first, then the schema's complaints."""
    return PupilRules(pupil, element, position, today, schema).problems()


class PupilRules:
    """The checks of one pupil, and the schema complaints they explain."""

    def __init__(
        self,
        pupil: Pupil,
        element: etree._Element,
        position: int,
        today: datetime.date,
        schema: list[SchemaError],
    ) -> None:
        self.pupil = pupil
        self.element = element
        self.position = position
        self.base = f"/CTfile/CTFpupilData/Pupil[{position}]"
        self.today = today
        self.schema = schema
        self.flagged = {error.path for error in schema}
        self.explained: set[str] = set()
        self.found: list[Problem] = []

    def problems(self) -> list[Problem]:
        self._required()
        for name, attribute, check in _IDENTIFIERS:
            self._identifier(name, getattr(self.pupil, attribute), check)
        self._dob()
        self._sex()
        for error in self.schema:
            if error.path not in self.explained:
                self.found.append(schema_problem(error, self.element, self.base))
        return self.found

    def _missing(self, name: str) -> None:
        self.explained.add(f"{self.base}/{name}")
        self.found.append(
            problem(
                "pupil_field_missing",
                gettext_noop(
                    "Pupil %(position)s (%(pupil)s) has no %(field)s. Add it to the "
                    "pupil's record in your MIS and export the CTF again."
                ),
                {"position": self.position, "pupil": self._who(), "field": name},
                line=line_of(self.element),
                path=f"{self.base}/{name}",
            )
        )

    def _who(self) -> str:
        names = " ".join(n for n in (self.pupil.forename, self.pupil.surname) if n)
        return shorten(names.strip() or self.pupil.upn or "?")

    def _required(self) -> None:
        for name, attribute in _REQUIRED_PUPIL_FIELDS:
            value = getattr(self.pupil, attribute)
            if value is None or not value.strip():
                self._missing(name)

    def _identifier(self, name: str, value: str | None, check: Check) -> None:
        if value is None or not value.strip():
            return
        found = check(value)
        if not found:
            return
        path = f"{self.base}/{name}"
        misshapen = path in self.flagged
        if misshapen:
            self.explained.add(path)
        severity = Severity.ERROR if misshapen else Severity.WARNING
        line = line_in(self.element, name)
        for each in found:
            kept = Severity.WARNING if each.severity == Severity.WARNING else severity
            self.found.append(replace(each, severity=kept, line=line, path=path))

    def _dob(self) -> None:
        dob = self.pupil.dob
        if dob is None or not dob.strip():
            self._missing("DOB")
            return
        born = parse_date(dob)
        if born is None or f"{self.base}/DOB" in self.flagged:
            return
        if born > self.today:
            self._dob_problem(
                "pupil_dob_future",
                gettext_noop(
                    "The date of birth of pupil %(position)s (%(pupil)s), %(dob)s, is "
                    "in the future. Correct it in your MIS and export the CTF again."
                ),
                Severity.ERROR,
            )
            return
        age = _age(born, self.today)
        if not MIN_PUPIL_AGE_YEARS <= age <= MAX_PUPIL_AGE_YEARS:
            self._dob_problem(
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
    ) -> None:
        params: dict[str, ParamValue] = {
            "position": self.position,
            "pupil": self._who(),
            "dob": self.pupil.dob or "",
            "age": age,
        }
        self.found.append(
            problem(
                code,
                template,
                params,
                severity=severity,
                line=line_in(self.element, "DOB"),
                path=f"{self.base}/DOB",
            )
        )

    def _sex(self) -> None:
        element_name = self.pupil.sex_element
        path = f"{self.base}/{element_name}"
        if self.pupil.sex is None:
            self._missing("Sex")
        elif self.pupil.sex == "U" and path not in self.flagged:
            self.found.append(
                problem(
                    "pupil_sex_not_known",
                    gettext_noop(
                        "The sex of pupil %(position)s (%(pupil)s) is recorded as "
                        "not known (U). Record it in your MIS if you can."
                    ),
                    {"position": self.position, "pupil": self._who()},
                    severity=Severity.WARNING,
                    line=line_in(self.element, element_name),
                    path=path,
                )
            )


def _age(born: datetime.date, today: datetime.date) -> int:
    had_birthday = (today.month, today.day) >= (born.month, born.day)
    return today.year - born.year - (0 if had_birthday else 1)
