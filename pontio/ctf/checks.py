"""Small helpers shared by the validator's checks: problems, places and values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from lxml import etree

from pontio.ctf.problems import ParamValue, Problem, Severity

MAX_VALUE_IN_MESSAGE_CHARS = 40


def problem(
    code: str,
    template: str,
    params: Mapping[str, ParamValue] | None = None,
    *,
    severity: Severity = Severity.ERROR,
    line: int | None = None,
    path: str | None = None,
) -> Problem:
    """A problem with its parameters copied, so the caller's mapping stays its own."""
    return Problem(code, template, dict(params or {}), severity, line, path)


def line_of(element: etree._Element) -> int | None:
    """The line where ``element`` starts in the file."""
    return cast(int | None, element.sourceline)


def line_in(element: etree._Element, path: str) -> int | None:
    """The line of ``element``'s descendant at ``path``, or of ``element`` itself."""
    found = element.find(path)
    return line_of(found if found is not None else element)


def shorten(value: str) -> str:
    """``value`` cut to a length that fits in a message."""
    if len(value) <= MAX_VALUE_IN_MESSAGE_CHARS:
        return value
    return value[: MAX_VALUE_IN_MESSAGE_CHARS - 1] + "…"
