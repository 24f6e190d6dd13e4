"""Attendance and stage assessments for synthetic pupils (see ``synthetic``).

The assessments follow the statutory ones of each nation as a CTF carries them:
in England the early years profile (EYF), key stage 1 teacher assessment, the
multiplication tables check and the key stage 2 tests; in Wales the Foundation
Phase outcomes and key stage 2 and 3 teacher assessment levels.
"""

from __future__ import annotations

import datetime
import random

from pontio.ctf.models import KeyStage, SchoolHistoryEntry, StageAssessment, YearData

SESSIONS_PER_YEAR = 380
ATTENDANCE_YEARS = 4
WEEKDAYS_PER_WEEK = 5
DAYS_PER_WEEK = 7
SESSIONS_PER_DAY = 2

# (years after the reception year, stage, [(subject, method, component, results)])
_ENGLAND = (
    (
        1,
        "EYF",
        [
            ("COM", "FA", "G01", ("1", "2", "2", "2", "3")),
            ("LIT", "FA", "G09", ("1", "2", "2", "3")),
            ("MAT", "FA", "G11", ("1", "2", "2", "3")),
        ],
    ),
    (
        3,
        "KS1",
        [
            ("ENG", "TA", "RE", ("WTS", "EXS", "EXS", "GDS")),
            ("ENG", "TA", "WR", ("WTS", "EXS", "EXS", "GDS")),
            ("MAT", "TA", "MAT", ("WTS", "EXS", "EXS", "GDS")),
            ("SCI", "TA", "SCI", ("HNM", "EXS", "EXS")),
        ],
    ),
    (5, "KS2", [("MAT", "TT", "MTC", tuple(str(score) for score in range(10, 26)))]),
    (
        7,
        "KS2",
        [
            ("ENG", "TT", "RE", tuple(str(score) for score in range(92, 118))),
            ("ENG", "TT", "GPS", tuple(str(score) for score in range(92, 118))),
            ("MAT", "TT", "MAT", tuple(str(score) for score in range(92, 118))),
        ],
    ),
)
_WALES = (
    (
        3,
        "FP",
        [
            ("LCW", "TA", "FPO", ("O4", "O5", "O5", "O6")),
            ("MDT", "TA", "FPO", ("O4", "O5", "O5", "O6")),
            ("PSD", "TA", "FPO", ("O5", "O5", "O6")),
        ],
    ),
    (
        7,
        "KS2",
        [
            ("CYM", "TA", "NCL", ("3", "4", "4", "5")),
            ("ENG", "TA", "NCL", ("3", "4", "4", "5")),
            ("MAT", "TA", "NCL", ("3", "4", "4", "5")),
            ("SCI", "TA", "NCL", ("3", "4", "4", "5")),
        ],
    ),
    (
        10,
        "KS3",
        [
            ("CYM", "TA", "NCL", ("4", "5", "5", "6", "7")),
            ("ENG", "TA", "NCL", ("4", "5", "5", "6", "7")),
            ("MAT", "TA", "NCL", ("4", "5", "6", "6", "7")),
        ],
    ),
)
_QUALIFIERS = {"FA": "FD", "TA": "NC", "TT": "SS"}


def stage_assessments_for(
    rng: random.Random, nc_year: int, academic_year: int, *, welsh: bool
) -> tuple[KeyStage, ...]:
    """The assessments a pupil now in year ``nc_year`` has taken so far."""
    reception_year = academic_year - nc_year
    stages: list[KeyStage] = []
    for after, stage, subjects in _WALES if welsh else _ENGLAND:
        if nc_year < after:
            continue
        year = reception_year + after
        taken = datetime.date(year, 6, rng.randint(5, 28)).isoformat()
        assessments = tuple(
            StageAssessment(
                locale="WAL" if welsh else "ENG",
                year=str(year),
                subject=subject,
                method=method,
                component=component,
                result_status="R",
                result_qualifier="MT" if component == "MTC" else _QUALIFIERS[method],
                result=results[rng.randrange(len(results))],
                result_date=taken,
            )
            for subject, method, component, results in subjects
        )
        stages.append(KeyStage(stage=stage, assessments=assessments))
    return tuple(stages)


def attendance_for(
    rng: random.Random,
    history: tuple[SchoolHistoryEntry, ...],
    today: datetime.date,
    academic_year: int,
) -> tuple[YearData, ...]:
    """A YearData for each of the last few years, at the school attended then."""
    first = min(_year_of(entry.entry_date) for entry in history)
    years = range(max(first, academic_year - ATTENDANCE_YEARS + 1), academic_year + 1)
    data = []
    for year in years:
        school = _school_in(history, year)
        possible = _sessions_possible(year, today)
        if possible <= 0:
            continue
        absent = min(possible, int(rng.expovariate(1 / 12)))
        unauthorised = rng.randint(0, absent // 4) if absent else 0
        data.append(
            YearData(
                year=str(year),
                lea=school.lea,
                estab=school.estab,
                urn=school.urn,
                school_name=school.school_name,
                sessions_possible=str(possible),
                sessions_authorised=str(absent - unauthorised),
                sessions_attended=str(possible - absent),
                sessions_unauthorised=str(unauthorised),
            )
        )
    return tuple(data)


def _year_of(date_text: str | None) -> int:
    """The academic year (its starting calendar year) of a YYYY-MM-DD date."""
    date = datetime.date.fromisoformat(date_text or "2000-09-01")
    return date.year if date.month >= 9 else date.year - 1


def _school_in(
    history: tuple[SchoolHistoryEntry, ...], year: int
) -> SchoolHistoryEntry:
    for entry in history:  # the most recent school first
        if _year_of(entry.entry_date) <= year:
            return entry
    return history[-1]


def _sessions_possible(year: int, today: datetime.date) -> int:
    start = datetime.date(year, 9, 1)
    end = min(datetime.date(year + 1, 7, 20), today)
    if end <= start:
        return 0
    weeks = (end - start).days / DAYS_PER_WEEK
    return min(
        SESSIONS_PER_YEAR, int(weeks * WEEKDAYS_PER_WEEK * SESSIONS_PER_DAY * 0.92)
    )
