"""Unique Learner Numbers (ULNs): 10 digits, the last a check digit.

The check digit follows the Learning Records Service rule as ESFA validation applies
it: the first nine digits are weighted 10, 9, ... 2 and summed; with ``r`` the sum
modulo 11, the check digit is ``10 - r``. When ``r`` is 0 no check digit exists,
so no ULN can start with those nine digits.

``9999999999`` is the placeholder ESFA uses when a learner's ULN is not known. It
fails the check digit, but it is a deliberate value rather than a mistake, so it is
accepted: ``validate_uln`` returns a single WARNING (``uln_temporary``) asking for
the real ULN, and ``is_valid_uln`` is True for it.
"""

from __future__ import annotations

import string

from pontio.ctf.problems import CTFError, Problem, Severity, gettext_noop

ULN_LENGTH = 10
TEMPORARY_ULN = "9999999999"
_MODULUS = 11
_DIGITS = frozenset(string.digits)


def _check_digit_or_none(first_nine: str) -> str | None:
    if len(first_nine) != ULN_LENGTH - 1 or not set(first_nine) <= _DIGITS:
        return None
    weights = range(ULN_LENGTH, 1, -1)  # 10, 9, ... 2
    total = sum(
        int(digit) * weight for digit, weight in zip(first_nine, weights, strict=True)
    )
    remainder = total % _MODULUS
    return None if remainder == 0 else str(10 - remainder)


def uln_check_digit(first_nine: str) -> str:
    """The check digit for the first nine digits of a ULN.

    CTFError ``uln_body_invalid`` if ``first_nine`` is not nine ASCII digits, and
    ``uln_no_check_digit`` if no ULN can start with them.
    """
    if len(first_nine) != ULN_LENGTH - 1 or not set(first_nine) <= _DIGITS:
        raise CTFError(
            "uln_body_invalid",
            gettext_noop("A ULN check digit needs exactly nine digits."),
        )
    digit = _check_digit_or_none(first_nine)
    if digit is None:
        raise CTFError(
            "uln_no_check_digit",
            gettext_noop("No ULN can start with the nine digits %(digits)s."),
            {"digits": first_nine},
        )
    return digit


def validate_uln(value: str) -> list[Problem]:
    """What is wrong with ``value`` as a ULN (trimmed first); empty if it is valid.

    ERRORs have code ``uln_format`` (not 10 digits) or ``uln_check_digit``; the
    placeholder ``9999999999`` gets the WARNING ``uln_temporary`` (see the module).
    """
    uln = value.strip()
    if uln == TEMPORARY_ULN:
        return [_temporary_problem()]
    if len(uln) != ULN_LENGTH or not set(uln) <= _DIGITS:
        return [_format_problem(len(uln))]
    expected = _check_digit_or_none(uln[:-1])
    if expected == uln[-1]:
        return []
    return [_check_digit_problem(expected, uln[-1])]


def is_valid_uln(value: str) -> bool:
    """Whether ``value`` has no ERROR (the placeholder ``9999999999`` is accepted)."""
    return all(problem.severity != Severity.ERROR for problem in validate_uln(value))


def is_temporary_uln(value: str) -> bool:
    """Whether ``value`` is the placeholder ULN ``9999999999``."""
    return value.strip() == TEMPORARY_ULN


def _temporary_problem() -> Problem:
    return Problem(
        "uln_temporary",
        gettext_noop(
            "The ULN 9999999999 is a placeholder used while a learner's real number "
            "is unknown. Replace it with the real ULN when you have it."
        ),
        severity=Severity.WARNING,
    )


def _format_problem(length: int) -> Problem:
    return Problem(
        "uln_format",
        gettext_noop(
            "The ULN must be exactly 10 digits, with no spaces or letters. Its "
            "length is %(length)s. Copy it again from the learner's record."
        ),
        {"length": length},
    )


def _check_digit_problem(expected: str | None, found: str) -> Problem:
    if expected is None:
        return Problem(
            "uln_check_digit",
            gettext_noop(
                "The ULN is not valid: no ULN can start with these nine digits, so "
                "one of them has probably been mistyped. Check it against the "
                "learner's record."
            ),
        )
    return Problem(
        "uln_check_digit",
        gettext_noop(
            "The ULN is not valid: its last digit should be %(expected)s, not "
            "%(found)s. One of its digits has probably been mistyped: check it "
            "against the learner's record."
        ),
        {"expected": expected, "found": found},
    )
