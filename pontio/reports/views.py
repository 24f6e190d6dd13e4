"""Report pages and their CSV downloads (seed 002 section 7)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from pontio.directory.access import capability_required
from pontio.directory.models import User
from pontio.directory.roles import Capability
from pontio.reports import access, charts, csvexport
from pontio.reports.catalogue import REPORTS, Report, display_value, run_report
from pontio.reports.forms import ERROR_FIELDS, ReportForm
from pontio.reports.params import Params

# A page shows this many rows at most, fetching no more; the CSV file has them all.
MAX_PAGE_ROWS = 1000


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 (capability_required signs in)
    return user


def _report(user: User, name: str) -> Report:
    report = REPORTS.get(name)
    if report is None:
        raise Http404
    access.check_may_run(user, report)
    return report


@require_GET
@capability_required(Capability.RUN_REPORTS)
def index(request: HttpRequest) -> HttpResponse:
    """List the reports the user's role may run."""
    user = _user(request)
    reports = [
        report
        for report in REPORTS.values()
        if all(user.can(capability) for capability in report.capabilities)
    ]
    return render(request, "reports/index.html", {"reports": reports})


def _params(form: ReportForm, user: User, report: Report) -> Params | None:
    """The checked choices, or None with the problem attached to the form."""
    if not form.is_valid():
        return None
    try:
        return access.build_params(user, report, **form.choices())
    except ValidationError as error:
        form.add_error(ERROR_FIELDS.get(error.code or "", None), error)
        return None


@require_GET
@capability_required(Capability.RUN_REPORTS)
def report(request: HttpRequest, name: str) -> HttpResponse:
    """Show a report's choices and, once chosen, its table and chart."""
    user = _user(request)
    chosen = _report(user, name)
    form = ReportForm(chosen, user, request.GET or None)
    context: dict[str, Any] = {"report": chosen, "form": form}
    params = _params(form, user, chosen) if form.is_bound else None
    if params is not None:
        context.update(_results(request, chosen, params))
    return render(request, "reports/report.html", context)


def _results(request: HttpRequest, report: Report, params: Params) -> dict[str, Any]:
    csv_url = reverse("reports:csv", args=[report.name]) + "?" + request.GET.urlencode()
    if report.is_cluster and params.all_wales:
        # Seed 002 section 7.3: too large for the screen, so a CSV file only.
        return {"params": params, "csv_url": csv_url, "csv_only": True}
    rows = run_report(
        report, params, actor=request.user, output="page", request=request
    )
    first, total = rows.first(MAX_PAGE_ROWS)
    chart = report.chart(params, rows) if report.chart and first else None
    shown = [
        [
            (column, display_value(column, value))
            for column, value in zip(report.columns, row, strict=True)
        ]
        for row in first
    ]
    return {
        "params": params,
        "csv_url": csv_url,
        "rows": shown,
        "row_count": total,
        "truncated": total > len(shown),
        "chart": None if chart is None or chart.is_empty else charts.render(chart),
    }


@require_GET
@capability_required(Capability.RUN_REPORTS)  # type: ignore[arg-type]
def download(request: HttpRequest, name: str) -> HttpResponseBase:
    """Download a report as a CSV file, streamed; wrong choices go back to the
    page."""
    user = _user(request)
    chosen = _report(user, name)
    form = ReportForm(chosen, user, request.GET)
    params = _params(form, user, chosen)
    if params is None:
        page = reverse("reports:report", args=[chosen.name])
        return redirect(page + "?" + request.GET.urlencode())
    rows = run_report(chosen, params, actor=user, output="csv", request=request)
    return csvexport.csv_response(chosen, params, rows)
