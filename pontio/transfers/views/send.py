"""Sending a file (seed 002 sections 5.1 and 5.6) and its receipt."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import SkipFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from pontio.directory.access import capability_required
from pontio.directory.roles import Capability
from pontio.transfers import access, conf, services
from pontio.transfers.forms import UploadForm, filename_forms
from pontio.transfers.models import Transfer, TransferPupil
from pontio.transfers.services import UploadRefusedError
from pontio.transfers.views import HUB_CAPABILITIES, require_any, user_of

C = Capability


class PageUploadHandler(services.SizeLimitedUploadHandler):
    """Skip an over-size file instead of failing the whole request.

    The rest of the form (its CSRF token among it) is still read, so the page
    can check the token and then say that the file is too large.
    """

    refusal: UploadRefusedError | None = None

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        try:
            return super().receive_data_chunk(raw_data, start)
        except UploadRefusedError as error:
            self.refusal = error
            raise SkipFile from None


# The CSRF check reads the request's form, which reads the file: the size limit
# must be in place first, so the check is made inside the view.
@csrf_exempt
@require_http_methods(["GET", "POST"])
@capability_required(C.TRANSFER_CTF)
def upload_ctf(request: HttpRequest) -> HttpResponse:
    """Send a common transfer file; its name says where it goes."""
    return _upload(request, Transfer.Kind.CTF)


@csrf_exempt
@require_http_methods(["GET", "POST"])
@capability_required(C.TRANSFER_GENERIC)
def upload_generic(request: HttpRequest) -> HttpResponse:
    """Send any other file, zipped; its name says where it goes."""
    return _upload(request, Transfer.Kind.GENERIC)


def _upload(request: HttpRequest, kind: str) -> HttpResponse:
    handler = None
    if request.method == "POST":
        limit = services.max_upload_bytes(user_of(request))
        handler = PageUploadHandler(request, limit)
        request.upload_handlers = [handler]
    response: HttpResponse = csrf_protect(_upload_checked)(request, kind, handler)
    return response


def _upload_checked(
    request: HttpRequest, kind: str, handler: PageUploadHandler | None
) -> HttpResponse:
    user = user_of(request)
    if handler is None:
        return _upload_page(request, UploadForm(kind=kind))
    form = UploadForm(request.POST, request.FILES, kind=kind)
    if handler.refusal is not None:
        filename = getattr(handler, "file_name", None) or ""
        services.record_refused_upload(
            handler.refusal, filename, actor=user, request=request
        )
        form.is_valid()
        form.errors.pop("file", None)
        form.add_refusal(handler.refusal)
    elif form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            transfer = services.upload_file(
                uploaded, uploaded.name or "", actor=user, request=request
            )
        except ValidationError as error:
            form.add_refusal(error)
        else:
            messages.success(request, _("Your file has been sent"))
            return redirect("transfers:transfer", code=transfer.code)
    return _upload_page(request, form)


def _upload_page(request: HttpRequest, form: UploadForm) -> HttpResponse:
    user = user_of(request)
    limit_mb = services.max_upload_bytes(user) // conf.MEGABYTE
    context = {
        "form": form,
        "kind": form.kind,
        "limit_mb": limit_mb,
        "filename_forms": filename_forms(user, form.kind),
    }
    return render(request, "transfers/upload.html", context)


@require_GET
@capability_required()
def transfer(request: HttpRequest, code: UUID) -> HttpResponse:
    """Describe one file: the sender's receipt, or what a recipient was sent."""
    user = user_of(request)
    require_any(user, *HUB_CAPABILITIES)
    item = access.get_transfer_for(user, code)
    outbox = access.transfers_visible_to(user, "outbox")
    is_sender = outbox.filter(pk=item.pk).exists()
    context = {
        "transfer": item,
        "is_sender": is_sender,
        "is_recipient": access.is_recipient(user, item),
        # The sender's receipt names the pupils the file holds.
        "pupils": TransferPupil.objects.filter(transfer=item) if is_sender else [],
    }
    return render(request, "transfers/transfer.html", context)
