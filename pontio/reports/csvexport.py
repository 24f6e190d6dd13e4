"""Reports as CSV files that open safely in a spreadsheet.

UTF-8 with a byte order mark, so that spreadsheet programs read Welsh letters
(ŵ, ŷ) correctly; every text cell that a spreadsheet would run as a formula is
made inert with a leading apostrophe (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from pontio.reports.catalogue import Report, Row, export_value
from pontio.reports.params import Params

BOM = "\ufeff"
# A spreadsheet treats a cell starting with one of these as a formula, or as the
# start of one once a tab or carriage return is stripped.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: Any) -> str | int:
    """Return a cell's value with any formula made inert."""
    exported = export_value(value)
    if exported is None:
        return ""
    if isinstance(exported, str) and exported.startswith(FORMULA_PREFIXES):
        return "'" + exported
    return exported


def csv_text(headings: Sequence[str], rows: Iterable[Row]) -> str:
    """Return the CSV file's text, byte order mark first."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([escape_cell(heading) for heading in headings])
    writer.writerows([escape_cell(value) for value in row] for row in rows)
    return buffer.getvalue()


def file_name(report: Report, params: Params) -> str:
    """``usage_2024-09-01_2025-08-31.csv``; ``beginning`` for a blank "from"."""
    start = params.period.start.isoformat() if params.period.start else "beginning"
    return f"{report.name}_{start}_{params.period.end.isoformat()}.csv"


def csv_response(report: Report, params: Params, rows: list[Row]) -> HttpResponse:
    """Return the report's rows as a CSV download."""
    headings = [str(column.label) for column in report.columns]
    response = HttpResponse(
        csv_text(headings, rows).encode("utf-8"),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(
        True, file_name(report, params)
    )
    response["Cache-Control"] = "no-store"
    return response
