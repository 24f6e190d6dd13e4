"""Reports as CSV files that open safely in a spreadsheet.

UTF-8 with a byte order mark, so that spreadsheet programs read Welsh letters
(ŵ, ŷ) correctly; every text cell that a spreadsheet would run as a formula is
made inert with a leading apostrophe (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from pontio.reports.catalogue import Report, export_value
from pontio.reports.params import Params
from pontio.reports.rows import Row

BOM = "\ufeff"
# A spreadsheet treats a cell starting with one of these as a formula, or as the
# start of one once a tab or carriage return is stripped.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Rows written into each piece of a streamed file.
LINES_PER_CHUNK = 500


def escape_cell(value: Any, zone: datetime.tzinfo | None = None) -> str | int:
    """Return a cell's value with any formula made inert."""
    exported = export_value(value, zone)
    if exported is None:
        return ""
    if isinstance(exported, str) and exported.startswith(FORMULA_PREFIXES):
        return "'" + exported
    return exported


class _Line:
    """A file-like object whose ``write`` hands back the line it was given."""

    def write(self, line: str) -> str:
        return line


def csv_lines(headings: Sequence[str], rows: Iterable[Row]) -> Iterator[str]:
    """Yield the CSV file's text a few hundred rows at a time, byte order mark
    first, reading ``rows`` only as fast as the text is taken."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    zone = timezone.get_current_timezone()
    yield BOM + writer.writerow([escape_cell(heading) for heading in headings])
    lines: list[str] = []
    for row in rows:
        lines.append(writer.writerow([escape_cell(value, zone) for value in row]))
        if len(lines) == LINES_PER_CHUNK:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


def csv_text(headings: Sequence[str], rows: Iterable[Row]) -> str:
    """Return the whole CSV file's text at once (for a few rows only)."""
    return "".join(csv_lines(headings, rows))


def file_name(report: Report, params: Params) -> str:
    """``usage_2024-09-01_2025-08-31.csv``; ``beginning`` for a blank "from"."""
    start = params.period.start.isoformat() if params.period.start else "beginning"
    return f"{report.name}_{start}_{params.period.end.isoformat()}.csv"


def csv_response(
    report: Report, params: Params, rows: Iterable[Row]
) -> StreamingHttpResponse:
    """Return the report's rows as a CSV download, streamed as they are read.

    Memory stays flat however many rows there are: the database hands the rows
    over a chunk at a time and each chunk is sent as soon as it is written.
    """
    headings = [str(column.label) for column in report.columns]
    response = StreamingHttpResponse(
        (text.encode("utf-8") for text in csv_lines(headings, rows)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(
        True, file_name(report, params)
    )
    response["Cache-Control"] = "no-store"
    return response
