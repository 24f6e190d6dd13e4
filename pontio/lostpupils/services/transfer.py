"""Sending a lost pupil's file on to a school of the officer's LA in one step.

Seed 002 section 4.2 has the officer download the file, rename it for the
school and upload it again. Pontio does the same in one step: the file goes
through the hub's own upload as an upload from the LA's ``LLLL`` mailbox, so
the usual checks, receipts and e-mails happen, and the record is resolved.
"""

from __future__ import annotations

import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from pontio.audit import services as audit
from pontio.ctf.filenames import Endpoint, build_ctf_filename
from pontio.directory.models import Organisation, User
from pontio.directory.roles import Capability
from pontio.lostpupils.models import LostPupilRecord
from pontio.lostpupils.services.records import held_blob, resolve
from pontio.transfers import services as hub
from pontio.transfers.blobs import read_blob_bytes
from pontio.transfers.models import Transfer

MAX_SEQUENCE = 999  # NNN in the file name


def schools_for_transfer(actor: User) -> list[Organisation]:
    """The open schools of the actor's LA, which may receive a lost pupil's file."""
    if not actor.organisation.is_la:
        return []
    return list(
        Organisation.objects.filter(
            kind=Organisation.Kind.SCHOOL, la=actor.organisation, is_active=True
        ).order_by("code")
    )


def _own_school(actor: User, code: str) -> Organisation:
    school = Organisation.objects.filter(
        kind=Organisation.Kind.SCHOOL,
        code=code.strip(),
        la=actor.organisation_id,
        is_active=True,
    ).first()
    if school is None or not actor.organisation.is_la:
        raise ValidationError(
            _("Choose an open school of your local authority."),
            code="transfer_not_own_school",
        )
    return school


def _filename(actor: User, school: Organisation) -> str:
    """The LA upload's name: ``681LLLL_CTF_6812003_001.XML``, numbered on."""
    source = Endpoint.for_la(actor.organisation.code)
    sent = Transfer.objects.filter(
        source_code=source.code, destination_code=school.code
    ).count()
    return build_ctf_filename(
        source, Endpoint.for_school(school.code), sent % MAX_SEQUENCE + 1
    )


def transfer_lost_pupil(
    record: LostPupilRecord,
    *,
    actor: User,
    school_code: str,
    request: HttpRequest | None = None,
) -> Transfer:
    """Send a record's file to a school of the actor's LA and resolve the record."""
    if not actor.can(Capability.TRANSFER_LOST_PUPILS):
        raise PermissionDenied
    try:
        with transaction.atomic():
            return _send_on(
                record, actor=actor, school_code=school_code, request=request
            )
    except ValidationError as error:
        with transaction.atomic():
            audit.record(
                "lostpupil.transfer_refused",
                actor=actor,
                obj=record,
                outcome="failure",
                request=request,
                code=getattr(error, "code", None) or "invalid",
                school=school_code[:16],
            )
        raise


def _send_on(
    record: LostPupilRecord,
    *,
    actor: User,
    school_code: str,
    request: HttpRequest | None,
) -> Transfer:
    school = _own_school(actor, school_code)
    locked = (
        LostPupilRecord.objects.select_for_update(of=("self",))
        .select_related("transfer__blob")
        .get(pk=record.pk)
    )
    data = read_blob_bytes(held_blob(locked))
    transfer = hub.upload_file(
        io.BytesIO(data), _filename(actor, school), actor=actor, request=request
    )
    first = resolve(locked, actor=actor)
    locked.transferred_to = school
    locked.save(update_fields=["transferred_to"])
    audit.record(
        "lostpupil.transferred",
        actor=actor,
        obj=locked,
        request=request,
        school=school.code,
        transfer=str(transfer.code),
        first=first,
    )
    record.refresh_from_db()
    return transfer
