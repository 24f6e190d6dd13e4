from __future__ import annotations

import datetime
from unittest import TestCase

from pontio.ctf.models import (
    Address,
    BasicDetails,
    BS7666Address,
    Header,
    Pupil,
    parse_date,
    parse_datetime,
)


class DateTests(TestCase):
    def test_parses_a_real_date(self) -> None:
        self.assertEqual(parse_date("2014-03-02"), datetime.date(2014, 3, 2))

    def test_gives_none_for_an_unreal_or_badly_written_date(self) -> None:
        for value in (None, "", "2014-02-30", "02/03/2014", "20140302", "2014-3-2"):
            with self.subTest(value=value):
                self.assertIsNone(parse_date(value))

    def test_parses_a_header_date_and_time_without_a_zone(self) -> None:
        moment = parse_datetime("2025-09-12T10:30:00")
        self.assertEqual(moment.isoformat() if moment else None, "2025-09-12T10:30:00")
        self.assertIsNone(parse_datetime("2025-09-12T10:30:00Z"))
        self.assertIsNone(parse_datetime("2025-09-12 10:30:00"))


class HeaderTests(TestCase):
    def test_version_number_is_the_major_part_of_nn_dot_0(self) -> None:
        self.assertEqual(Header(ctf_version="25.0").version_number, 25)
        self.assertIsNone(Header(ctf_version="twenty-five").version_number)
        self.assertIsNone(Header().version_number)


class PupilSummaryTests(TestCase):
    def test_summarises_a_pupil_with_no_details_or_address(self) -> None:
        summary = Pupil(upn="A1", surname="Jones", dob="2014-03-02").summary()
        self.assertEqual(summary.upn, "A1")
        self.assertIsNone(summary.former_upn)
        self.assertIsNone(summary.town)
        self.assertEqual(summary.date_of_birth, datetime.date(2014, 3, 2))

    def test_takes_the_post_town_when_the_town_is_missing(self) -> None:
        address = Address(bs7666=BS7666Address(post_town="Pwllheli"), postcode="LL53")
        pupil = Pupil(
            address=address, basic_details=BasicDetails(former_surname="Evans")
        )
        summary = pupil.summary()
        self.assertEqual((summary.town, summary.postcode), ("Pwllheli", "LL53"))
        self.assertEqual(summary.former_surname, "Evans")

    def test_pupils_are_hashable_values(self) -> None:
        first = Pupil(upn="A1", phones=())
        self.assertEqual({first, Pupil(upn="A1")}, {first})
