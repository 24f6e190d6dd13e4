"""Pages of the Lost Pupil Database (seed 002 sections 4, 4.1 and 4.2).

Searches are POSTs and records are named by their public code: no pupil detail
ever travels in a URL. Every page calls the same ``access`` and ``services``
functions as the API.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pontio.directory.access import capability_required
from pontio.directory.models import User
from pontio.directory.roles import Capability
from pontio.lostpupils import access, services
from pontio.lostpupils.forms import (
    ConfirmOnRollForm,
    DownloadedForm,
    RemoveForm,
    SearchForm,
    TransferForm,
    add_service_error,
)
from pontio.lostpupils.labels import match_label, sex_label
from pontio.lostpupils.models import LostPupilRecord
from pontio.lostpupils.services.records import held_blob
from pontio.transfers.blobs import BlobReader

C = Capability
ROWS_PER_PAGE = 50
TOO_MANY_REQUESTS = 429


def user_of(request: HttpRequest) -> User:
    """Return the signed-in user (every page here requires one)."""
    user: User = request.user  # type: ignore[assignment]
    return user


@require_http_methods(["GET", "POST"])
@capability_required(C.SEARCH_LOST_PUPILS)
def search(request: HttpRequest) -> HttpResponse:
    """Search the national database; the results list the pupils found."""
    user = user_of(request)
    form = SearchForm(request.POST if request.method == "POST" else None)
    results = None
    if form.is_valid():
        try:
            results = services.search_lost_pupils_for(
                form.criteria(),
                actor=user,
                include_resolved=form.cleaned_data["include_resolved"],
                sort=form.sort_value,
                request=request,
            )
        except services.SearchPausedError as error:
            context = {"error": error, "limit": services.searches_per_hour()}
            return render(
                request, "lostpupils/paused.html", context, status=TOO_MANY_REQUESTS
            )
        except ValidationError as error:
            add_service_error(form, error)
    context = {"form": form, "results": results}
    return render(request, "lostpupils/search.html", context)


@require_GET
@capability_required(C.SEARCH_LOST_PUPILS)
def record(request: HttpRequest, code: UUID) -> HttpResponse:
    """Show one pupil's details; looking is audited."""
    user = user_of(request)
    item = access.get_record_for(user, code)
    services.record_lost_pupil_viewed(item, actor=user, request=request)
    context = {
        "record": item,
        "file_held": _file_held(item),
        "may_download": user.can(C.DOWNLOAD_LOST_PUPILS),
        "may_transfer": user.can(C.TRANSFER_LOST_PUPILS),
        "may_remove": services.may_remove(user, item),
    }
    return render(request, "lostpupils/record.html", context)


def _file_held(item: LostPupilRecord) -> bool:
    try:
        held_blob(item)
    except ValidationError:
        return False
    return True


@require_http_methods(["GET", "POST"])
@capability_required(C.DOWNLOAD_LOST_PUPILS)
def download(request: HttpRequest, code: UUID) -> HttpResponseBase:
    """Confirm the pupil is on roll in the LA, then download the file."""
    user = user_of(request)
    item = access.get_record_for(user, code)
    form = ConfirmOnRollForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            reader = services.open_lost_pupil_file(
                item, actor=user, confirm_on_roll=True, request=request
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return _file_response(item, reader)
    return _download_page(request, item, form, DownloadedForm())


def _download_page(
    request: HttpRequest,
    item: LostPupilRecord,
    form: ConfirmOnRollForm,
    question: DownloadedForm,
) -> HttpResponse:
    context = {"record": item, "form": form, "question": question}
    return render(request, "lostpupils/download.html", context)


def _file_response(item: LostPupilRecord, reader: BlobReader) -> StreamingHttpResponse:
    transfer: Any = item.transfer
    response = StreamingHttpResponse(reader.chunks(), content_type="application/xml")
    response["Content-Length"] = str(transfer.size)
    response["Content-Disposition"] = content_disposition_header(
        True, transfer.filename
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@capability_required(C.DOWNLOAD_LOST_PUPILS)
def downloaded(request: HttpRequest, code: UUID) -> HttpResponse:
    """Answer "downloaded correctly?": yes resolves the case; no, download again."""
    user = user_of(request)
    item = access.get_record_for(user, code)
    question = DownloadedForm(request.POST)
    if not question.is_valid():
        return _download_page(request, item, ConfirmOnRollForm(), question)
    if question.cleaned_data["downloaded"] == "no":
        return redirect("lostpupils:download", code=item.code)
    try:
        services.confirm_lost_pupil_downloaded(item, actor=user, request=request)
    except ValidationError as error:
        add_service_error(question, error)
        return _download_page(request, item, ConfirmOnRollForm(), question)
    messages.success(request, _("The pupil's file has been downloaded"))
    return redirect("lostpupils:search")


@require_http_methods(["GET", "POST"])
@capability_required(C.TRANSFER_LOST_PUPILS)
def transfer(request: HttpRequest, code: UUID) -> HttpResponse:
    """Send the file on to a school of the LA in one step (seed 002 s. 4.2)."""
    user = user_of(request)
    item = access.get_record_for(user, code)
    form = TransferForm(
        request.POST if request.method == "POST" else None, la=user.organisation
    )
    if form.is_valid():
        try:
            sent = services.transfer_lost_pupil(
                item,
                actor=user,
                school_code=form.cleaned_data["school"].code,
                request=request,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The file has been sent to the school"))
            return redirect("transfers:transfer", code=sent.code)
    return render(request, "lostpupils/transfer.html", {"form": form, "record": item})


@require_http_methods(["GET", "POST"])
@capability_required(C.SEARCH_LOST_PUPILS)
def remove(request: HttpRequest, code: UUID) -> HttpResponse:
    """Remove a record of the LA's school once the pupil's destination is known."""
    user = user_of(request)
    item = access.get_record_for(user, code)
    if not services.may_remove(user, item):
        raise PermissionDenied
    form = RemoveForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.remove_lost_pupil(
                item, actor=user, note=form.cleaned_data["note"], request=request
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The record has been removed"))
            return redirect("lostpupils:search")
    return render(request, "lostpupils/remove.html", {"form": form, "record": item})


@require_GET
@capability_required(C.AUDIT_SEARCHES)
def searches(request: HttpRequest) -> HttpResponse:
    """List the lost pupil searches of the LA's officers: who, when, what."""
    events = access.searches_visible_to(user_of(request))
    page = Paginator(events, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(event, criteria_summary(event.details)) for event in page]
    return render(request, "lostpupils/searches.html", {"page": page, "rows": rows})


# Criteria stored as codes, shown as their translated words.
CRITERION_WORDS = {"match": match_label, "sex": sex_label}


def criteria_summary(details: dict[str, Any]) -> list[tuple[str, str]]:
    """The criteria of an audited search, each with its label, in reading order.

    Codes (how the surname matched, the pupil's sex) are shown as their words.
    """
    labels = {
        "upn": _("UPN"),
        "surname": _("Surname"),
        "match": _("Match"),
        "forename": _("Forename"),
        "dob": _("Date of birth"),
        "sex": _("Sex"),
        "town": _("Town"),
    }
    return [
        (str(label), CRITERION_WORDS.get(key, str)(details[key]))
        for key, label in labels.items()
        if details.get(key)
    ]
