"""``/api/v1/transfers``: send, list, read, download and reject files.

The handlers call the same ``access`` and ``services`` functions as the pages.
An upload is read through a size-limited handler, so a file over the sender's
limit is refused (413) before it is kept whole.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from ninja import Query, Router, Schema, Status

from pontio.api.auth import user_of
from pontio.api.errors import ApiError, ErrorOut, error_response, first_validation_error
from pontio.transfers import access, queries, services
from pontio.transfers.models import Transfer
from pontio.transfers.services import UploadRefusedError

router = Router(tags=["transfers"])

MAX_LIST_ITEMS = 1000
DEFAULT_LIST_ITEMS = 100
CONTENT_TYPES = {
    Transfer.Kind.CTF: "application/xml",
    Transfer.Kind.GENERIC: "application/zip",
}
UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "The file, named by the s2s convention.",
                        }
                    },
                }
            }
        },
    }
}
ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 409, 413), ErrorOut)


class WarningOut(Schema):
    code: str
    message: str


class TransferOut(Schema):
    id: UUID
    filename: str
    kind: str
    source: str
    destination: str
    route: str
    status: str
    pupil_count: int
    warnings: list[WarningOut]
    size: int
    sha256: str
    uploaded_at: datetime
    collected_at: datetime | None
    rejected_at: datetime | None
    rejection_reason: str


class TransferListOut(Schema):
    items: list[TransferOut]


class TransferFilters(Schema):
    box: Literal["inbox", "outbox", "la"] = "inbox"
    status: Literal["awaiting", "collected", "rejected", "deleted"] | None = None
    kind: Literal["ctf", "generic"] | None = None
    limit: int = DEFAULT_LIST_ITEMS


class RejectIn(Schema):
    reason: str


def transfer_out(transfer: Transfer) -> TransferOut:
    """The transfer shape of INTERFACES.md, warnings in the caller's language."""
    return TransferOut(
        id=transfer.code,
        filename=transfer.filename,
        kind=transfer.kind,
        source=transfer.source_code,
        destination=transfer.destination_code,
        route=transfer.route,
        status=transfer.status,
        pupil_count=transfer.pupil_count,
        warnings=[WarningOut(**item) for item in transfer.rendered_warnings()],
        size=transfer.size,
        sha256=transfer.sha256,
        uploaded_at=transfer.uploaded_at,
        collected_at=transfer.collected_at,
        rejected_at=transfer.rejected_at,
        rejection_reason=transfer.rejection_reason,
    )


def _refused(error: ValidationError) -> Any:
    code, message = first_validation_error(error)
    problems = [
        {
            "code": problem.code,
            "message": problem.render(gettext),
            "line": problem.line,
            "path": problem.path,
        }
        for problem in getattr(error, "problems", ())
    ]
    status = services.CODE_STATUS.get(code, 400)
    return error_response(status, code, message, problems=problems)


@router.post(
    "/transfers",
    response={201: TransferOut, **ERRORS},
    summary="Send a file",
    openapi_extra=UPLOAD_BODY,
)
def upload(request: HttpRequest) -> Any:
    """Send a CTF or a zip file; its name says where it goes (s2s convention)."""
    user = user_of(request)
    limit = services.max_upload_bytes(user)
    handler = services.SizeLimitedUploadHandler(request, limit)
    request.upload_handlers = [handler]
    try:
        uploaded = request.FILES.get("file")
    except UploadRefusedError as error:
        filename = getattr(handler, "file_name", None) or ""
        services.record_refused_upload(error, filename, actor=user, request=request)
        return _refused(error)
    if uploaded is None:
        raise ApiError(
            400,
            "file_missing",
            gettext("Send the file in the multipart field named file."),
        )
    try:
        transfer = services.upload_file(
            uploaded, uploaded.name or "", actor=user, request=request
        )
    except UploadRefusedError as error:
        return _refused(error)
    return Status(201, transfer_out(transfer))


@router.get(
    "/transfers", response={200: TransferListOut, **ERRORS}, summary="List a box"
)
def list_transfers(request: HttpRequest, filters: Query[TransferFilters]) -> Any:
    """List a box (inbox, outbox or the LA's copies), newest first."""
    user = user_of(request)
    limit = max(1, min(filters.limit, MAX_LIST_ITEMS))
    transfers = queries.box_listing(
        user, filters.box, status=filters.status, kind=filters.kind
    )[:limit]
    return TransferListOut(items=[transfer_out(item) for item in transfers])


@router.get(
    "/transfers/{id}", response={200: TransferOut, **ERRORS}, summary="One transfer"
)
def get_transfer(request: HttpRequest, id: str) -> Any:
    """Describe one transfer the caller's organisation may see."""
    return transfer_out(access.get_transfer_for(user_of(request), id))


@router.get(
    "/transfers/{id}/content",
    response={200: None, **ERRORS},
    summary="Download the file",
)
def download(request: HttpRequest, id: str) -> Any:
    """The file exactly as uploaded; the destination's first download collects it."""
    user = user_of(request)
    transfer = access.get_transfer_for(user, id)
    try:
        reader = services.download_transfer(transfer, actor=user, request=request)
    except ValidationError as error:
        code, message = first_validation_error(error)
        raise ApiError(404, code, message) from None
    return file_response(transfer, reader)


def file_response(transfer: Transfer, reader: Any) -> StreamingHttpResponse:
    """Stream a stored file as an attachment, exactly as it was uploaded."""
    response = StreamingHttpResponse(
        reader.chunks(), content_type=CONTENT_TYPES[Transfer.Kind(transfer.kind)]
    )
    response["Content-Length"] = str(transfer.size)
    response["Content-Disposition"] = content_disposition_header(
        True, transfer.filename
    )
    response["X-Content-SHA256"] = transfer.sha256
    return response


@router.post(
    "/transfers/{id}/reject",
    response={200: TransferOut, **ERRORS},
    summary="Reject a received file",
)
def reject(request: HttpRequest, id: str, payload: RejectIn) -> Any:
    """Reject a file addressed to the caller, with a reason the sender will see."""
    user = user_of(request)
    transfer = access.get_transfer_for(user, id)
    try:
        services.reject_transfer(
            transfer, actor=user, reason=payload.reason, request=request
        )
    except ValidationError as error:
        code, message = first_validation_error(error)
        raise ApiError(404 if code == "file_gone" else 400, code, message) from None
    return transfer_out(transfer)
