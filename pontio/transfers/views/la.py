"""The local authority's pages (seed 002 section 5.3): monitoring, files not
collected by schools, copies and the destruction log."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from pontio.audit import services as audit
from pontio.directory.access import capability_required
from pontio.directory.roles import Capability
from pontio.transfers import access, queries, services
from pontio.transfers.forms import ConfirmForm, ForwardForm, add_service_error
from pontio.transfers.models import DestructionLogEntry
from pontio.transfers.views import page_of, user_of

MONITOR = Capability.MONITOR_LA_TRANSFERS
VIEW_LABELS = {
    "within": gettext_lazy("Within your LA"),
    "incoming": gettext_lazy("Coming in from other LAs"),
    "outgoing": gettext_lazy("Leaving to other LAs"),
}
STATUS_LABELS = {
    "awaiting": gettext_lazy("Awaiting collection"),
    "collected": gettext_lazy("Collected"),
}
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
LOG_HEADER = (
    gettext_lazy("File reference"),
    gettext_lazy("Description"),
    gettext_lazy("Number of files"),
    gettext_lazy("Reason"),
    gettext_lazy("Authorising officer or policy"),
    gettext_lazy("Date action taken"),
)


class _Echo:
    """A file-like object whose ``write`` hands the line back to the caller."""

    def write(self, value: str) -> str:
        return value


@require_GET
@capability_required(MONITOR)
def monitoring(request: HttpRequest) -> HttpResponse:
    """Show the LA's CTFs within, into or out of the LA, collected or awaiting."""
    view = request.GET.get("view", "within")
    if view not in queries.MONITORING_VIEWS:
        view = "within"
    status = request.GET.get("status", "awaiting")
    if status not in STATUS_LABELS:
        status = "awaiting"
    rows = queries.la_monitoring(user_of(request), view, status)  # type: ignore[arg-type]
    context = {
        "page": page_of(request, rows),
        "view": view,
        "status": status,
        "views": VIEW_LABELS.items(),
        "statuses": STATUS_LABELS.items(),
    }
    return render(request, "transfers/la_monitoring.html", context)


@require_GET
@capability_required(MONITOR)
def not_collected(request: HttpRequest) -> HttpResponse:
    """Show files awaiting the LA's schools or the LA, with their pupils."""
    user = user_of(request)
    page = page_of(request, queries.files_not_collected(user))
    # Pupils' names, UPNs and dates of birth are on this page: record who saw them.
    with transaction.atomic():
        audit.record(
            "transfer.pupils_viewed",
            actor=user,
            request=request,
            view="not_collected",
            files=len(page.object_list),
            pupils=sum(len(item.pupils.all()) for item in page.object_list),
        )
    context = {
        "page": page,
        "any_to_la": any(item.to_la_itself for item in page.object_list),
    }
    return render(request, "transfers/la_not_collected.html", context)


@require_http_methods(["GET", "POST"])
@capability_required(MONITOR)
def delete(request: HttpRequest, code: UUID) -> HttpResponse:
    """Delete a file not collected; the destruction log records it."""
    user = user_of(request)
    item = access.get_transfer_for_la(user, code)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.delete_transfer(item, actor=user, request=request)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("%(filename)s has been deleted") % {"filename": item.filename},
            )
            return redirect("transfers:la_not_collected")
    return render(request, "transfers/la_delete.html", {"form": form, "transfer": item})


@require_http_methods(["GET", "POST"])
@capability_required(MONITOR)
def forward(request: HttpRequest, code: UUID) -> HttpResponse:
    """Send a file not collected on to another school of the LA."""
    user = user_of(request)
    item = access.get_transfer_for_la(user, code)
    data = request.POST if request.method == "POST" else None
    form = ForwardForm(data, la=user.organisation)
    if form.is_valid():
        school = form.cleaned_data["school"]
        try:
            services.forward_transfer(item, actor=user, school=school, request=request)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("The file has been sent to %(school)s") % {"school": school.name},
            )
            return redirect("transfers:la_not_collected")
    return render(
        request, "transfers/la_forward.html", {"form": form, "transfer": item}
    )


@require_GET
@capability_required(MONITOR)
def copies(request: HttpRequest) -> HttpResponse:
    """List the copies of CTFs to and from the LA's schools, when it takes them."""
    user = user_of(request)
    rows = queries.box_listing(user, "la")
    context = {
        "page": page_of(request, rows),
        "receives_copies": user.organisation.receive_ctf_copies,
        "can_change_setting": user.can(Capability.MANAGE_OWN_LA),
    }
    return render(request, "transfers/la_copies.html", context)


@require_GET
@capability_required(MONITOR)
def destruction_log(request: HttpRequest) -> HttpResponse:
    """Show the LA's destruction log, newest first."""
    entries = queries.destruction_log(user_of(request))
    return render(
        request, "transfers/destruction_log.html", {"page": page_of(request, entries)}
    )


@require_GET
@capability_required(MONITOR)  # type: ignore[arg-type]
def destruction_log_csv(request: HttpRequest) -> HttpResponseBase:
    """Export the LA's destruction log as CSV (UTF-8 with a byte-order mark)."""
    entries = queries.destruction_log(user_of(request))
    response = StreamingHttpResponse(
        _csv_lines(entries.iterator()), content_type="text/csv; charset=utf-8"
    )
    filename = f"destruction-log-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


def _csv_lines(entries: Iterator[DestructionLogEntry]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # The byte-order mark tells spreadsheets the file is UTF-8.
    yield "\ufeff" + writer.writerow([str(label) for label in LOG_HEADER])
    for entry in entries:
        yield writer.writerow(
            [
                csv_safe(value)
                for value in (
                    entry.file_reference,
                    entry.description,
                    str(entry.number_of_files),
                    str(DestructionLogEntry.Reason(entry.reason).label),
                    entry.authority,
                    timezone.localtime(entry.destroyed_at).strftime("%Y-%m-%d %H:%M"),
                )
            ]
        )


def csv_safe(value: str) -> str:
    """Stop a spreadsheet from running a cell as a formula (CSV injection)."""
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
