"""What happens to a file once it is sent: download, reject, delete, forward."""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pontio.audit import services as audit
from pontio.ctf.filenames import (
    Endpoint,
    build_ctf_filename,
    build_generic_filename,
    parse_filename,
)
from pontio.directory.models import Organisation, User
from pontio.transfers import access, queries, tasks
from pontio.transfers.blobs import BlobIntegrityError, BlobReader, open_blob
from pontio.transfers.models import DestructionLogEntry, Transfer
from pontio.transfers.services.retention import destroy_file

logger = logging.getLogger(__name__)

MAX_REASON_CHARS = 1000


def _now() -> datetime:
    return timezone.now()


class _ChunkBuffer(io.RawIOBase):
    """A write-only, unseekable file whose written bytes are taken in chunks."""

    def __init__(self) -> None:
        super().__init__()
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def _file_gone() -> ValidationError:
    return ValidationError(
        _("This file is no longer held in Pontio: it was rejected or deleted."),
        code="file_gone",
    )


def download_transfer(
    transfer: Transfer, *, actor: User, request: HttpRequest | None = None
) -> BlobReader:
    """Open a file for download; the destination's first download collects it.

    The caller has the transfer from ``access.get_transfer_for``. The file is
    checked whole before this returns, so a damaged file never starts a download.
    """
    if not transfer.is_available or transfer.blob is None:
        raise _file_gone()
    try:
        reader = open_blob(transfer.blob)
    except BlobIntegrityError as error:
        # Stored files are checked on every read: this one no longer matches.
        logger.error(
            "stored file of transfer %s failed its check: %s", transfer.pk, error
        )
        raise ValidationError(
            _(
                "This file is damaged and cannot be downloaded. Ask the sender to "
                "send it again."
            ),
            code="file_damaged",
        ) from None
    _record_download(transfer, actor=actor, request=request)
    return reader


@transaction.atomic
def download_as_zip(
    transfers: Sequence[Transfer],
    *,
    actor: User,
    request: HttpRequest | None = None,
) -> Iterator[bytes]:
    """Open several files for download as one zip, streamed chunk by chunk.

    Each file is checked and its download recorded (collecting it, for its
    destination) before the first byte, all in one transaction: if one file
    cannot be sent, none is recorded. Memory stays at a few chunks.
    """
    readers = [
        (transfer, download_transfer(transfer, actor=actor, request=request))
        for transfer in transfers
    ]
    return _zip_chunks(readers)


def _zip_chunks(readers: list[tuple[Transfer, BlobReader]]) -> Iterator[bytes]:
    buffer = _ChunkBuffer()
    names: set[str] = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for transfer, reader in readers:
            member = zipfile.ZipInfo(
                _unique_name(transfer.filename, names),
                date_time=timezone.localtime(transfer.uploaded_at).timetuple()[:6],
            )
            member.compress_type = zipfile.ZIP_DEFLATED
            with reader, archive.open(member, "w") as target:
                for chunk in reader.chunks():
                    target.write(chunk)
                    yield buffer.take()
    yield buffer.take()


def _unique_name(name: str, taken: set[str]) -> str:
    candidate, number = name, 1
    while candidate.lower() in taken:
        number += 1
        stem, dot, extension = name.rpartition(".")
        candidate = f"{stem}({number}){dot}{extension}" if dot else f"{name}({number})"
    taken.add(candidate.lower())
    return candidate


@transaction.atomic
def _record_download(
    transfer: Transfer, *, actor: User, request: HttpRequest | None
) -> None:
    collected = access.is_recipient(actor, transfer) and _collect(transfer, actor)
    audit.record(
        "transfer.downloaded",
        actor=actor,
        obj=transfer,
        request=request,
        first=collected,
    )
    if collected:
        audit.record("transfer.collected", actor=actor, obj=transfer, request=request)
        tasks.notify_collected.enqueue(transfer_id=transfer.pk)


def _collect(transfer: Transfer, actor: User) -> bool:
    """Mark the file collected; only the first download does (conditional update)."""
    now = _now()
    claimed = Transfer.objects.filter(
        pk=transfer.pk, status=Transfer.Status.AWAITING
    ).update(status=Transfer.Status.COLLECTED, collected_at=now, collected_by=actor)
    if claimed != 1:
        return False
    transfer.status = Transfer.Status.COLLECTED
    transfer.collected_at = now
    transfer.collected_by = actor
    return True


@transaction.atomic
def reject_transfer(
    transfer: Transfer,
    *,
    actor: User,
    reason: str,
    request: HttpRequest | None = None,
) -> None:
    """Reject a received file and tell its sender why; the file is deleted."""
    access.require_recipient(actor, transfer)
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            _("Enter why you are rejecting the file."), code="reason_required"
        )
    if len(reason) > MAX_REASON_CHARS:
        raise ValidationError(
            _("The reason must be %(limit)s characters or fewer."),
            code="reason_too_long",
            params={"limit": MAX_REASON_CHARS},
        )
    locked = _lock(transfer)
    if not locked.is_available:
        raise _file_gone()
    locked.rejected_at = _now()
    locked.rejected_by = actor
    locked.rejection_reason = reason
    locked.save(update_fields=["rejected_at", "rejected_by", "rejection_reason"])
    destroy_file(
        locked,
        status=Transfer.Status.REJECTED,
        reason=DestructionLogEntry.Reason.REJECTED,
        actor=actor,
    )
    audit.record("transfer.rejected", actor=actor, obj=locked, request=request)
    tasks.notify_rejected.enqueue(transfer_id=locked.pk)
    transfer.refresh_from_db()


def _lock(transfer: Transfer) -> Transfer:
    return (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("blob")
        .get(pk=transfer.pk)
    )


def _require_uncollected_for_la(user: User, transfer: Transfer) -> Transfer:
    if not access.may_manage_for_la(user, transfer):
        raise PermissionDenied
    locked = _lock(transfer)
    if locked.status != Transfer.Status.AWAITING:
        raise ValidationError(
            _("Only a file that has not been downloaded can be deleted or sent on."),
            code="not_awaiting",
        )
    return locked


@transaction.atomic
def delete_transfer(
    transfer: Transfer, *, actor: User, request: HttpRequest | None = None
) -> DestructionLogEntry:
    """Delete a file its LA's school (or the LA) has not collected; log it."""
    locked = _require_uncollected_for_la(actor, transfer)
    entry = destroy_file(
        locked,
        status=Transfer.Status.DELETED,
        reason=DestructionLogEntry.Reason.DELETED_BY_LA,
        actor=actor,
    )
    audit.record("transfer.deleted", actor=actor, obj=locked, request=request)
    transfer.refresh_from_db()
    return entry


@transaction.atomic
def forward_transfer(
    transfer: Transfer,
    *,
    actor: User,
    school: Organisation,
    request: HttpRequest | None = None,
) -> None:
    """Send an uncollected file on to another school of the LA, and tell it."""
    locked = _require_uncollected_for_la(actor, transfer)
    _check_forward_target(actor, locked, school)
    previous = locked.destination_code
    locked.destination = school
    locked.destination_mailbox = ""
    locked.destination_code = school.code
    locked.route = Transfer.Route.SCHOOL
    locked.filename = _renamed(locked, school)
    locked.overdue_notified_at = None
    locked.save(
        update_fields=[
            "destination",
            "destination_mailbox",
            "destination_code",
            "route",
            "filename",
            "overdue_notified_at",
        ]
    )
    audit.record(
        "transfer.forwarded",
        actor=actor,
        obj=locked,
        request=request,
        previous_destination=previous,
        destination=school.code,
    )
    tasks.notify_upload.enqueue(transfer_id=locked.pk, forwarded=True)
    transfer.refresh_from_db()


def _check_forward_target(
    actor: User, transfer: Transfer, school: Organisation
) -> None:
    in_la = school.is_school and school.la_id == actor.organisation_id
    if not in_la or not school.is_active:
        raise ValidationError(
            _("Choose an open school of your local authority."),
            code="forward_not_own_school",
        )
    if school.pk == transfer.destination_id:
        raise ValidationError(
            _("The file is already addressed to this school."),
            code="forward_same_school",
        )
    if queries.is_awaiting_at(school.code, transfer.sha256):
        raise ValidationError(
            _("This school already has this file waiting to be downloaded."),
            code="duplicate_file",
        )


def _renamed(transfer: Transfer, school: Organisation) -> str:
    """The file's name with the new school as its destination."""
    name = parse_filename(transfer.filename)
    destination = Endpoint.for_school(school.code)
    if name.sequence is not None:
        return build_ctf_filename(name.source, destination, name.sequence)
    return build_generic_filename(name.source, destination, name.label or "")
