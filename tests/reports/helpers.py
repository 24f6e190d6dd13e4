"""A known set of transfers, lost pupils and messages to report on.

Every figure the report tests expect follows from the rows made here. Times are
in Pontio's time zone (Europe/London); the reports' test range is March 2025.
"""

from __future__ import annotations

import datetime
import secrets
from typing import Any
from zoneinfo import ZoneInfo

from pontio.directory.models import Organisation, User
from pontio.directory.roles import Role
from pontio.lostpupils.models import LostPupilRecord
from pontio.messaging.models import Delivery, Message
from pontio.transfers.models import StoredBlob, Transfer
from tests.api.helpers import bearer, key_for
from tests.base import PontioTestCase, make_organisation, make_user

LONDON = ZoneInfo("Europe/London")
MARCH = {"from": "2025-03-01", "to": "2025-03-31"}


def at(text: str) -> datetime.datetime:
    """An aware time from ``2025-03-31 23:59`` in Pontio's time zone."""
    return datetime.datetime.fromisoformat(text).replace(tzinfo=LONDON)


def _la_of(organisation: Organisation) -> Organisation:
    return organisation if organisation.is_la else organisation.la  # type: ignore[return-value]


def make_transfer(
    source: Organisation,
    destination: Organisation | None,
    uploaded_at: str,
    *,
    uploaded_by: User,
    pupils: int = 1,
    kind: str = Transfer.Kind.CTF,
    collected_at: str | None = None,
    rejected_at: str | None = None,
    destination_mailbox: str = "",
    filename: str = "",
) -> Transfer:
    """Record a transfer as the hub would have, without storing a real file."""
    status = Transfer.Status.AWAITING
    if collected_at:
        status = Transfer.Status.COLLECTED
    if rejected_at:
        status = Transfer.Status.REJECTED
    if destination is None:
        route, destination_code = Transfer.Route.LOST_PUPILS, "XXXXXXX"
    elif destination.is_la:
        route = Transfer.Route.LA
        destination_code = destination.code + (destination_mailbox or "LLLL")
    else:
        route, destination_code = Transfer.Route.SCHOOL, destination.code
    held = status != Transfer.Status.REJECTED
    return Transfer.objects.create(
        filename=filename or f"{source.code}_CTF_{destination_code}_001.XML",
        kind=kind,
        route=route,
        status=status,
        source=source,
        source_code=source.code,
        source_la=_la_of(source),
        destination=destination,
        destination_mailbox=destination_mailbox,
        destination_code=destination_code,
        destination_la=_la_of(destination) if destination else None,
        uploaded_by=uploaded_by,
        uploaded_at=at(uploaded_at),
        collected_at=at(collected_at) if collected_at else None,
        rejected_at=at(rejected_at) if rejected_at else None,
        pupil_count=pupils,
        size=100,
        sha256=secrets.token_hex(32),
        blob=_blob() if held else None,
    )


def _blob() -> StoredBlob:
    return StoredBlob.objects.create(
        storage_name=secrets.token_hex(16),
        size=100,
        sha256=secrets.token_hex(32),
        wrapped_key=b"not a real key",
        master_key_id="tests",
    )


def make_lost_pupil(
    school: Organisation,
    uploaded_at: str,
    *,
    kind: str,
    born: str,
    sex: str,
    surname: str = "Jones",
    downloaded_at: str | None = None,
    downloaded_by: Organisation | None = None,
) -> LostPupilRecord:
    return LostPupilRecord.objects.create(
        kind=kind,
        state="downloaded" if downloaded_at else "open",
        school=school,
        la_code=school.la_code,
        uploaded_at=at(uploaded_at),
        downloaded_at=at(downloaded_at) if downloaded_at else None,
        downloaded_by_la=downloaded_by,
        upn=f"A{secrets.randbelow(10**12):012d}",
        surname=surname,
        forename="Megan",
        date_of_birth=datetime.date.fromisoformat(born),
        sex=sex,
    )


class ReportsTestCase(PontioTestCase):
    """The cast, a second Welsh LA (662) and the known data set."""

    bridgend: Organisation
    bridgend_school: Organisation

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.bridgend = make_organisation(Organisation.Kind.LA, "662", "Bridgend")
        cls.bridgend_school = make_organisation(
            Organisation.Kind.SCHOOL, "6622001", "Ysgol Bryn"
        )
        cls.bridgend_user = make_user("6622001office", cls.bridgend_school, Role.SCHOOL)
        cls.make_transfers()
        cls.make_lost_pupils()
        cls.make_messages()

    @classmethod
    def make_transfers(cls) -> None:
        by = cls.users["school"]
        send = make_transfer
        # Within Cardiff, collected the next day.
        cls.t1 = send(
            cls.school,
            cls.school2,
            "2025-03-10 09:00",
            uploaded_by=by,
            pupils=3,
            collected_at="2025-03-11 10:00",
        )
        # To Dorset at 23:59 on the last day of the range: still awaiting.
        cls.t2 = send(
            cls.school,
            cls.receiving_school,
            "2025-03-31 23:59",
            uploaded_by=by,
            pupils=2,
        )
        # From Dorset, rejected by Cardiff's school.
        cls.t3 = send(
            cls.sending_school,
            cls.school2,
            "2025-03-05 12:00",
            uploaded_by=cls.sender,
            rejected_at="2025-03-06 08:00",
        )
        # To Bridgend, just after the range.
        cls.t4 = send(
            cls.school2,
            cls.bridgend_school,
            "2025-04-01 00:00",
            uploaded_by=by,
            pupils=5,
        )
        # Uploaded the minute before the range, collected inside it.
        cls.t5 = send(
            cls.school,
            cls.school2,
            "2025-02-28 23:59",
            uploaded_by=by,
            pupils=4,
            collected_at="2025-03-02 09:00",
        )
        # Within Dorset: none of Cardiff's business.
        cls.t6 = send(
            cls.sending_school,
            cls.receiving_school,
            "2025-03-15 09:00",
            uploaded_by=cls.sender,
            pupils=7,
        )
        # A generic zip file within Cardiff.
        cls.t7 = send(
            cls.school,
            cls.school2,
            "2025-03-12 09:00",
            uploaded_by=by,
            pupils=0,
            kind=Transfer.Kind.GENERIC,
            filename="6812003_GEN_6812004_001.zip",
            collected_at="2025-03-13 09:00",
        )
        # A CTF to Cardiff's own mailbox.
        cls.t8 = send(cls.school, cls.cardiff, "2025-03-20 09:00", uploaded_by=by)
        # A lost pupil's file.
        cls.t9 = send(cls.school, None, "2025-03-21 09:00", uploaded_by=by)
        # From Bridgend to Cardiff, collected.
        cls.t10 = send(
            cls.bridgend_school,
            cls.school,
            "2025-03-15 09:00",
            uploaded_by=cls.bridgend_user,
            pupils=2,
            collected_at="2025-03-16 09:00",
        )

    @classmethod
    def make_lost_pupils(cls) -> None:
        lost = make_lost_pupil
        # Aged 12 when uploaded (13 in May).
        cls.l1 = lost(
            cls.school,
            "2025-03-10 09:00",
            kind="missing",
            born="2012-05-10",
            sex="F",
            surname="Evans",
        )
        # Thirteen on the day of the upload.
        cls.l2 = lost(
            cls.school2,
            "2025-03-10 10:00",
            kind="left_sector",
            born="2012-03-10",
            sex="M",
            surname="Price",
        )
        # Uploaded before the range, downloaded by Dorset inside it.
        cls.l3 = lost(
            cls.school,
            "2025-02-01 09:00",
            kind="missing",
            born="2010-01-01",
            sex="F",
            surname="Morgan",
            downloaded_at="2025-03-05 09:00",
            downloaded_by=cls.dorset,
        )
        # Another LA's pupil.
        cls.l4 = lost(
            cls.sending_school,
            "2025-03-10 09:00",
            kind="missing",
            born="2012-01-01",
            sex="M",
            surname="Hardy",
        )
        # At 23:59 on the last day.
        cls.l5 = lost(
            cls.school,
            "2025-03-31 23:59",
            kind="missing",
            born="2012-05-11",
            sex="F",
            surname="Owen",
        )

    @classmethod
    def make_messages(cls) -> None:
        message = Message.objects.create(
            sender=cls.users["la_dba"],
            sender_organisation=cls.cardiff,
            sender_username=cls.users["la_dba"].username,
            ciphertext=b"sealed",
            wrapped_key=b"key",
            master_key_id="tests",
        )
        Delivery.objects.create(
            message=message, recipient=cls.users["school"], organisation=cls.school
        )
        Delivery.objects.create(
            message=message,
            recipient=cls.receiver,
            organisation=cls.receiving_school,
        )

    # -- Calling the reports ------------------------------------------------------

    def api(self, user: User, name: str, **query: Any) -> Any:
        """Run a report through the API as ``user``; return the response."""
        key = key_for(user)
        return self.client.get(f"/api/v1/reports/{name}", query, **bearer(key))

    def rows(self, user: User, name: str, **query: Any) -> list[dict[str, Any]]:
        response = self.api(user, name, **query)
        self.assertEqual(response.status_code, 200, response.content)
        rows: list[dict[str, Any]] = response.json()["rows"]
        return rows
