"""Local authority numbers that may appear in characters 2 to 4 of a UPN.

The table is ``data/la_codes.csv``: the 3-digit numbers accepted by the DfE census
rule 1530 (post-April-1998 LA numbers and the "pseudo LA" numbers), plus the two
numbers DfE added later (942 Cumberland, 943 Westmorland and Furness). UPNs are
permanent, so superseded numbers (for example 909 Cumbria) stay valid.

``status`` is one of ``current``, ``superseded``, ``legacy`` (accepted by rule 1530
but no longer named by DfE) or ``pseudo`` (not a real authority: offshore, overseas
and the like). ``name`` is empty where no public source names the number.
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass
from importlib.resources import files

LA_CODES_RESOURCE = "data/la_codes.csv"


@dataclass(frozen=True)
class LaCode:
    code: str
    name: str
    nation: str
    status: str


@functools.cache
def all_la_codes() -> tuple[LaCode, ...]:
    """Every LA number in the packaged table, in the table's (numeric) order."""
    text = files("pontio.ctf").joinpath(LA_CODES_RESOURCE).read_text(encoding="utf-8")
    return tuple(
        LaCode(
            code=row["la_code"].strip(),
            name=row["la_name"].strip(),
            nation=row["nation"].strip(),
            status=row["status"].strip(),
        )
        for row in csv.DictReader(io.StringIO(text))
    )


@functools.cache
def _codes_by_number() -> dict[str, LaCode]:
    return {la.code: la for la in all_la_codes()}


def get_la_code(code: str) -> LaCode | None:
    """The LA with this exact 3-digit number (no trimming), or None."""
    return _codes_by_number().get(code)


def is_valid_la_code(code: str) -> bool:
    """Whether ``code`` is exactly one of the LA numbers a UPN may carry."""
    return code in _codes_by_number()
