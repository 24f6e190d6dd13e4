"""Create or update organisations from a CSV file (``pontio directory import``).

Columns: ``kind`` (``la``, ``school``, ``central``), ``la_code``, ``estab``,
``name``, ``email``, ``town``, ``phone``. A school's ``estab`` is its 4-digit
number within the LA (its full 7-digit number is also accepted). The import is
all or nothing: one bad row and nothing changes. Importing the same file twice
changes nothing the second time; an empty cell leaves the stored value alone.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from pontio.audit import services as audit
from pontio.ctf import lacodes
from pontio.directory.models import CENTRAL_CODE, Organisation

COLUMNS = ("kind", "la_code", "estab", "name", "email", "town", "phone")
REQUIRED_COLUMNS = frozenset({"kind", "la_code", "estab", "name"})
LA_CODE_PATTERN = re.compile(r"\d{3}")
ESTAB_PATTERN = re.compile(r"\d{4}")
# The model's column widths, so that a long value is a row error, not a crash.
MAX_LENGTHS = {"name": 200, "town": 100, "phone": 40, "email": 254}
FIRST_DATA_LINE = 2
# The fields each kind keeps; an LA has no town or telephone number of its own.
FIELDS_BY_KIND: dict[str, tuple[str, ...]] = {
    Organisation.Kind.LA: ("name", "email"),
    Organisation.Kind.SCHOOL: ("name", "email", "town", "phone"),
    Organisation.Kind.CENTRAL: ("name", "email"),
}


@dataclass(frozen=True)
class Row:
    line: int
    kind: str
    code: str
    la_code: str
    values: dict[str, str]


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportFileError(Exception):
    """The file was refused: ``errors`` lists ``(line, reason)`` for every bad row."""

    errors: list[tuple[int, str]] = field(default_factory=list)


def import_organisations(text: str, *, actor: Any = None) -> ImportResult:
    """Create or update every organisation in a CSV text, or none of them."""
    rows = parse(text)
    with transaction.atomic():
        result = ImportResult()
        # LAs first: a school's LA may come later in the same file.
        order: dict[str, int] = {Organisation.Kind.LA: 0, Organisation.Kind.CENTRAL: 1}
        for row in sorted(rows, key=lambda row: order.get(row.kind, 2)):
            outcome = _apply(row, actor)
            setattr(result, outcome, getattr(result, outcome) + 1)
    return result


def parse(text: str) -> list[Row]:
    """Read and check every row; raise ``ImportFileError`` listing every problem."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    header = {name.strip().lower() for name in reader.fieldnames or []}
    missing = sorted(REQUIRED_COLUMNS - header)
    if missing:
        reason = _("missing columns: %(columns)s") % {"columns": ", ".join(missing)}
        raise ImportFileError([(1, reason)])
    rows: list[Row] = []
    errors: list[tuple[int, str]] = []
    for index, raw in enumerate(reader):
        line = FIRST_DATA_LINE + index
        try:
            rows.append(_parse_row(line, _clean(raw)))
        except ValidationError as error:
            errors.extend((line, message) for message in error.messages)
    errors.extend(_cross_row_errors(rows))
    if errors:
        raise ImportFileError(sorted(errors))
    return rows


def _clean(raw: dict[str | Any, Any]) -> dict[str, str]:
    cells = {
        str(key).strip().lower(): (value or "").strip()
        for key, value in raw.items()
        if key is not None and isinstance(value, str | type(None))
    }
    return {column: cells.get(column, "") for column in COLUMNS}


def _parse_row(line: int, cells: dict[str, str]) -> Row:
    kind = cells["kind"].lower()
    if kind not in FIELDS_BY_KIND:
        raise ValidationError(
            _('kind must be la, school or central, not "%(kind)s"') % {"kind": kind}
        )
    code, la_code = _code_of(kind, cells)
    values = {name: cells[name] for name in FIELDS_BY_KIND[kind] if cells[name]}
    if kind == Organisation.Kind.LA and "name" not in values:
        known = lacodes.get_la_code(la_code)
        if known is not None and known.name:
            values["name"] = known.name
    _check_values(kind, values)
    return Row(line=line, kind=kind, code=code, la_code=la_code, values=values)


def _code_of(kind: str, cells: dict[str, str]) -> tuple[str, str]:
    la_code, estab = cells["la_code"], cells["estab"]
    if kind == Organisation.Kind.CENTRAL:
        return CENTRAL_CODE, ""
    if not LA_CODE_PATTERN.fullmatch(la_code):
        raise ValidationError(_("la_code must be a 3-digit LA number"))
    if kind == Organisation.Kind.LA:
        if not lacodes.is_valid_la_code(la_code):
            raise ValidationError(
                _("%(la_code)s is not an LA number") % {"la_code": la_code}
            )
        return la_code, la_code
    if len(estab) == len(la_code) + 4 and estab.startswith(la_code):
        estab = estab[len(la_code) :]
    if not ESTAB_PATTERN.fullmatch(estab):
        raise ValidationError(_("estab must be the school's 4-digit number"))
    return la_code + estab, la_code


def _check_values(kind: str, values: dict[str, str]) -> None:
    problems: list[str] = []
    if "name" not in values:
        problems.append(_("name is empty"))
    for name, value in values.items():
        if len(value) > MAX_LENGTHS[name]:
            problems.append(
                _("%(column)s is longer than %(limit)d characters")
                % {"column": name, "limit": MAX_LENGTHS[name]}
            )
    if "email" in values:
        try:
            validate_email(values["email"])
        except ValidationError:
            problems.append(_("email is not an e-mail address"))
    if problems:
        raise ValidationError(problems)


def _cross_row_errors(rows: Iterable[Row]) -> list[tuple[int, str]]:
    rows = list(rows)
    errors: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for row in rows:
        if row.code in seen:
            errors.append(
                (
                    row.line,
                    _("%(code)s is also on line %(line)d")
                    % {"code": row.code, "line": seen[row.code]},
                )
            )
        seen.setdefault(row.code, row.line)
    errors.extend(_schools_without_la(rows))
    return errors


def _schools_without_la(rows: list[Row]) -> list[tuple[int, str]]:
    in_file = {row.code for row in rows if row.kind == Organisation.Kind.LA}
    stored = set(
        Organisation.objects.filter(kind=Organisation.Kind.LA).values_list(
            "code", flat=True
        )
    )
    return [
        (row.line, _("LA %(la_code)s does not exist") % {"la_code": row.la_code})
        for row in rows
        if row.kind == Organisation.Kind.SCHOOL and row.la_code not in in_file | stored
    ]


def _apply(row: Row, actor: Any) -> str:
    organisation = Organisation.objects.filter(code=row.code).first()
    if organisation is None:
        la = None
        if row.kind == Organisation.Kind.SCHOOL:
            la = Organisation.objects.get(code=row.la_code, kind=Organisation.Kind.LA)
        organisation = Organisation.objects.create(
            kind=row.kind, code=row.code, la=la, **row.values
        )
        _record(f"{_action_noun(row.kind)}.created", organisation, actor, row.values)
        return "created"
    changed = [
        name
        for name, value in row.values.items()
        if getattr(organisation, name) != value
    ]
    if not changed:
        return "unchanged"
    for name in changed:
        setattr(organisation, name, row.values[name])
    organisation.save(update_fields=changed)
    _record(
        f"{_action_noun(row.kind)}.updated",
        organisation,
        actor,
        {name: row.values[name] for name in changed},
    )
    return "updated"


def _action_noun(kind: str) -> str:
    return kind if kind != Organisation.Kind.CENTRAL else "organisation"


def _record(
    action: str, organisation: Organisation, actor: Any, values: dict[str, str]
) -> None:
    audit.record(
        action,
        actor=actor,
        obj=organisation,
        organisation=organisation,
        source="cli",
        fields=",".join(sorted(values)),
    )
