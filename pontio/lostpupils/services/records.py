"""One record: viewing it, downloading its file, confirming the download.

Seed 002 section 4.1: before downloading, the officer confirms they have taken
reasonable steps to ensure the pupil is on roll at a school in their LA; after,
they confirm the file downloaded correctly, which marks the record downloaded by
their LA on that date (the case is resolved).
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pontio.audit import services as audit
from pontio.directory.models import User
from pontio.directory.roles import Capability
from pontio.lostpupils.models import LostPupilRecord
from pontio.transfers.blobs import BlobReader, open_blob
from pontio.transfers.models import StoredBlob


def _now() -> datetime:
    return timezone.now()


def file_gone() -> ValidationError:
    return ValidationError(
        _("This pupil's file is no longer held in the Lost Pupil Database."),
        code="file_gone",
    )


def held_blob(record: LostPupilRecord) -> StoredBlob:
    """Return the record's stored file, or raise ``file_gone``."""
    transfer = record.transfer
    if record.state == record.State.REMOVED or transfer is None:
        raise file_gone()
    if transfer.blob is None:
        raise file_gone()
    return transfer.blob


@transaction.atomic
def record_lost_pupil_viewed(
    record: LostPupilRecord, *, actor: User, request: HttpRequest | None = None
) -> None:
    """Write to the audit trail that the user looked at a record's details."""
    audit.record("lostpupil.viewed", actor=actor, obj=record, request=request)


def open_lost_pupil_file(
    record: LostPupilRecord,
    *,
    actor: User,
    confirm_on_roll: bool,
    request: HttpRequest | None = None,
) -> BlobReader:
    """Open a record's file for download, once the officer confirms the pupil
    is on roll at a school in their LA; the download is audited."""
    if not actor.can(Capability.DOWNLOAD_LOST_PUPILS):
        raise PermissionDenied
    if not confirm_on_roll:
        raise ValidationError(
            _(
                "Confirm that you have taken reasonable steps to ensure the pupil "
                "is on roll at a school in your local authority."
            ),
            code="confirm_on_roll_required",
        )
    reader = open_blob(held_blob(record))
    with transaction.atomic():
        audit.record(
            "lostpupil.downloaded",
            actor=actor,
            obj=record,
            request=request,
            confirm_on_roll=True,
        )
    return reader


def resolve(record: LostPupilRecord, *, actor: User) -> bool:
    """Mark an open record downloaded by the actor's LA today (first time only).

    Call inside the caller's transaction.
    """
    now = _now()
    claimed = LostPupilRecord.objects.filter(
        pk=record.pk, state=LostPupilRecord.State.OPEN
    ).update(
        state=LostPupilRecord.State.DOWNLOADED,
        downloaded_by_la=actor.organisation,
        downloaded_at=now,
    )
    record.refresh_from_db(fields=["state", "downloaded_by_la", "downloaded_at"])
    return claimed == 1


@transaction.atomic
def confirm_lost_pupil_downloaded(
    record: LostPupilRecord, *, actor: User, request: HttpRequest | None = None
) -> bool:
    """Record that the file downloaded correctly: the case is resolved.

    Return False if an LA had already resolved it (its LA and date stay).
    """
    if not actor.can(Capability.DOWNLOAD_LOST_PUPILS) or not actor.organisation.is_la:
        raise PermissionDenied
    held_blob(record)
    first = resolve(record, actor=actor)
    audit.record(
        "lostpupil.download_confirmed",
        actor=actor,
        obj=record,
        request=request,
        first=first,
    )
    return first
