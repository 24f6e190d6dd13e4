"""Pontio's CTF schema: compiled once per thread, its complaints turned into problems.

The schema says what the layout and the value formats must be; each of its
complaints becomes a problem whose code says what kind of value is wrong (a date,
a yes/no flag, a sex, an identifier) or that the layout itself is wrong.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files
from typing import cast

from lxml import etree

from pontio.ctf.checks import problem, shorten
from pontio.ctf.problems import ParamValue, Problem, gettext_noop

SCHEMA_RESOURCE = "schema/ctf.xsd"
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
class SchemaError:
    """One complaint of the schema, placed in the whole file."""

    path: str
    line: int | None
    element: str
    content_model: bool
    detail: str


def schema_errors(element: etree._Element, base: str) -> list[SchemaError]:
    """What the schema finds wrong in ``element``, with paths below ``base``."""
    schema = ctf_schema()
    if schema.validate(element):
        return []
    root = "/" + str(element.tag)
    entries = cast("Iterable[etree._LogEntry]", schema.error_log)
    return [_schema_error(entry, root, base) for entry in entries]


def _schema_error(entry: etree._LogEntry, root: str, base: str) -> SchemaError:
    path = entry.path or root
    path = base + path[len(root) :] if path.startswith(root) else base
    return SchemaError(
        path=path,
        line=entry.line or None,
        element=path.rsplit("/", 1)[-1].split("[", 1)[0],
        content_model=entry.type_name.startswith("SCHEMAV_ELEMENT_CONTENT"),
        detail=entry.message,
    )


def schema_problem(error: SchemaError, root: etree._Element, base: str) -> Problem:
    """The problem to report for one complaint of the schema about ``root``."""
    params: dict[str, ParamValue] = {
        "element": error.element,
        "value": _value_at(root, base, error.path),
        "line": error.line or 0,
        "detail": error.detail,
    }
    code, template = _schema_message(error)
    return problem(code, template, params, line=error.line, path=error.path)


def _schema_message(error: SchemaError) -> tuple[str, str]:
    if error.content_model:
        return "ctf_layout", gettext_noop(
            "The CTF layout is wrong at line %(line)s, in %(element)s (%(detail)s). "
            "Export the CTF again from your MIS; if this keeps happening, contact "
            "your MIS supplier."
        )
    for names, code, template in _VALUE_MESSAGES:
        if error.element in names:
            return code, template
    return "ctf_value_invalid", gettext_noop(
        "The %(element)s on line %(line)s has a value that is not allowed "
        "(%(detail)s). Export the CTF again from your MIS; if this keeps happening, "
        "contact your MIS supplier."
    )


_VALUE_MESSAGES = (
    (
        DATE_ELEMENTS,
        "date_invalid",
        gettext_noop(
            "The %(element)s on line %(line)s, %(value)s, is not a real date written "
            "as YYYY-MM-DD. Correct it in your MIS and export the CTF again."
        ),
    ),
    (
        YES_NO_ELEMENTS,
        "yes_no_invalid",
        gettext_noop(
            "The %(element)s on line %(line)s must be true or false, not %(value)s. "
            "Export the CTF again from your MIS."
        ),
    ),
    (
        SEX_ELEMENTS,
        "sex_invalid",
        gettext_noop(
            "The %(element)s on line %(line)s must be M or F (or U when not known), "
            "not %(value)s. Correct it in your MIS and export the CTF again."
        ),
    ),
    (
        IDENTIFIER_ELEMENTS,
        "identifier_invalid",
        gettext_noop(
            "The %(element)s on line %(line)s, %(value)s, is not written as it "
            "should be (capital letters and digits only, no spaces). Correct it in "
            "your MIS and export the CTF again."
        ),
    ),
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
        return shorten(found[0].text or "")
    return ""
