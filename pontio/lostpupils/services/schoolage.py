"""Compulsory school age: when a lost pupil's record is no longer kept.

A pupil is of compulsory school age until the last Friday in June of the
school year (September to August) in which they turn 16; the day after, their
record leaves the Lost Pupil Database (seed 002 section 1.3).
"""

from __future__ import annotations

import datetime

FRIDAY = 4
LEAVING_AGE_YEARS = 16
SCHOOL_YEAR_FIRST_MONTH = 9  # September


def last_friday_in_june(year: int) -> datetime.date:
    """Return the last Friday in June of ``year``."""
    june_30 = datetime.date(year, 6, 30)
    return june_30 - datetime.timedelta(days=(june_30.weekday() - FRIDAY) % 7)


def compulsory_school_age_ends(date_of_birth: datetime.date) -> datetime.date:
    """Return the last day a pupil born on ``date_of_birth`` is of school age."""
    # Turning 16 in September to December falls in the school year ending the
    # following June; January to August, in the one ending that June.
    year = date_of_birth.year + LEAVING_AGE_YEARS
    if date_of_birth.month >= SCHOOL_YEAR_FIRST_MONTH:
        year += 1
    return last_friday_in_june(year)


def is_past_compulsory_school_age(
    date_of_birth: datetime.date, today: datetime.date
) -> bool:
    """Tell whether a pupil born on ``date_of_birth`` is past school age ``today``."""
    return today > compulsory_school_age_ends(date_of_birth)


def past_school_age_if_born_before(today: datetime.date) -> datetime.date:
    """Return the date of birth before which every pupil is past school age today.

    The same rule as ``is_past_compulsory_school_age``, as one bound a query can
    use: the last leaving day already passed ends the school year of those born
    from 1 September sixteen years before its start.
    """
    year = today.year if today > last_friday_in_june(today.year) else today.year - 1
    return datetime.date(year - LEAVING_AGE_YEARS, SCHOOL_YEAR_FIRST_MONTH, 1)
