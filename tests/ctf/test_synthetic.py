"""The synthetic CTF generator."""

from __future__ import annotations

import datetime
import io
from collections import Counter
from unittest import TestCase

from pontio.ctf import synthetic_data
from pontio.ctf.models import CTFDocument
from pontio.ctf.problems import CTFError
from pontio.ctf.reader import read_ctf
from pontio.ctf.synthetic import fake_ctf, iter_fake_ctf
from pontio.ctf.uln import is_valid_uln
from pontio.ctf.upn import is_temporary_upn, is_valid_upn
from pontio.ctf.validator import validate_ctf
from pontio.ctf.writer import write_ctf

WELSH_SURNAMES = set(synthetic_data.WELSH_SURNAMES)
WELSH_FORENAMES = set(synthetic_data.WELSH_GIRLS + synthetic_data.WELSH_BOYS)
DAY = datetime.date(2025, 10, 1)


def welsh_school(pupils: int = 300, seed: int = 1) -> CTFDocument:
    return fake_ctf(
        pupils=pupils, source="6612001", destination="6614003", seed=seed, today=DAY
    )


class FakeCtfTests(TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.document = fake_ctf(
            pupils=300, source="6612001", destination="6614003", seed=1, today=DAY
        )
        cls.pupils = cls.document.pupils

    def test_the_same_seed_gives_the_same_document(self) -> None:
        again = fake_ctf(
            pupils=300, source="6612001", destination="6614003", seed=1, today=DAY
        )
        self.assertEqual(again, self.document)

    def test_the_same_seed_gives_the_same_bytes_without_a_day(self) -> None:
        first = fake_ctf(pupils=5, source="8012003", destination="8014001", seed=9)
        second = fake_ctf(pupils=5, source="8012003", destination="8014001", seed=9)
        self.assertEqual(write_ctf(first), write_ctf(second))

    def test_made_one_at_a_time_the_pupils_are_the_same(self) -> None:
        header, pupils = iter_fake_ctf(
            pupils=300, source="6612001", destination="6614003", seed=1, today=DAY
        )
        self.assertEqual(CTFDocument(header, tuple(pupils)), self.document)

    def test_another_seed_gives_other_pupils(self) -> None:
        other = fake_ctf(
            pupils=300, source="6612001", destination="6614003", seed=2, today=DAY
        )
        self.assertNotEqual(other.pupils, self.pupils)

    def test_makes_as_many_pupils_as_asked(self) -> None:
        self.assertEqual(len(self.pupils), 300)

    def test_every_upn_is_valid_and_unique(self) -> None:
        upns = [pupil.upn or "" for pupil in self.pupils]
        self.assertTrue(all(is_valid_upn(upn) for upn in upns))
        self.assertEqual(len(set(upns)), len(upns))

    def test_some_pupils_have_a_temporary_former_upn(self) -> None:
        former = [pupil.former_upn for pupil in self.pupils if pupil.former_upn]
        self.assertTrue(former)
        self.assertTrue(all(is_temporary_upn(upn) for upn in former))

    def test_upns_of_pupils_who_started_here_carry_the_school(self) -> None:
        for pupil in self.pupils:
            if len(pupil.school_history) == 1:
                self.assertEqual((pupil.upn or "")[1:8], "6612001")

    def test_a_welsh_school_has_mostly_welsh_names(self) -> None:
        welsh = sum(pupil.surname in WELSH_SURNAMES for pupil in self.pupils)
        self.assertGreater(welsh, len(self.pupils) // 2)
        forenames = {pupil.forename for pupil in self.pupils}
        self.assertTrue(forenames & WELSH_FORENAMES)

    def test_an_english_school_has_no_welsh_details(self) -> None:
        document = fake_ctf(pupils=50, source="8012003", destination="8014001", seed=3)
        self.assertTrue(all(not pupil.naw_details for pupil in document.pupils))

    def test_a_welsh_school_gives_welsh_details(self) -> None:
        self.assertTrue(all(pupil.naw_details for pupil in self.pupils))

    def test_dates_of_birth_fit_the_year_group(self) -> None:
        for pupil in self.pupils:
            details = pupil.basic_details
            assert details is not None
            assert pupil.date_of_birth is not None
            year = 0 if details.nc_year_actual == "R" else int(details.nc_year_actual)
            first = datetime.date(2025 - year - 5, 9, 1)
            self.assertLessEqual(first, pupil.date_of_birth)
            self.assertLess(pupil.date_of_birth, first.replace(year=first.year + 1))

    def test_a_primary_school_has_primary_year_groups(self) -> None:
        years = {pupil.basic_details.nc_year_actual for pupil in self.pupils}
        self.assertLessEqual(years, {"R", "1", "2", "3", "4", "5", "6"})

    def test_secondary_pupils_came_from_another_school_and_have_a_uln(self) -> None:
        document = fake_ctf(pupils=80, source="6614003", destination="6612001", seed=4)
        for pupil in document.pupils:
            self.assertGreaterEqual(len(pupil.school_history), 2)
            if int(pupil.basic_details.nc_year_actual) >= 10:
                self.assertTrue(is_valid_uln(pupil.uln or ""))

    def test_every_pupil_has_one_to_three_contacts(self) -> None:
        counts = Counter(len(pupil.contacts) for pupil in self.pupils)
        self.assertEqual(set(counts), {1, 2, 3})

    def test_every_pupil_has_an_address_with_a_postcode(self) -> None:
        kinds = Counter(
            "bs7666" if pupil.address.bs7666 else "lines" for pupil in self.pupils
        )
        self.assertEqual(set(kinds), {"bs7666", "lines"})
        self.assertTrue(all(pupil.address.postcode for pupil in self.pupils))

    def test_telephone_numbers_are_in_the_ranges_kept_for_drama(self) -> None:
        numbers = [
            phone.phone_no or ""
            for pupil in self.pupils
            for phone in (*pupil.phones, *(p for c in pupil.contacts for p in c.phones))
        ]
        drama = ("07700 900", "029 2018 0", "01632 960", "0117 496 0", "0121 496 0")
        self.assertTrue(all(number.startswith(drama) for number in numbers))

    def test_e_mail_addresses_use_example_domains(self) -> None:
        emails = [c.email or "" for pupil in self.pupils for c in pupil.contacts]
        self.assertTrue(all(e.endswith(synthetic_data.EMAIL_DOMAINS) for e in emails))

    def test_some_pupils_have_sen_fsm_and_attendance(self) -> None:
        self.assertTrue(any(pupil.sen_history for pupil in self.pupils))
        self.assertTrue(any(pupil.fsm_history for pupil in self.pupils))
        self.assertTrue(all(pupil.attendance for pupil in self.pupils))
        self.assertTrue(any(pupil.stage_assessments for pupil in self.pupils))

    def test_uses_sex_from_ctf_25_and_gender_before(self) -> None:
        old = fake_ctf(pupils=3, source="8012003", destination="8014001", version=24)
        self.assertEqual({pupil.sex_element for pupil in old.pupils}, {"Gender"})
        self.assertEqual({pupil.sex_element for pupil in self.pupils}, {"Sex"})
        self.assertEqual(old.header.ctf_version, "24.0")


class FakeCtfHeaderTests(TestCase):
    def test_a_school_destination_fills_dest_school(self) -> None:
        header = fake_ctf(pupils=0, source="6612001", destination="6614003").header
        self.assertEqual(
            (header.dest_school.lea, header.dest_school.estab), ("661", "4003")
        )
        self.assertEqual(
            (header.source_school.lea, header.source_school.estab), ("661", "2001")
        )

    def test_an_unknown_destination_is_xxx_and_xxxx(self) -> None:
        header = fake_ctf(pupils=1, source="6612001", destination="XXXXXXX").header
        self.assertEqual(
            (header.dest_school.lea, header.dest_school.estab), ("XXX", "XXXX")
        )

    def test_a_destination_outside_the_sector_is_mmm_and_mmmm(self) -> None:
        header = fake_ctf(pupils=1, source="6612001", destination="MMMMMMM").header
        self.assertEqual(
            (header.dest_school.lea, header.dest_school.estab), ("MMM", "MMMM")
        )

    def test_a_local_authority_destination_is_llll(self) -> None:
        header = fake_ctf(pupils=1, source="6612001", destination="661LLLL").header
        self.assertEqual(
            (header.dest_school.lea, header.dest_school.estab), ("661", "LLLL")
        )

    def test_the_version_gives_the_academic_year(self) -> None:
        header = fake_ctf(pupils=0, source="6612001", destination="6614003").header
        self.assertEqual(header.ctf_version, "25.0")
        self.assertEqual(header.source_school.academic_year, "2025")

    def test_refuses_bad_arguments(self) -> None:
        cases = {
            "short source": {"source": "661200", "destination": "6614003"},
            "unknown LA": {"source": "9992001", "destination": "6614003"},
            "bad destination": {"source": "6612001", "destination": "66140"},
            "two lost pupils": {"source": "6612001", "destination": "XXXXXXX"},
        }
        for name, arguments in cases.items():
            with self.subTest(name), self.assertRaises(CTFError) as raised:
                fake_ctf(pupils=2, **arguments)
            self.assertEqual(raised.exception.code, "fake_bad_argument")


class FakeCtfFileTests(TestCase):
    def test_a_written_synthetic_file_is_valid_and_reads_back(self) -> None:
        document = welsh_school(pupils=100, seed=11)
        output = write_ctf(document)
        assert output is not None
        report = validate_ctf(io.BytesIO(output), today=DAY)
        self.assertTrue(report.valid, report.errors[:3])
        self.assertEqual(report.warnings, ())
        self.assertEqual(read_ctf(io.BytesIO(output)), document)

    def test_three_thousand_pupils_make_about_ten_megabytes(self) -> None:
        document = fake_ctf(
            pupils=3000, source="6612001", destination="6614003", seed=1
        )
        output = write_ctf(document)
        assert output is not None
        self.assertGreater(len(output), 8 * 1024 * 1024)
        self.assertLess(len(output), 14 * 1024 * 1024)
