"""``GET /api/v1/reports/{name}``: the seven reports, in JSON or CSV.

``from`` and ``to`` are dates (``YYYY-MM-DD``): a blank ``from`` means from the
beginning, a blank ``to`` today, and ``to`` includes its whole day. The other
parameters are the choices of the report's page. The handler runs the report
through the same access and catalogue functions as the pages, so the JSON rows
are the CSV file's rows, cell for cell.

The JSON answer comes a page of ``PAGE_ROWS`` rows at a time, with the number of
rows in all and the address of the next page; the CSV file streams every row.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest, HttpResponseBase
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from pontio.api.auth import user_of
from pontio.api.errors import ErrorOut
from pontio.reports import access, csvexport
from pontio.reports.catalogue import REPORTS, Report, export_value, run_report
from pontio.reports.params import Params
from pontio.reports.rows import Rows

router = Router(tags=["reports"])

# The last page a caller may ask for: 5,000 rows a page reach 50 million rows.
MAX_PAGE = 10_000
# Rows in one page of a JSON answer.
PAGE_ROWS = 5000

DESCRIPTION = f"""Run report ``name`` for the caller's LA (central administrators:
all of Wales or one LA) and return its rows.

``format=json`` answers a page of at most {PAGE_ROWS:,} rows: ``count`` is the
number of rows in the whole report, ``page`` the page given (from 1) and
``next`` the address of the following page, or null on the last page. Follow
``next`` until it is null to read every row, or ask for ``format=csv``, which
returns every row in one file, streamed (UTF-8 with a byte order mark; cells
that a spreadsheet would run as a formula begin with an apostrophe)."""

ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404), ErrorOut)


class ReportQuery(Schema):
    date_from: datetime.date | None = Field(None, alias="from")
    to: datetime.date | None = None
    format: Literal["json", "csv"] = "json"
    la: str = Field("", description="Central administrators: one Welsh LA's number")
    school: str = Field("", description="One school's 7-digit number")
    las: str = Field(
        "", description="la-cluster: up to 9 other LA numbers, comma separated"
    )
    all_wales: bool = Field(False, description="la-cluster: every Welsh LA")
    kind: Literal["missing", "left_sector", "both"] = Field(
        "both", description="lost-pupil-details: which lost pupils"
    )
    downloaded: bool = Field(
        False, description="lost-pupil-details: only pupils now downloaded"
    )
    page: int = Field(
        1, ge=1, le=MAX_PAGE, description="JSON: which page of rows, from 1"
    )

    @field_validator("date_from", "to", mode="before")
    @classmethod
    def blank_is_none(cls, value: Any) -> Any:
        """A blank ``from`` is the beginning and a blank ``to`` today."""
        return None if value == "" else value


class ReportOut(Schema):
    report: str
    date_from: datetime.date | None = Field(None, alias="from")
    to: datetime.date
    columns: list[str]
    count: int = Field(description="Rows in the whole report")
    page: int
    next: str | None = Field(description="The next page's address; null if last")
    rows: list[dict[str, Any]]


@router.get(
    "/reports/{name}",
    response={200: ReportOut, **ERRORS},
    by_alias=True,
    summary="Run a report (JSON or CSV)",
    description=DESCRIPTION,
)
def run(request: HttpRequest, name: str, query: Query[ReportQuery]) -> Any:
    """Run report ``name`` for the caller's LA (central: all of Wales or one LA)."""
    user = user_of(request)
    report = REPORTS.get(name)
    if report is None:
        raise Http404
    params = access.build_params(
        user,
        report,
        start=query.date_from,
        end=query.to,
        la=query.la,
        school=query.school,
        las=query.las,
        all_wales=query.all_wales,
        lost_kind=query.kind,
        downloaded_only=query.downloaded,
    )
    rows = run_report(report, params, actor=user, output=query.format, request=request)
    if query.format == "csv":
        response: HttpResponseBase = csvexport.csv_response(report, params, rows)
        return response
    return _json_page(request, report, params, rows, query.page)


def _json_page(
    request: HttpRequest, report: Report, params: Params, rows: Rows, number: int
) -> dict[str, Any]:
    """Page ``number`` of the report's rows, with their count and the next page."""
    keys = report.keys
    zone = timezone.get_current_timezone()
    offset = (number - 1) * PAGE_ROWS
    page = rows.window(offset, PAGE_ROWS + 1)
    # Counted only when the page alone cannot tell.
    known = len(page) <= PAGE_ROWS and (len(page) > 0 or offset == 0)
    return {
        "report": report.name,
        "from": params.period.start,
        "to": params.period.end,
        "columns": keys,
        "count": offset + len(page) if known else rows.count(),
        "page": number,
        "next": _next_page(request, number) if len(page) > PAGE_ROWS else None,
        "rows": [
            dict(zip(keys, (export_value(value, zone) for value in row), strict=True))
            for row in page[:PAGE_ROWS]
        ],
    }


def _next_page(request: HttpRequest, page: int) -> str:
    """The address of the page after ``page``, with the same choices."""
    query = request.GET.copy()
    query["page"] = str(page + 1)
    return request.build_absolute_uri(request.path + "?" + query.urlencode())
