"""``/api/v1/lost-pupils``: search the Lost Pupil Database, download, send on.

For the two LA lost pupil roles only; every other key gets 403. Searches are
POSTs, so no pupil detail travels in a URL. The handlers call the same
``access`` and ``services`` functions as the pages: each search is audited and
counts towards the hourly limit (429 ``search_rate_limited`` beyond it).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Router, Schema, Status

from pontio.api.auth import user_of
from pontio.api.errors import ApiError, ErrorOut, error_response, first_validation_error
from pontio.api.transfers import TransferOut, file_response, transfer_out
from pontio.directory.roles import Capability
from pontio.lostpupils import access, services
from pontio.lostpupils.models import LostPupilRecord
from pontio.lostpupils.queries import SORT_ORDERS, LostPupilCriteria
from pontio.transfers.services import CODE_STATUS

router = Router(tags=["lost pupils"])

ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 409, 429), ErrorOut)
# Refusals that mean the record or its file is not there for the caller.
GONE_CODES = {"file_gone", "already_removed"}


class SearchIn(Schema):
    upn: str = ""
    surname: str = ""
    match: Literal["exact", "soundalike"] = "soundalike"
    forename: str = ""
    dob: date | None = None
    gender: str = ""
    town: str = ""
    sort: str = "surname"
    include_resolved: bool = False


class SchoolOut(Schema):
    code: str
    name: str


class LostPupilOut(Schema):
    id: UUID
    kind: str
    state: str
    upn: str
    former_upn: str
    surname: str
    former_surname: str
    forename: str
    middle_names: str
    dob: date | None
    gender: str
    town: str
    la: str
    school: SchoolOut
    uploaded_at: datetime
    downloaded_at: datetime | None
    score: float | None = None


class SearchOut(Schema):
    results: list[LostPupilOut]
    has_more: bool


class DownloadIn(Schema):
    confirm_on_roll: bool = False


class TransferIn(Schema):
    school: str


class RemoveIn(Schema):
    note: str


def lost_pupil_out(record: LostPupilRecord, score: float | None = None) -> LostPupilOut:
    """A record as the API shows it."""
    return LostPupilOut(
        id=record.code,
        kind=record.kind,
        state=record.state,
        upn=record.upn,
        former_upn=record.former_upn,
        surname=record.surname,
        former_surname=record.former_surname,
        forename=record.forename,
        middle_names=record.middle_names,
        dob=record.date_of_birth,
        gender=record.sex,
        town=record.town,
        la=record.la_code,
        school=SchoolOut(code=record.school.code, name=record.school.name),
        uploaded_at=record.uploaded_at,
        downloaded_at=record.downloaded_at,
        score=score,
    )


def _refused(error: ValidationError) -> ApiError:
    code, message = first_validation_error(error)
    status = 404 if code in GONE_CODES else CODE_STATUS.get(code, 400)
    return ApiError(status, code, message)


@router.post(
    "/lost-pupils/search",
    response={200: SearchOut, **ERRORS},
    summary="Search for a lost pupil",
)
def search(request: HttpRequest, payload: SearchIn) -> Any:
    """Search every LA's lost pupils; ``match`` exact is "surname begins"."""
    user = user_of(request)
    if payload.sort not in SORT_ORDERS:
        message = gettext("Sort by one of: %(orders)s") % {
            "orders": ", ".join(SORT_ORDERS)
        }
        raise ApiError(400, "unknown_sort", message)
    criteria = LostPupilCriteria(
        upn="".join(payload.upn.split()).upper(),
        surname=payload.surname,
        surname_begins=payload.match == "exact",
        forename=payload.forename,
        date_of_birth=payload.dob,
        sex=payload.gender,
        town=payload.town,
    )
    try:
        results = services.search_lost_pupils_for(
            criteria,
            actor=user,
            include_resolved=payload.include_resolved,
            sort=payload.sort,
            request=request,
        )
    except services.SearchPausedError as error:
        code, message = first_validation_error(error)
        response = error_response(429, code, message)
        response["Retry-After"] = str(
            max(1, int((error.until - timezone.now()).total_seconds()))
        )
        return response
    except ValidationError as error:
        raise _refused(error) from None
    return SearchOut(
        results=[
            lost_pupil_out(match.record, match.score) for match in results.matches
        ],
        has_more=results.has_more,
    )


@router.get(
    "/lost-pupils/{id}", response={200: LostPupilOut, **ERRORS}, summary="One pupil"
)
def get_record(request: HttpRequest, id: str) -> Any:
    """One pupil's details (LA, school, date uploaded, former names); audited."""
    user = user_of(request)
    record = access.get_record_for(user, id)
    services.record_lost_pupil_viewed(record, actor=user, request=request)
    return lost_pupil_out(record)


@router.post(
    "/lost-pupils/{id}/download",
    response={200: None, **ERRORS},
    summary="Download a lost pupil's file",
)
def download(request: HttpRequest, id: str, payload: DownloadIn) -> Any:
    """The CTF as uploaded, with ``confirm_on_roll: true``; resolves the record.

    There is no second question here: a client that receives the whole file has
    downloaded it, so the record is marked downloaded by the caller's LA today.
    """
    user = user_of(request)
    if not user.can(Capability.DOWNLOAD_LOST_PUPILS):
        raise PermissionDenied
    record = access.get_record_for(user, id)
    try:
        reader = services.open_lost_pupil_file(
            record,
            actor=user,
            confirm_on_roll=payload.confirm_on_roll,
            request=request,
        )
        services.confirm_lost_pupil_downloaded(record, actor=user, request=request)
    except ValidationError as error:
        raise _refused(error) from None
    return file_response(record.transfer, reader)


@router.post(
    "/lost-pupils/{id}/transfer",
    response={201: TransferOut, **ERRORS},
    summary="Send a lost pupil's file to a school of your LA",
)
def transfer(request: HttpRequest, id: str, payload: TransferIn) -> Any:
    """Send the file on as an upload from the LA's LLLL mailbox; resolves the record."""
    user = user_of(request)
    if not user.can(Capability.TRANSFER_LOST_PUPILS):
        raise PermissionDenied
    record = access.get_record_for(user, id)
    try:
        sent = services.transfer_lost_pupil(
            record, actor=user, school_code=payload.school, request=request
        )
    except ValidationError as error:
        raise _refused(error) from None
    return Status(201, transfer_out(sent))


@router.post(
    "/lost-pupils/{id}/remove",
    response={200: LostPupilOut, **ERRORS},
    summary="Remove a record: the pupil's destination is known",
)
def remove(request: HttpRequest, id: str, payload: RemoveIn) -> Any:
    """For the uploading school's LA: the file is deleted and the removal logged."""
    user = user_of(request)
    record = access.get_record_for(user, id)
    try:
        services.remove_lost_pupil(
            record, actor=user, note=payload.note, request=request
        )
    except ValidationError as error:
        raise _refused(error) from None
    return lost_pupil_out(record)
