"""Indexing a lost-pupil file: its one pupil becomes one searchable record."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from pontio.ctf.models import PupilSummary
from pontio.directory.models import Organisation
from pontio.lostpupils.models import (
    FORENAME_KEY_COLUMNS,
    FORMER_SURNAME_KEY_COLUMNS,
    KEY_LENGTH,
    NAME_LENGTH,
    SURNAME_KEY_COLUMNS,
    LostPupilRecord,
    LostPupilSpelling,
)
from pontio.lostpupils.phonetic import name_keys, normalise_name

UPN_LENGTH = 13
POSTCODE_LENGTH = 10


def _clip(value: str | None, length: int = NAME_LENGTH) -> str:
    return " ".join((value or "").split())[:length]


def _keys(columns: tuple[str, ...], name: str) -> dict[str, str]:
    keys = name_keys(name)
    return {
        column: (keys[i][:KEY_LENGTH] if i < len(keys) else "")
        for i, column in enumerate(columns)
    }


def searchable_fields(summary: PupilSummary) -> dict[str, Any]:
    """The record's pupil columns: display values, normalised values and keys."""
    surname = _clip(summary.surname)
    former_surname = _clip(summary.former_surname)
    forename = _clip(summary.forename)
    town = _clip(summary.town)
    return {
        "upn": _clip(summary.upn, UPN_LENGTH).upper(),
        "former_upn": _clip(summary.former_upn, UPN_LENGTH).upper(),
        "surname": surname,
        "former_surname": former_surname,
        "forename": forename,
        "middle_names": _clip(summary.middle_names),
        "date_of_birth": summary.date_of_birth,
        "sex": _clip(summary.sex, 1).upper(),
        "town": town,
        "postcode": _clip(summary.postcode, POSTCODE_LENGTH).upper(),
        "surname_norm": normalise_name(surname)[:NAME_LENGTH],
        "former_surname_norm": normalise_name(former_surname)[:NAME_LENGTH],
        "forename_norm": normalise_name(forename)[:NAME_LENGTH],
        "town_norm": normalise_name(town)[:NAME_LENGTH],
        **_keys(SURNAME_KEY_COLUMNS, surname),
        **_keys(FORMER_SURNAME_KEY_COLUMNS, former_surname),
        **_keys(FORENAME_KEY_COLUMNS, forename),
    }


def build_lost_pupil_record(
    *,
    transfer_id: int | None,
    summary: PupilSummary,
    kind: str,
    school: Organisation,
    uploaded_at: datetime.datetime,
) -> LostPupilRecord:
    """An unsaved record for a lost-pupil file's pupil (for bulk loading)."""
    return LostPupilRecord(
        transfer_id=transfer_id,
        kind=LostPupilRecord.Kind(kind),
        school=school,
        la_code=school.la_code or "",
        uploaded_at=uploaded_at,
        **searchable_fields(summary),
    )


def spellings_of(records: Iterable[LostPupilRecord]) -> list[LostPupilSpelling]:
    """The distinct name spellings of some records, with their keys."""
    found: dict[tuple[str, str], LostPupilSpelling] = {}
    surname, forename = (
        LostPupilSpelling.Field.SURNAME,
        LostPupilSpelling.Field.FORENAME,
    )
    for record in records:
        names = (
            (surname, record.surname_norm, SURNAME_KEY_COLUMNS),
            (surname, record.former_surname_norm, FORMER_SURNAME_KEY_COLUMNS),
            (forename, record.forename_norm, FORENAME_KEY_COLUMNS),
        )
        for field, spelling, columns in names:
            if spelling and (field, spelling) not in found:
                keys = [getattr(record, column) for column in columns] + ["", ""]
                found[(field, spelling)] = LostPupilSpelling(
                    field=field,
                    spelling=spelling,
                    key1=keys[0],
                    key2=keys[1],
                    key3=keys[2],
                )
    return list(found.values())


def add_spellings(records: Iterable[LostPupilRecord]) -> None:
    """Add the records' name spellings to the spelling table, once each."""
    LostPupilSpelling.objects.bulk_create(spellings_of(records), ignore_conflicts=True)


def index_lost_pupil(
    *,
    transfer_id: int | None,
    summary: PupilSummary,
    kind: str,
    school: Organisation,
    uploaded_at: datetime.datetime,
) -> LostPupilRecord:
    """Add a lost-pupil file's pupil to the national index.

    Two INSERT statements: the record, and its name spellings (skipped when
    already known).

    Called inside the upload's transaction. ``kind`` is ``missing`` for a file
    sent to ``XXXXXXX`` and ``left_sector`` for one sent to ``MMMMMMM``;
    ``transfer_id`` is the stored file's transfer (None only without a file).
    """
    record = build_lost_pupil_record(
        transfer_id=transfer_id,
        summary=summary,
        kind=kind,
        school=school,
        uploaded_at=uploaded_at,
    )
    record.save(force_insert=True)
    add_spellings([record])
    return record
