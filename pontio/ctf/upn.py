"""Unique Pupil Numbers (UPNs): validation by the DfE rules, and allocation.

A UPN has 13 characters::

    H 801 2000 01 001     permanent: check letter, LA, establishment, year, serial
    G 801 2000 01 01A     temporary: the serial is 2 digits and a letter

The check letter is the sum of (value x position) over characters 2 to 13, modulo
23, looked up in ``ALPHABET`` (A to Z without I, O and S). A digit's value is the
digit; the letter ending a temporary UPN is worth its index in ``ALPHABET``.

``validate_upn`` applies the DfE census rules that concern one UPN on its own:
1510 (check letter), 1530 (LA number), 1540 (characters 5 to 12 numeric) and 1550
(character 13). Uniqueness across pupils (rule 1520) is the CTF validator's job.
"""

from __future__ import annotations

import string

from pontio.ctf.lacodes import is_valid_la_code
from pontio.ctf.problems import CTFError, Problem, gettext_noop

ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"
UPN_LENGTH = 13
BODY_LENGTH = 12
MAX_PERMANENT_SERIAL = 999
# Temporary serial n is written as the 2 digits n // 23 and the letter ALPHABET[n % 23].
MAX_TEMPORARY_SERIAL = 100 * len(ALPHABET) - 1
MAX_YEAR = 99
SCHOOL_NUMBER_LENGTH = 4

# Only ASCII digits count: str.isdigit() also accepts "²" and other scripts' digits.
_DIGITS = frozenset(string.digits)
_ASCII_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)


def normalise_upn(value: str) -> str:
    """Trim surrounding white space and upper-case ASCII letters (nothing else)."""
    return value.strip().translate(_ASCII_UPPER)


def _all_digits(text: str) -> bool:
    return all(char in _DIGITS for char in text)


def _body_values(body: str) -> list[int] | None:
    """The value of each body character, or None if the check letter is undefined."""
    if len(body) != BODY_LENGTH or not _all_digits(body[:-1]):
        return None
    last = body[-1]
    if last in _DIGITS:
        last_value = int(last)
    elif last in ALPHABET:
        last_value = ALPHABET.index(last)
    else:
        return None
    return [int(char) for char in body[:-1]] + [last_value]


def _check_letter_or_none(body: str) -> str | None:
    values = _body_values(body)
    if values is None:
        return None
    # Weights are the character positions in the whole UPN: 2 to 13.
    total = sum(value * position for position, value in enumerate(values, start=2))
    return ALPHABET[total % len(ALPHABET)]


def check_letter(body: str) -> str:
    """The check letter for the 12 characters that follow it in a UPN.

    ``body`` must be 11 digits then a digit or a letter of ``ALPHABET`` (ASCII
    letters are upper-cased first); otherwise CTFError ``upn_body_invalid``.
    """
    letter = _check_letter_or_none(body.translate(_ASCII_UPPER))
    if letter is None:
        raise CTFError(
            "upn_body_invalid",
            gettext_noop(
                "A check letter needs 12 characters: 11 digits, then a digit or a "
                "capital letter other than I, O or S."
            ),
        )
    return letter


def validate_upn(value: str, *, field: str = "UPN") -> list[Problem]:
    """Every DfE rule ``value`` breaks, one ERROR each; an empty list if it is valid.

    The value is trimmed and its ASCII letters upper-cased first (``normalise_upn``),
    as DfE validation does. ``field`` names the element in the messages (``UPN`` or
    ``FormerUPN``). A UPN that is not 13 characters long gets only ``upn_length``:
    its other characters cannot be told apart. The check letter (1510) is checked
    only when it can be computed; when it cannot, 1530, 1540 or 1550 says why.
    """
    upn = normalise_upn(value)
    if len(upn) != UPN_LENGTH:
        return [_length_problem(field, len(upn))]
    problems = [
        problem
        for problem in (
            _check_letter_problem(upn, field),
            _la_problem(upn, field),
            _numeric_problem(upn, field),
            _last_character_problem(upn, field),
        )
        if problem is not None
    ]
    return problems


def _length_problem(field: str, length: int) -> Problem:
    return Problem(
        "upn_length",
        gettext_noop(
            "The %(field)s must be exactly 13 characters long: a letter, 11 digits, "
            "then a digit or a letter. Its length is %(length)s. Copy it again from "
            "the pupil's record."
        ),
        {"field": field, "length": length},
    )


def _check_letter_problem(upn: str, field: str) -> Problem | None:
    expected = _check_letter_or_none(upn[1:])
    if expected is None or upn[0] == expected:
        return None
    return Problem(
        "upn_1510",
        gettext_noop(
            "The %(field)s is not valid: its first character should be %(expected)s, "
            "not %(found)s (DfE rule 1510). One of its characters has probably been "
            "mistyped: check the whole number against the pupil's record."
        ),
        {"field": field, "expected": expected, "found": upn[0]},
    )


def _la_problem(upn: str, field: str) -> Problem | None:
    la = upn[1:4]
    if is_valid_la_code(la):
        return None
    return Problem(
        "upn_1530",
        gettext_noop(
            "The %(field)s is not valid: characters 2 to 4 (%(found)s) are not a "
            "recognised local authority number (DfE rule 1530). Check the number "
            "against the pupil's record."
        ),
        {"field": field, "found": la},
    )


def _numeric_problem(upn: str, field: str) -> Problem | None:
    if _all_digits(upn[4:12]):
        return None
    return Problem(
        "upn_1540",
        gettext_noop(
            "The %(field)s is not valid: characters 5 to 12 must all be digits from "
            "0 to 9, but they are %(found)s (DfE rule 1540)."
        ),
        {"field": field, "found": upn[4:12]},
    )


def _last_character_problem(upn: str, field: str) -> Problem | None:
    last = upn[12]
    if last in _DIGITS or last in ALPHABET:
        return None
    return Problem(
        "upn_1550",
        gettext_noop(
            "The %(field)s is not valid: its last character must be a digit or a "
            "capital letter other than I, O or S, but it is %(found)s (DfE rule "
            "1550)."
        ),
        {"field": field, "found": last},
    )


def is_valid_upn(value: str) -> bool:
    """Whether ``value`` (trimmed, upper-cased) passes every ``validate_upn`` rule."""
    return not validate_upn(value)


def is_temporary_upn(value: str) -> bool:
    """Whether ``value`` is a valid UPN ending in a letter (a temporary UPN)."""
    return is_valid_upn(value) and normalise_upn(value)[-1] in ALPHABET


def make_upn(*, la: str, estab: str, year: int, serial: int) -> str:
    """A permanent UPN: LA, establishment, 2-digit year and serial 0 to 999.

    ``year`` is the calendar year in which the academic year of allocation starts,
    as its last two digits (0 to 99).
    """
    _check_allocation(la, estab, year)
    _check_serial(serial, MAX_PERMANENT_SERIAL)
    body = f"{la}{estab}{year:02d}{serial:03d}"
    return check_letter(body) + body


def make_temporary_upn(*, la: str, estab: str, year: int, serial: int) -> str:
    """A temporary UPN: as ``make_upn``, but ending in 2 digits and a letter.

    Serial numbers 0 to 2299 map in order onto 00A, 00B ... 00Z, 01A ... 99Z: the
    digits are ``serial // 23`` and the letter is ``ALPHABET[serial % 23]``.
    """
    _check_allocation(la, estab, year)
    _check_serial(serial, MAX_TEMPORARY_SERIAL)
    tens, letter_index = divmod(serial, len(ALPHABET))
    body = f"{la}{estab}{year:02d}{tens:02d}{ALPHABET[letter_index]}"
    return check_letter(body) + body


def _check_allocation(la: str, estab: str, year: int) -> None:
    if not is_valid_la_code(la):
        raise CTFError(
            "upn_la_unknown",
            gettext_noop(
                "%(la)s is not a recognised local authority number: use the "
                "3-digit number of the authority, for example 681."
            ),
            {"la": la},
        )
    if len(estab) != SCHOOL_NUMBER_LENGTH or not _all_digits(estab):
        raise CTFError(
            "upn_estab_invalid",
            gettext_noop(
                "The school number must be 4 digits, for example 2003 (it is "
                "%(estab)s)."
            ),
            {"estab": estab},
        )
    if type(year) is not int or not 0 <= year <= MAX_YEAR:
        raise CTFError(
            "upn_year_invalid",
            gettext_noop(
                "The year must be the last two digits of the year, from 0 to 99 "
                "(it is %(year)s)."
            ),
            {"year": str(year)},
        )


def _check_serial(serial: int, maximum: int) -> None:
    if type(serial) is not int or not 0 <= serial <= maximum:
        raise CTFError(
            "upn_serial_invalid",
            gettext_noop(
                "The serial number must be a whole number from 0 to %(maximum)s (it "
                "is %(serial)s)."
            ),
            {"serial": str(serial), "maximum": maximum},
        )
