"""Inboxes, downloads, rejection and the outbox (seed 002 sections 5.2 and 5.7)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pontio.directory.access import capability_required
from pontio.directory.models import User
from pontio.directory.roles import Capability
from pontio.transfers import access, queries, services
from pontio.transfers.forms import (
    ConfirmForm,
    DownloadedForm,
    RejectForm,
    SelectFilesForm,
    add_service_error,
)
from pontio.transfers.models import Transfer
from pontio.transfers.views import HUB_CAPABILITIES, page_of, require_any, user_of

C = Capability
CONTENT_TYPES = {
    Transfer.Kind.CTF: "application/xml",
    Transfer.Kind.GENERIC: "application/zip",
}
OUTBOX_STATUSES = tuple(Transfer.Status.values)


@require_http_methods(["GET", "POST"])
@capability_required()
def inbox(request: HttpRequest, kind: str = "") -> HttpResponse:
    """List the files sent to the user's mailbox; tick several to download."""
    user = user_of(request)
    kinds = access.kinds_for(user)
    if not kinds:
        raise PermissionDenied
    kind = kind or kinds[0]
    if kind not in Transfer.Kind.values:
        raise Http404
    if kind not in kinds:
        raise PermissionDenied
    form = SelectFilesForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        return _to_download_page(form.cleaned_data["file"])
    rows = queries.box_listing(user, "inbox", kind=kind)
    context = {
        "form": form,
        "kind": kind,
        "kinds": kinds,
        "page": page_of(request, rows),
    }
    return render(request, "transfers/inbox.html", context)


def _to_download_page(codes: Sequence[UUID]) -> HttpResponseRedirect:
    query = urlencode([("file", str(code)) for code in codes])
    return redirect(f"{reverse('transfers:download')}?{query}")


def _chosen(request: HttpRequest, data: Any) -> list[Transfer]:
    """The files named in ``data``, each one the user may see (else 404)."""
    user = user_of(request)
    require_any(user, *HUB_CAPABILITIES)
    form = SelectFilesForm(data)
    if not form.is_valid():
        raise Http404
    return [access.get_transfer_for(user, code) for code in form.cleaned_data["file"]]


@require_http_methods(["GET", "POST"])
@capability_required()  # type: ignore[arg-type]
def download(request: HttpRequest) -> HttpResponseBase:
    """Show the chosen files; posting downloads them (several as one zip)."""
    user = user_of(request)
    chosen = _chosen(request, request.POST if request.method == "POST" else request.GET)
    question = DownloadedForm(initial={"file": [item.code for item in chosen]})
    if request.method != "POST":
        return _download_page(request, chosen, question)
    try:
        return _file_response(chosen, user, request)
    except ValidationError as error:
        problem = ConfirmForm({})
        problem.is_valid()
        problem.add_error(None, error)
        return _download_page(request, chosen, question, problem)


def _download_page(
    request: HttpRequest,
    chosen: list[Transfer],
    question: DownloadedForm,
    problem: ConfirmForm | None = None,
) -> HttpResponse:
    if len(chosen) > 1:
        question.fields["downloaded"].label = _("Were the files downloaded correctly?")
    context = {
        # The error summary shows the download's problem, or the answer's.
        "form": problem or question,
        "question": question,
        "transfers": chosen,
        "back_url": _back_url(user_of(request), chosen),
    }
    return render(request, "transfers/download.html", context)


def _file_response(
    chosen: list[Transfer], user: User, request: HttpRequest
) -> StreamingHttpResponse:
    if len(chosen) == 1:
        item = chosen[0]
        reader = services.download_transfer(item, actor=user, request=request)
        response = StreamingHttpResponse(
            reader.chunks(), content_type=CONTENT_TYPES[Transfer.Kind(item.kind)]
        )
        response["Content-Length"] = str(item.size)
        filename = item.filename
    else:
        chunks = services.download_as_zip(chosen, actor=user, request=request)
        response = StreamingHttpResponse(chunks, content_type="application/zip")
        filename = f"pontio-{timezone.localtime():%Y%m%d-%H%M%S}.zip"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


def _back_url(user: User, chosen: list[Transfer]) -> str:
    """Where the user came from: their inbox, the LA's copies or their outbox."""
    if all(access.is_recipient(user, item) for item in chosen):
        return reverse("transfers:inbox_kind", kwargs={"kind": chosen[0].kind})
    copies = access.transfers_visible_to(user, "la")
    if copies.filter(pk__in=[item.pk for item in chosen]).exists():
        return reverse("transfers:la_copies")
    return reverse("transfers:outbox")


@require_POST
@capability_required()
def downloaded(request: HttpRequest) -> HttpResponse:
    """Answer "downloaded correctly?": yes, back to the list; no, download again."""
    user = user_of(request)
    chosen = _chosen(request, request.POST)
    form = DownloadedForm(request.POST)
    if not form.is_valid():
        return _download_page(request, chosen, form)
    if form.cleaned_data["downloaded"] == "no":
        return _to_download_page([item.code for item in chosen])
    count = len(chosen)
    messages.success(
        request,
        ngettext("%(count)s file downloaded", "%(count)s files downloaded", count)
        % {"count": count},
    )
    return redirect(_back_url(user, chosen))


@require_http_methods(["GET", "POST"])
@capability_required()
def reject(request: HttpRequest, code: UUID) -> HttpResponse:
    """Reject a received file with a reason; the sender is told, the file goes."""
    user = user_of(request)
    require_any(user, C.TRANSFER_CTF, C.TRANSFER_GENERIC)
    item = access.get_transfer_for(user, code)
    access.require_recipient(user, item)
    form = RejectForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.reject_transfer(
                item, actor=user, reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The file has been rejected"))
            return redirect("transfers:inbox_kind", kind=item.kind)
    return render(request, "transfers/reject.html", {"form": form, "transfer": item})


@require_GET
@capability_required()
def outbox(request: HttpRequest) -> HttpResponse:
    """List the files the user's mailbox has sent, each with its state."""
    user = user_of(request)
    require_any(user, C.TRANSFER_CTF, C.TRANSFER_GENERIC)
    status = request.GET.get("status", "")
    if status not in OUTBOX_STATUSES:
        status = ""
    rows = queries.box_listing(user, "outbox", status=status or None)
    context = {
        "page": page_of(request, rows.select_related("collected_by")),
        "status": status,
        "statuses": Transfer.Status.choices,
    }
    return render(request, "transfers/outbox.html", context)
