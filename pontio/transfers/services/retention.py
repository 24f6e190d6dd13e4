"""Deleting files: by a person or by the retention policy, always logged.

By default a collected file is deleted ``TRANSFER_RETENTION_DAYS`` (60) days
after its first download; an uncollected file is kept until it is collected,
rejected or deleted by its LA; a rejected file is deleted at once. The row stays
as the sender's receipt, without the file and without its pupils, and every
deletion writes a ``DestructionLogEntry`` for the LA responsible.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from pontio.audit import services as audit
from pontio.directory.models import User
from pontio.transfers import conf
from pontio.transfers.blobs import delete_blob
from pontio.transfers.models import DestructionLogEntry, Transfer

logger = logging.getLogger(__name__)

RETENTION_BATCH = 200


def _now() -> datetime:
    return timezone.now()


def destroy_file(
    transfer: Transfer,
    *,
    status: str,
    reason: str,
    actor: User | None,
) -> DestructionLogEntry:
    """Delete a transfer's file and pupils, set its final status, log it.

    Call inside the caller's transaction; the stored file itself goes once the
    transaction commits.
    """
    now = _now()
    blob = transfer.blob
    transfer.status = status
    transfer.blob = None
    update_fields = ["status", "blob"]
    if status == Transfer.Status.DELETED:
        transfer.deleted_at = now
        transfer.deleted_by = actor
        update_fields += ["deleted_at", "deleted_by"]
    transfer.save(update_fields=update_fields)
    transfer.pupils.all().delete()
    if blob is not None:
        delete_blob(blob)
    return DestructionLogEntry.objects.create(
        la_id=transfer.destination_la_id or transfer.source_la_id,
        transfer=transfer,
        file_reference=str(transfer.code),
        description=describe(transfer),
        number_of_files=1,
        reason=reason,
        authorised_by=actor,
        authorising_officer=_officer_name(actor),
        destroyed_at=now,
    )


def describe(transfer: Transfer) -> str:
    """A description of a file for the destruction log, without pupil details."""
    return (
        f"{transfer.filename} ({transfer.source_code} → {transfer.destination_code}, "
        f"{transfer.kind}, {transfer.uploaded_at:%Y-%m-%d})"
    )


def _officer_name(actor: User | None) -> str:
    if actor is None:
        return ""
    return actor.get_full_name() or actor.get_username()


def apply_retention() -> int:
    """Delete every collected file past its retention period; return how many."""
    cutoff = _now() - timedelta(days=conf.retention_days())
    deleted = 0
    while True:
        codes = list(
            Transfer.objects.filter(
                status=Transfer.Status.COLLECTED, collected_at__lte=cutoff
            ).values_list("pk", flat=True)[:RETENTION_BATCH]
        )
        if not codes:
            break
        deleted += sum(_expire_one(pk, cutoff) for pk in codes)
    if deleted:
        logger.info("Retention deleted %d collected files", deleted)
    return deleted


@transaction.atomic
def _expire_one(pk: int, cutoff: datetime) -> int:
    # Claim the row: another worker running the same job skips it.
    transfer = (
        Transfer.objects.select_for_update(of=("self",))
        .filter(pk=pk, status=Transfer.Status.COLLECTED, collected_at__lte=cutoff)
        .select_related("blob")
        .first()
    )
    if transfer is None:
        return 0
    destroy_file(
        transfer,
        status=Transfer.Status.DELETED,
        reason=DestructionLogEntry.Reason.RETENTION,
        actor=None,
    )
    audit.record(
        "transfer.deleted",
        actor=None,
        obj=transfer,
        organisation=transfer.destination_la or transfer.source_la,
        reason=DestructionLogEntry.Reason.RETENTION.value,
        retention_days=conf.retention_days(),
    )
    return 1
