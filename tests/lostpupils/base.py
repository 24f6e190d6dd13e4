"""The Lost Pupil Database's test case: the hub's cast, plus lost-pupil files
built with a chosen pupil, uploaded through the hub as a school does."""

from __future__ import annotations

import dataclasses
import datetime

from pontio.ctf.synthetic import fake_ctf
from pontio.ctf.upn import make_upn
from pontio.ctf.writer import write_ctf
from pontio.directory.models import User
from pontio.lostpupils.models import LostPupilRecord
from pontio.transfers.models import Transfer
from tests.transfers.helpers import HubTestCase, ctf_name


def pupil_upn(serial: int, *, la: str = "681", estab: str = "2003") -> str:
    return make_upn(la=la, estab=estab, year=14, serial=serial)


def lost_pupil_ctf(
    source: str,
    destination: str = "XXXXXXX",
    *,
    upn: str,
    surname: str = "Llewellyn",
    forename: str = "Cerys",
    dob: str = "2014-05-06",
    sex: str = "F",
    seed: int = 1,
) -> bytes:
    """A one-pupil CTF for the Lost Pupil Database, with this pupil's details."""
    document = fake_ctf(pupils=1, source=source, destination=destination, seed=seed)
    pupil = dataclasses.replace(
        document.pupils[0],
        upn=upn,
        surname=surname,
        forename=forename,
        dob=dob,
        sex=sex,
    )
    data = write_ctf(dataclasses.replace(document, pupils=(pupil,)))
    assert data is not None
    return data


class LostPupilTestCase(HubTestCase):
    """The cast, with a few lost pupils uploaded by schools in two LAs."""

    def send_lost_pupil(
        self,
        user: User | None = None,
        *,
        destination: str = "XXXXXXX",
        number: int = 1,
        **pupil: str,
    ) -> Transfer:
        """Upload a lost pupil's file as its school does."""
        user = user or self.users["school"]
        source = user.organisation.code
        pupil.setdefault("upn", pupil_upn(number, la=source[:3], estab=source[3:]))
        return self.upload(
            user,
            ctf_name(source, destination, number),
            lost_pupil_ctf(source, destination, seed=number, **pupil),
        )

    def record_of(self, transfer: Transfer) -> LostPupilRecord:
        return LostPupilRecord.objects.get(transfer=transfer)


DOB = datetime.date(2014, 5, 6)
