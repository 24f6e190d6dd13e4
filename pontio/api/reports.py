"""``GET /api/v1/reports/{name}``: the seven reports, in JSON or CSV.

``from`` and ``to`` are dates (``YYYY-MM-DD``): a blank ``from`` means from the
beginning, a blank ``to`` today, and ``to`` includes its whole day. The other
parameters are the choices of the report's page. The handler runs the report
through the same access and catalogue functions as the pages, so the JSON rows
are the CSV file's rows, cell for cell.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from pontio.api.auth import user_of
from pontio.api.errors import ErrorOut
from pontio.reports import access, csvexport
from pontio.reports.catalogue import REPORTS, export_value, run_report

router = Router(tags=["reports"])

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
    rows: list[dict[str, Any]]


@router.get(
    "/reports/{name}",
    response={200: ReportOut, **ERRORS},
    by_alias=True,
    summary="Run a report (JSON or CSV)",
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
        response: HttpResponse = csvexport.csv_response(report, params, rows)
        return response
    keys = report.keys
    return {
        "report": report.name,
        "from": params.period.start,
        "to": params.period.end,
        "columns": keys,
        "rows": [
            dict(zip(keys, (export_value(value) for value in row), strict=True))
            for row in rows
        ],
    }
