"""Where the CTF test files are, and small builders for hand-made CTFs."""

from __future__ import annotations

import datetime
from pathlib import Path

from pontio.ctf.upn import make_upn

REPO_DIR = Path(__file__).resolve().parents[2]
# CI clones the repository beside the shared reference material.
REFERENCE_DIR = REPO_DIR.parent / "shared" / "reference" / "ctf"
DATA_DIR = Path(__file__).resolve().parent / "data"

REFERENCE_FILES = (
    "gryphon_y12.xml",
    "gryphon_y7_2_students.xml",
    "gryphon_y7_partial.xml",
    "gryphon_y7_spaced_numbers.xml",
)
# The reference files were exported in spring and summer 2020.
REFERENCE_DAY = datetime.date(2020, 7, 1)
# A day in the school year of the hand-made CTF 25 files.
CTF25_DAY = datetime.date(2025, 10, 1)


def reference_ctf(name: str) -> Path:
    return REFERENCE_DIR / name


def data_file(name: str) -> Path:
    return DATA_DIR / name


def upn(serial: int) -> str:
    """A valid UPN for a pupil of the made-up school 661/2001 (any serial)."""
    year, number = divmod(serial, 1000)
    return make_upn(la="661", estab="2001", year=10 + year, serial=number)


HEADER_FIELDS = {
    "DocumentName": "Common Transfer File",
    "CTFversion": "25.0",
    "DateTime": "2025-09-12T10:30:00",
    "DocumentQualifier": "full",
    "SupplierID": "Pontio tests",
}
SOURCE_FIELDS = {
    "LEA": "661",
    "Estab": "2001",
    "URN": "401234",
    "SchoolName": "Ysgol Gynradd Aberdaron",
    "AcademicYear": "2025",
}
DEST_FIELDS = {"LEA": "661", "Estab": "4002", "URN": "XXXXXX"}


def _elements(fields: dict[str, str | None]) -> str:
    return "".join(
        f"<{name}>{value}</{name}>\n"
        for name, value in fields.items()
        if value is not None
    )


def make_header(
    *,
    source: dict[str, str | None] | None = None,
    dest: dict[str, str | None] | None = None,
    **fields: str | None,
) -> str:
    """A CTF 25 header; a field given as None is left out."""
    top: dict[str, str | None] = {**HEADER_FIELDS, **fields}
    return (
        "<Header>\n"
        + _elements(top)
        + "<SourceSchool>\n"
        + _elements({**SOURCE_FIELDS, **(source or {})})
        + "</SourceSchool>\n<DestSchool>\n"
        + _elements({**DEST_FIELDS, **(dest or {})})
        + "</DestSchool>\n</Header>\n"
    )


def make_pupil(serial: int = 1, *, inner: str = "", **fields: str | None) -> str:
    """A pupil with a valid UPN, names, date of birth and sex; None leaves one out."""
    base: dict[str, str | None] = {
        "UPN": upn(serial),
        "Surname": "Jones",
        "Forename": "Cerys",
        "DOB": "2014-03-02",
        "Sex": "F",
    }
    return "<Pupil>\n" + _elements({**base, **fields}) + inner + "</Pupil>\n"


def make_ctf(*pupils: str, header: str | None = None) -> bytes:
    """A CTF file holding ``pupils`` (one default pupil when none is given)."""
    body = "".join(pupils) if pupils else make_pupil()
    text = (
        '<?xml version="1.0" encoding="utf-8"?>\n<CTfile>\n'
        + (header if header is not None else make_header())
        + "<CTFpupilData>\n"
        + body
        + "</CTFpupilData>\n</CTfile>\n"
    )
    return text.encode("utf-8")
