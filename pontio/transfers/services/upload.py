"""Upload: check a file, store it encrypted and address it (ARCHITECTURE, main flow).

The checks run in the order the architecture gives, before anything is written:
the size while the file is read, the name, the sender, the content (a CTF is
validated, a zip checked), the header against the name, the one-pupil rule of
the Lost Pupil Database, the destination, and duplicates. Then one transaction
stores the file, records the transfer and its pupils, audits and enqueues the
notifications. A refused upload leaves only its audit event.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any, BinaryIO, cast

from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pontio.audit import services as audit
from pontio.ctf.filenames import EndpointKind, FileKind, S2SFileName, parse_filename
from pontio.ctf.problems import CTFError, Problem
from pontio.ctf.validator import ValidationReport, validate_ctf
from pontio.directory.models import Organisation, User
from pontio.directory.roles import ROLE_MAILBOX, Capability
from pontio.lostpupils.indexing import index_lost_pupil
from pontio.lostpupils.models import LostPupilRecord
from pontio.transfers import conf, queries, tasks, zipcheck
from pontio.transfers.blobs import store_blob
from pontio.transfers.models import StoredBlob, Transfer, TransferPupil

COPY_CHUNK_BYTES = 64 * 1024
# Small files stay in memory while they are checked; larger ones go to disk.
SPOOL_IN_MEMORY_BYTES = 1024 * 1024

# The codes with an HTTP status other than 400 (INTERFACES.md).
CODE_STATUS = {
    "file_too_large": 413,
    "duplicate_file": 409,
    "lost_pupil_duplicate": 409,
    "transfer_not_allowed": 403,
    "kind_not_allowed": 403,
}


class UploadRefusedError(ValidationError):
    """A refused upload: ``code`` says why, ``problems`` lists every problem found.

    ``problems`` holds the toolkit's problems (file name or CTF), each with its
    own code, line and path; it is empty for the hub's own rules.
    """

    def __init__(
        self,
        message: Any,
        *,
        code: str,
        params: dict[str, Any] | None = None,
        problems: tuple[Problem, ...] = (),
    ) -> None:
        super().__init__(message, code=code, params=params)
        self.problems = problems


@dataclass(frozen=True)
class Incoming:
    """An uploaded file spooled for checking, with its size and SHA-256."""

    file: BinaryIO
    size: int
    sha256: str


@dataclass(frozen=True)
class _Plan:
    name: S2SFileName
    filename: str
    incoming: Incoming
    report: ValidationReport | None
    destination: Organisation | None
    destination_la: Organisation | None


def max_upload_bytes(user: User) -> int:
    """Return the largest file ``user`` may send: schools 4 MB, LAs 10 MB."""
    if user.organisation.is_la:
        return conf.max_la_upload_bytes()
    return conf.max_school_upload_bytes()


def file_too_large(limit: int) -> UploadRefusedError:
    return UploadRefusedError(
        _("The file must be smaller than %(limit)s MB. Split it into smaller files."),
        code="file_too_large",
        params={"limit": limit // conf.MEGABYTE},
    )


class SizeLimitedUploadHandler(TemporaryFileUploadHandler):
    """Stop reading an upload as soon as it passes its sender's limit.

    Install it first in ``request.upload_handlers`` before the request's files
    are read, so an over-size file is refused without being kept whole.
    """

    def __init__(self, request: HttpRequest | None, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit:
            raise file_too_large(self.limit)
        return super().receive_data_chunk(raw_data, start)


def upload_file(
    fileobj: IO[bytes],
    filename: str,
    *,
    actor: User,
    request: HttpRequest | None = None,
) -> Transfer:
    """Check a file, store it encrypted and address it to its destination."""
    try:
        _require_may_upload(actor)
        with spooled(fileobj, limit=max_upload_bytes(actor)) as incoming:
            plan = _check(incoming, filename, actor)
            return _record(plan, actor=actor, request=request)
    except ValidationError as error:
        record_refused_upload(error, filename, actor=actor, request=request)
        raise


def record_refused_upload(
    error: ValidationError,
    filename: str,
    *,
    actor: User,
    request: HttpRequest | None = None,
) -> None:
    """Audit a refused upload in its own transaction, so it outlives the refusal."""
    code = getattr(error, "code", None) or "invalid"
    with transaction.atomic():
        audit.record(
            "transfer.upload_refused",
            actor=actor,
            outcome="failure",
            request=request,
            code=code,
            filename=filename[:255],
        )


@contextmanager
def spooled(fileobj: IO[bytes], *, limit: int) -> Iterator[Incoming]:
    """Copy an upload to a temporary file, refusing it once it passes ``limit``."""
    digest = hashlib.sha256()
    size = 0
    if getattr(fileobj, "seekable", lambda: False)():
        fileobj.seek(0)
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY_BYTES) as target:
        while chunk := fileobj.read(COPY_CHUNK_BYTES):
            size += len(chunk)
            if size > limit:
                raise file_too_large(limit)
            digest.update(chunk)
            target.write(chunk)
        if size == 0:
            raise UploadRefusedError(
                _("The file is empty. Choose the file again."), code="file_empty"
            )
        target.seek(0)
        yield Incoming(cast(BinaryIO, target), size, digest.hexdigest())


def _require_may_upload(actor: User) -> None:
    if actor.can(Capability.TRANSFER_CTF) or actor.can(Capability.TRANSFER_GENERIC):
        return
    raise UploadRefusedError(
        _("Your role does not allow you to send files."), code="transfer_not_allowed"
    )


def _check(incoming: Incoming, filename: str, actor: User) -> _Plan:
    name = _parse_name(filename)
    _check_kind_allowed(name, actor)
    _check_source(name, actor)
    report = None
    if name.kind is FileKind.CTF:
        report = _check_ctf(incoming, name, actor)
        _check_not_lost_pupil_duplicate(name, report, actor)
    else:
        _check_zip(incoming)
    destination, destination_la = resolve_destination(name)
    _check_not_to_self(name)
    _check_not_duplicate(name.destination.code, incoming.sha256)
    return _Plan(name, filename, incoming, report, destination, destination_la)


def _check_zip(incoming: Incoming) -> None:
    try:
        zipcheck.check_zip(incoming.file)
    except ValidationError as error:
        raise UploadRefusedError(
            error.message, code=error.code or "zip_invalid", params=error.params
        ) from None


def _refusal_from_problems(
    code: str, problems: tuple[Problem, ...]
) -> UploadRefusedError:
    first = problems[0]
    return UploadRefusedError(
        _(first.template), code=code, params=dict(first.params), problems=problems
    )


def _parse_name(filename: str) -> S2SFileName:
    try:
        return parse_filename(filename)
    except CTFError as error:
        raise _refusal_from_problems("filename_invalid", error.problems) from None


def _check_kind_allowed(name: S2SFileName, actor: User) -> None:
    needed = (
        Capability.TRANSFER_CTF
        if name.kind is FileKind.CTF
        else Capability.TRANSFER_GENERIC
    )
    if actor.can(needed):
        return
    if name.kind is FileKind.CTF:
        message = _("Your role does not allow you to send CTFs.")
    else:
        message = _("Your role does not allow you to send zip files.")
    raise UploadRefusedError(message, code="kind_not_allowed")


def _check_source(name: S2SFileName, actor: User) -> None:
    organisation = actor.organisation
    source = name.source
    if organisation.is_school:
        if source.estab != organisation.code:
            raise UploadRefusedError(
                _(
                    "The file name must start with your school's establishment "
                    "number, %(code)s (it starts with %(found)s)."
                ),
                code="wrong_source_school",
                params={"code": organisation.code, "found": source.code},
            )
        return
    mailbox = ROLE_MAILBOX.get(actor.role)
    expected = f"{organisation.code}{mailbox}"
    if source.kind is not EndpointKind.LA or source.la != organisation.code:
        raise UploadRefusedError(
            _("The file name must start with your LA's code, %(code)s."),
            code="wrong_source_la",
            params={"code": expected},
        )
    if source.mailbox != mailbox:
        raise UploadRefusedError(
            _(
                "Your role sends files as %(code)s: start the file name with "
                "%(code)s (it starts with %(found)s)."
            ),
            code="wrong_source_mailbox",
            params={"code": expected, "found": source.code},
        )


def _check_ctf(incoming: Incoming, name: S2SFileName, actor: User) -> ValidationReport:
    report = validate_ctf(incoming.file, today=timezone.localdate())
    incoming.file.seek(0)
    if not report.valid:
        raise _refusal_from_problems("ctf_invalid", report.errors)
    if actor.organisation.is_school:
        _check_header_agrees(report, name)
    if name.is_lost_pupil and report.pupil_count != 1:
        raise UploadRefusedError(
            _(
                "A file for the Lost Pupil Database (XXXXXXX or MMMMMMM) must hold "
                "exactly one pupil; this one holds %(count)s. Make one CTF for each "
                "pupil."
            ),
            code="lost_pupil_not_single",
            params={"count": report.pupil_count},
        )
    return report


def header_codes(report: ValidationReport) -> tuple[str, str]:
    """The header's source and destination, each LEA and Estab joined."""
    header = report.header
    if header is None:
        return "", ""
    source = f"{header.source_school.lea or ''}{header.source_school.estab or ''}"
    destination = f"{header.dest_school.lea or ''}{header.dest_school.estab or ''}"
    return source, destination


def _destination_in_header(name: S2SFileName) -> set[str]:
    destination = name.destination
    if destination.kind is EndpointKind.LA:
        # A CTF header has no PLAS or ADMS: the LA itself is LLLL there.
        return {destination.code, f"{destination.la}LLLL"}
    return {destination.code}


def _check_header_agrees(report: ValidationReport, name: S2SFileName) -> None:
    source, destination = header_codes(report)
    if source.upper() != name.source.code:
        raise UploadRefusedError(
            _(
                "The file's name says it comes from %(name)s but the CTF inside "
                "says %(header)s. Export the CTF again from your MIS without "
                "renaming it."
            ),
            code="header_name_mismatch",
            params={"name": name.source.code, "header": source or "-"},
        )
    if destination.upper() not in _destination_in_header(name):
        raise UploadRefusedError(
            _(
                "The file's name says it goes to %(name)s but the CTF inside says "
                "%(header)s. Export the CTF again from your MIS without renaming "
                "it."
            ),
            code="header_name_mismatch",
            params={"name": name.destination.code, "header": destination or "-"},
        )


def resolve_destination(
    name: S2SFileName,
) -> tuple[Organisation | None, Organisation | None]:
    """Return the destination organisation and its LA (None, None: lost pupils)."""
    endpoint = name.destination
    if endpoint.is_lost_pupils:
        return None, None
    la, school = _destination_rows(endpoint.la or "", endpoint.estab)
    if la is None or not la.is_active:
        raise UploadRefusedError(
            _(
                "There is no local authority %(la)s in Pontio. Check the "
                "destination in the file name."
            ),
            code="unknown_destination_la",
            params={"la": endpoint.la or ""},
        )
    if endpoint.kind is EndpointKind.LA:
        return la, la
    if school is None or not school.is_active:
        # No file is ever stranded: the school's LA can always receive it.
        code = "unknown_destination" if school is None else "closed_destination"
        raise UploadRefusedError(
            _(
                "School %(school)s is not open in Pontio, so it cannot receive "
                "files. Send the file to its local authority instead, naming the "
                "destination %(la_code)s."
            ),
            code=code,
            params={"school": endpoint.code, "la_code": f"{endpoint.la}LLLL"},
        )
    return school, la


def _destination_rows(
    la_code: str, estab: str | None
) -> tuple[Organisation | None, Organisation | None]:
    """The LA ``la_code`` and the school ``estab`` (if any), in one query."""
    wanted = Q(kind=Organisation.Kind.LA, code=la_code)
    if estab:
        wanted |= Q(kind=Organisation.Kind.SCHOOL, code=estab)
    # Codes are unique, so there is at most one row of each kind.
    rows = Organisation.objects.filter(wanted).order_by()
    found = {row.kind: row for row in rows}
    return found.get(Organisation.Kind.LA), found.get(Organisation.Kind.SCHOOL)


def _check_not_to_self(name: S2SFileName) -> None:
    if name.source.code == name.destination.code:
        raise UploadRefusedError(
            _("A file cannot be sent to the mailbox it comes from."),
            code="same_source_destination",
        )


def _duplicate() -> UploadRefusedError:
    return UploadRefusedError(
        _(
            "This file has already been sent to this destination and is waiting "
            "to be downloaded. There is no need to send it again."
        ),
        code="duplicate_file",
    )


def _check_not_duplicate(destination_code: str, sha256: str) -> None:
    if queries.is_awaiting_at(destination_code, sha256):
        raise _duplicate()


def _lost_pupil_duplicate() -> UploadRefusedError:
    return UploadRefusedError(
        _(
            "This pupil's file is already in the Lost Pupil Database from your "
            "school, and the pupil is still considered lost. The original file "
            "stays there: do not send a duplicate."
        ),
        code="lost_pupil_duplicate",
    )


def _has_open_lost_pupil_record(report: ValidationReport, actor: User) -> bool:
    upn = (report.summaries[0].upn or "").strip().upper() if report.summaries else ""
    return bool(upn) and (
        LostPupilRecord.objects.filter(
            school=actor.organisation, upn=upn, state=LostPupilRecord.State.OPEN
        ).exists()
    )


def _check_not_lost_pupil_duplicate(
    name: S2SFileName, report: ValidationReport, actor: User
) -> None:
    """Seed 002 section 4.2: one open record per pupil (UPN) and school."""
    if name.is_lost_pupil and _has_open_lost_pupil_record(report, actor):
        raise _lost_pupil_duplicate()


def _route(name: S2SFileName) -> str:
    if name.destination.is_lost_pupils:
        return Transfer.Route.LOST_PUPILS
    if name.destination.kind is EndpointKind.LA:
        return Transfer.Route.LA
    return Transfer.Route.SCHOOL


def _record(plan: _Plan, *, actor: User, request: HttpRequest | None) -> Transfer:
    try:
        return _store_and_record(plan, actor=actor, request=request)
    except IntegrityError:
        # Two identical uploads at once: the constraint lets one through.
        if Transfer.objects.filter(
            destination_code=plan.name.destination.code,
            sha256=plan.incoming.sha256,
            status=Transfer.Status.AWAITING,
        ).exists():
            raise _duplicate() from None
        # Two uploads of one lost pupil at once: the index's constraint decides.
        report = plan.report
        if report is not None and _has_open_lost_pupil_record(report, actor):
            raise _lost_pupil_duplicate() from None
        raise


@transaction.atomic
def _store_and_record(
    plan: _Plan, *, actor: User, request: HttpRequest | None
) -> Transfer:
    # The file is written and made durable before the transaction's first
    # statement, so no row is locked while it is flushed to disk.
    blob = store_blob(plan.incoming.file)
    if blob.sha256 != plan.incoming.sha256:
        raise RuntimeError("The stored file differs from the checked file.")
    transfer = _new_transfer(plan, actor=actor, blob=blob)
    transfer.save(force_insert=True)
    if plan.report is not None:
        TransferPupil.objects.bulk_create(pupil_rows(transfer, plan.report))
        if plan.name.is_lost_pupil:
            index_lost_pupil(
                transfer_id=transfer.pk,
                summary=plan.report.summaries[0],
                kind=_lost_pupil_kind(plan.name),
                school=actor.organisation,
                uploaded_at=transfer.uploaded_at,
            )
    tasks.notify_upload.enqueue(transfer_id=transfer.pk)
    # The audit event is the last write: appending locks the trail's head until
    # the commit, so every other upload waits for as short a time as possible.
    audit.record(
        "transfer.uploaded",
        actor=actor,
        obj=transfer,
        request=request,
        filename=transfer.filename,
        kind=transfer.kind,
        destination=transfer.destination_code,
        pupil_count=transfer.pupil_count,
        size=transfer.size,
        warnings=len(transfer.warnings),
    )
    return transfer


def _lost_pupil_kind(name: S2SFileName) -> str:
    if name.destination.code == "MMMMMMM":
        return LostPupilRecord.Kind.LEFT_SECTOR
    return LostPupilRecord.Kind.MISSING


def _new_transfer(plan: _Plan, *, actor: User, blob: StoredBlob) -> Transfer:
    name = plan.name
    organisation = actor.organisation
    report = plan.report
    header_source, header_destination = ("", "")
    if report is not None:
        header_source, header_destination = header_codes(report)
    return Transfer(
        filename=plan.filename,
        kind=str(name.kind),
        route=_route(name),
        source=organisation,
        source_mailbox=str(name.source.mailbox or ""),
        source_code=name.source.code,
        # By id: the sender's LA row itself is not needed.
        source_la_id=organisation.pk if organisation.is_la else organisation.la_id,
        destination=plan.destination,
        destination_mailbox=str(name.destination.mailbox or ""),
        destination_code=name.destination.code,
        destination_la=plan.destination_la,
        uploaded_by=actor,
        uploaded_at=timezone.now(),
        pupil_count=report.pupil_count if report is not None else 0,
        size=plan.incoming.size,
        sha256=plan.incoming.sha256,
        warnings=[warning_record(problem) for problem in report.warnings]
        if report is not None
        else [],
        header_source=header_source[:7],
        header_destination=header_destination[:7],
        blob=blob,
    )


def warning_record(problem: Problem) -> dict[str, Any]:
    """A warning as stored with its transfer (rendered later, per reader)."""
    return {
        "code": problem.code,
        "template": problem.template,
        "params": dict(problem.params),
        "line": problem.line,
        "path": problem.path,
    }


def pupil_rows(transfer: Transfer, report: ValidationReport) -> list[TransferPupil]:
    """The index rows of a CTF's pupils, in file order."""
    return [
        TransferPupil(
            transfer=transfer,
            position=position,
            upn=(summary.upn or "")[:13],
            former_upn=(summary.former_upn or "")[:13],
            surname=(summary.surname or "")[:100],
            forename=(summary.forename or "")[:100],
            middle_names=(summary.middle_names or "")[:100],
            former_surname=(summary.former_surname or "")[:100],
            date_of_birth=summary.date_of_birth,
            sex=(summary.sex or "")[:1],
            town=(summary.town or "")[:100],
            postcode=(summary.postcode or "")[:10],
        )
        for position, summary in enumerate(report.summaries, start=1)
    ]
