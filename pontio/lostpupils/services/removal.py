"""Removing records: by the uploading school's LA, and by age (seed 002 s. 1.3).

The LA that maintains the uploading school removes a record once the pupil's
destination is known; a daily job removes every record once the pupil is past
compulsory school age (``schoolage``). Either way the stored file is deleted,
the destruction log of the uploading school's LA gets an entry, and the record
row stays, marked removed, for the LA's lost pupil reports.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pontio.audit import services as audit
from pontio.directory.models import Organisation, User
from pontio.directory.roles import Capability
from pontio.lostpupils.models import LostPupilRecord
from pontio.lostpupils.services.schoolage import past_school_age_if_born_before
from pontio.transfers import services as hub
from pontio.transfers.models import DestructionLogEntry, Transfer

logger = logging.getLogger(__name__)

MAX_NOTE_CHARS = 500
EXPIRY_BATCH = 200
REASON_IN_LOG = {
    LostPupilRecord.RemovalReason.DESTINATION_KNOWN: (
        DestructionLogEntry.Reason.DELETED_BY_LA
    ),
    LostPupilRecord.RemovalReason.PAST_SCHOOL_AGE: DestructionLogEntry.Reason.RETENTION,
}


def _now() -> datetime:
    return timezone.now()


def may_remove(user: User, record: LostPupilRecord) -> bool:
    """Tell whether the user is a lost pupil officer of the uploading school's LA."""
    organisation = user.organisation
    return (
        user.can(Capability.SEARCH_LOST_PUPILS)
        and organisation.is_la
        and organisation.code == record.la_code
    )


def _clean_note(note: str) -> str:
    note = " ".join(note.split())
    if not note:
        raise ValidationError(
            _("Enter where the pupil went, or how you know."), code="note_required"
        )
    if len(note) > MAX_NOTE_CHARS:
        raise ValidationError(
            _("The note must be %(limit)s characters or fewer."),
            code="note_too_long",
            params={"limit": MAX_NOTE_CHARS},
        )
    return note


@transaction.atomic
def remove_lost_pupil(
    record: LostPupilRecord,
    *,
    actor: User,
    note: str,
    request: HttpRequest | None = None,
) -> DestructionLogEntry:
    """Remove a record whose destination is known; its file is destroyed, logged."""
    if not may_remove(actor, record):
        raise PermissionDenied
    note = _clean_note(note)
    locked = _lock(record.pk)
    if locked is None:
        raise ValidationError(
            _("This record has already been removed."), code="already_removed"
        )
    entry = _remove(
        locked,
        reason=LostPupilRecord.RemovalReason.DESTINATION_KNOWN,
        note=note,
        actor=actor,
    )
    audit.record(
        "lostpupil.removed",
        actor=actor,
        obj=locked,
        request=request,
        reason=locked.removal_reason,
    )
    record.refresh_from_db()
    return entry


def expire_lost_pupil_records(*, today: date | None = None) -> int:
    """Remove every record of a pupil past compulsory school age; return how many."""
    born_before = past_school_age_if_born_before(today or timezone.localdate())
    removed = 0
    while True:
        batch = list(
            LostPupilRecord.objects.exclude(state=LostPupilRecord.State.REMOVED)
            .filter(date_of_birth__lt=born_before)
            .values_list("pk", flat=True)[:EXPIRY_BATCH]
        )
        if not batch:
            break
        removed += sum(_expire_one(pk, born_before) for pk in batch)
    if removed:
        logger.info("Removed %d lost pupil records past school age", removed)
    return removed


@transaction.atomic
def _expire_one(pk: int, born_before: date) -> int:
    locked = _lock(pk)
    # Claimed by another worker, or not past school age after all.
    if (
        locked is None
        or not locked.date_of_birth
        or locked.date_of_birth >= born_before
    ):
        return 0
    _remove(
        locked,
        reason=LostPupilRecord.RemovalReason.PAST_SCHOOL_AGE,
        note="",
        actor=None,
    )
    audit.record(
        "lostpupil.removed",
        actor=None,
        obj=locked,
        organisation=_log_la(locked),
        reason=locked.removal_reason,
    )
    return 1


def _lock(pk: int) -> LostPupilRecord | None:
    return (
        LostPupilRecord.objects.select_for_update(of=("self",))
        .exclude(state=LostPupilRecord.State.REMOVED)
        .select_related("school")
        .filter(pk=pk)
        .first()
    )


def _remove(
    record: LostPupilRecord, *, reason: str, note: str, actor: User | None
) -> DestructionLogEntry:
    entry = _destroy_file(record, reason=REASON_IN_LOG[reason], actor=actor)
    record.state = LostPupilRecord.State.REMOVED
    record.removed_at = entry.destroyed_at
    record.removal_reason = reason
    record.removal_note = note
    record.save(update_fields=["state", "removed_at", "removal_reason", "removal_note"])
    return entry


def _destroy_file(
    record: LostPupilRecord, *, reason: str, actor: User | None
) -> DestructionLogEntry:
    transfer = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("blob")
        .filter(pk=record.transfer_id)
        .first()
    )
    if transfer is not None and transfer.blob is not None:
        return hub.destroy_file(
            transfer, status=Transfer.Status.DELETED, reason=reason, actor=actor
        )
    # No file held (already deleted, or a record made without one): the
    # removal is still logged.
    return DestructionLogEntry.objects.create(
        la=_log_la(record),
        transfer=transfer,
        file_reference=str(record.code),
        description=(
            f"Lost Pupil Database record ({record.kind}, {record.school.code}, "
            f"{record.uploaded_at:%Y-%m-%d})"
        ),
        number_of_files=1,
        reason=reason,
        authorised_by=actor,
        authorising_officer=(actor.get_full_name() or actor.get_username())
        if actor
        else "",
        destroyed_at=_now(),
    )


def _log_la(record: LostPupilRecord) -> Organisation:
    """The uploading school's LA, whose destruction log records the removal."""
    school = record.school
    if school.is_la:
        return school
    return Organisation.objects.get(pk=school.la_id)
