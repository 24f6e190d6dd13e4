"""Indexing lost-pupil files and searching the national database."""

from __future__ import annotations

import datetime
from itertools import count

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from pontio.ctf.models import PupilSummary
from pontio.directory.models import Organisation
from pontio.lostpupils.indexing import index_lost_pupil
from pontio.lostpupils.models import LostPupilRecord, LostPupilSpelling
from pontio.lostpupils.queries import (
    SORT_ORDERS,
    LostPupilCriteria,
    LostPupilResults,
    search_lost_pupils,
)
from pontio.lostpupils.ranking import SEPARATE_TIERS
from pontio.transfers.models import StoredBlob, Transfer
from tests.base import PontioTestCase
from tests.lostpupils.test_phonetic import ISSUE_PAIRS

_upns = count(1)
UPLOADED = datetime.datetime(2025, 3, 3, 9, 0, tzinfo=datetime.UTC)


def summary(surname: str, **fields: str | None) -> PupilSummary:
    values: dict[str, str | None] = {
        "upn": f"A{next(_upns):012d}",
        "former_upn": None,
        "surname": surname,
        "forename": "Cerys",
        "middle_names": None,
        "former_surname": None,
        "preferred_surname": None,
        "dob": "2014-05-06",
        "sex": "F",
        "town": "Cardiff",
        "postcode": "CF5 1AA",
    }
    values.update(fields)
    return PupilSummary(**values)


def names(results: LostPupilResults) -> list[str]:
    return [match.record.surname for match in results.matches]


class LostPupilSearchTests(PontioTestCase):
    def add(
        self,
        surname: str,
        *,
        school: Organisation | None = None,
        uploaded_at: datetime.datetime = UPLOADED,
        kind: str = "missing",
        **fields: str | None,
    ) -> LostPupilRecord:
        return index_lost_pupil(
            transfer_id=None,
            summary=summary(surname, **fields),
            kind=kind,
            school=school or self.school,
            uploaded_at=uploaded_at,
        )

    def search(self, **criteria: object) -> LostPupilResults:
        options = {
            name: criteria.pop(name)
            for name in ("include_resolved", "sort", "limit")
            if name in criteria
        }
        return search_lost_pupils(LostPupilCriteria(**criteria), **options)  # type: ignore[arg-type]

    def test_indexing_keeps_the_display_values_and_adds_search_columns(self) -> None:
        record = self.add(
            "Llŷr-Jones",
            former_surname="ap Rhys",
            forename="Siân",
            town="  Merthyr   Tydfil ",
            upn="a123456789012",
            sex="f",
            kind="left_sector",
        )
        record.refresh_from_db()
        self.assertEqual(record.surname, "Llŷr-Jones")
        self.assertEqual(record.surname_norm, "llyr jones")
        self.assertEqual(record.town, "Merthyr Tydfil")
        self.assertEqual(record.upn, "A123456789012")
        self.assertEqual(record.sex, "F")
        self.assertEqual(record.la_code, "681")
        self.assertEqual(record.kind, LostPupilRecord.Kind.LEFT_SECTOR)
        self.assertEqual(record.state, LostPupilRecord.State.OPEN)
        self.assertEqual(
            (record.surname_key1, record.surname_key2, record.surname_key3),
            ("LRJNS", "LR", "JNS"),
        )
        self.assertEqual(
            (record.former_surname_key1, record.former_surname_key2), ("APRS", "RS")
        )
        self.assertEqual((record.forename_key1, record.forename_key2), ("SN", ""))

    def test_indexing_files_each_new_spelling_once(self) -> None:
        self.add("Jones", forename="Cerys")
        self.add("JONES", forename="Cerys", former_surname="Pritchard")
        self.add("Jonnes", forename="Ceri")
        spellings = set(
            LostPupilSpelling.objects.values_list("field", "spelling", "key1")
        )
        self.assertEqual(
            spellings,
            {
                ("surname", "jones", "JNS"),
                ("surname", "jonnes", "JNS"),
                ("surname", "pritchard", "PRXRT"),
                ("forename", "cerys", "KRS"),
                ("forename", "ceri", "KR"),
            },
        )

    def test_indexing_clips_over_long_values_instead_of_failing(self) -> None:
        record = self.add("X" * 500, upn="1" * 40, postcode="P" * 40, sex="Female")
        record.refresh_from_db()
        self.assertEqual(len(record.surname), 100)
        self.assertEqual(len(record.upn), 13)
        self.assertEqual(record.sex, "F")

    def test_indexing_refuses_an_unknown_kind(self) -> None:
        with self.assertRaises(ValueError):
            self.add("Jones", kind="lost")

    def test_indexing_links_the_stored_file(self) -> None:
        blob = StoredBlob.objects.create(
            storage_name="t1",
            size=1,
            sha256="0" * 64,
            wrapped_key=b"k",
            master_key_id="m",
        )
        transfer = Transfer.objects.create(
            filename="6812003_CTF_XXXXXXX_001.XML",
            kind=Transfer.Kind.CTF,
            route=Transfer.Route.LOST_PUPILS,
            source=self.school,
            source_code="6812003",
            source_la=self.cardiff,
            destination_code="XXXXXXX",
            uploaded_by=self.users["school"],
            size=1,
            sha256="0" * 64,
            blob=blob,
        )
        record = index_lost_pupil(
            transfer_id=transfer.pk,
            summary=summary("Jones"),
            kind="missing",
            school=self.school,
            uploaded_at=transfer.uploaded_at,
        )
        self.assertEqual(transfer.lost_pupil, record)

    def test_one_open_record_per_pupil_and_school(self) -> None:
        self.add("Jones", upn="A00000000001A")
        self.add("Jones", upn="A00000000001A", school=self.sending_school)
        with self.assertRaises(IntegrityError), transaction.atomic():
            self.add("Jones", upn="A00000000001A")

    def test_surname_begins_is_an_exact_prefix_ignoring_case_and_accents(self) -> None:
        for surname in ("Jones", "Jonas", "Jonnes", "Johns", "Lloyd-Jones", "Llŷr"):
            self.add(surname)
        self.assertEqual(
            names(self.search(surname="JON", surname_begins=True)),
            ["Jonas", "Jones", "Jonnes"],
        )
        self.assertEqual(
            names(self.search(surname="jones", surname_begins=True)), ["Jones"]
        )
        self.assertEqual(
            names(self.search(surname="Llyr", surname_begins=True)), ["Llŷr"]
        )
        self.assertEqual(
            names(self.search(surname="lloyd-j", surname_begins=True)), ["Lloyd-Jones"]
        )
        exact = self.search(surname="jones", surname_begins=True).matches[0]
        self.assertEqual(exact.score, 1.0)

    def test_soundalike_finds_each_issue_pair_both_ways(self) -> None:
        for first, second in ISSUE_PAIRS:
            for query, stored in ((first, second), (second, first)):
                with self.subTest(query=query, stored=stored):
                    record = self.add(stored)
                    found = [
                        match.record for match in self.search(surname=query).matches
                    ]
                    self.assertIn(record, found)
                    record.delete()

    def test_soundalike_ranks_the_closest_spelling_first(self) -> None:
        for surname in ("Rhys", "Reece", "Rees", "Rose", "Roberts"):
            self.add(surname)
        results = self.search(surname="Rees")
        self.assertEqual(names(results)[:3], ["Rees", "Reece", "Rhys"])
        self.assertNotIn("Roberts", names(results))
        scores = [match.score for match in results.matches]
        self.assertEqual(scores[0], 1.0)
        self.assertEqual(scores, sorted(scores, reverse=True))

    def test_many_spellings_come_closest_first_across_the_cap(self) -> None:
        # Eleven different scores for "Jones": more than are fetched one by one.
        surnames = (
            "Jones", "Jonnes", "Jonesy", "Jonez", "Lloyd-Jones", "Jnoes", "Jone",
            "Jonas", "Ap Jones", "Jomes", "Jeanes",
        )  # fmt: skip
        self.assertGreater(len(surnames), SEPARATE_TIERS)
        for surname in surnames:
            self.add(surname)
            self.add(surname, former_surname="Jones", forename="Zara")
        every = self.search(surname="Jones", limit=100).matches
        self.assertEqual(len(every), 2 * len(surnames))
        scores = [match.score for match in every]
        self.assertEqual(scores, sorted(scores, reverse=True))
        self.assertEqual(len(set(scores)), len(surnames))
        # Score 1: the two Joneses and every former Jones, in surname order.
        self.assertEqual(
            [match.record.surname for match in every[:12]],
            [
                "Ap Jones", "Jeanes", "Jnoes", "Jomes", "Jonas", "Jone", "Jones",
                "Jones", "Jonesy", "Jonez", "Jonnes", "Lloyd-Jones",
            ],
        )  # fmt: skip
        self.assertEqual(every[-1].record.surname, "Jeanes")
        for limit in (1, 4, 12, 15, 21):
            with self.subTest(limit=limit):
                capped = self.search(surname="Jones", limit=limit)
                self.assertTrue(capped.has_more)
                self.assertEqual(capped.matches, every[:limit])

    def test_soundalike_finds_typing_slips_but_not_other_names(self) -> None:
        for surname in ("Jones", "Jnoes", "Jomes", "Jonmes", "James", "Evans"):
            self.add(surname)
        self.assertEqual(names(self.search(surname="Jones"))[0], "Jones")
        self.assertEqual(
            set(names(self.search(surname="Jones"))),
            {"Jones", "Jnoes", "Jomes", "Jonmes"},
        )

    def test_a_surname_matches_the_former_surname_and_any_part(self) -> None:
        self.add("Smith", former_surname="Pritchard")
        self.add("Lloyd-Jones")
        self.add("Evans")
        self.assertEqual(names(self.search(surname="Prichard")), ["Smith"])
        self.assertEqual(
            names(self.search(surname="Pritch", surname_begins=True)), ["Smith"]
        )
        self.assertEqual(names(self.search(surname="Jones")), ["Lloyd-Jones"])
        self.assertEqual(names(self.search(surname="Lloyd")), ["Lloyd-Jones"])

    def test_search_covers_every_local_authority(self) -> None:
        self.add("Davies", school=self.school)
        self.add("Davis", school=self.sending_school)
        results = self.search(surname="Davies", sort="la")
        self.assertEqual(
            [match.record.la_code for match in results.matches], ["681", "838"]
        )

    def test_upn_matches_the_upn_and_the_former_upn(self) -> None:
        self.add("Current", upn="B123456789012")
        self.add("Renumbered", upn="C000000000001", former_upn="B123456789012")
        self.add("Other", upn="D000000000001")
        self.assertEqual(
            sorted(names(self.search(upn=" b123456789012 "))), ["Current", "Renumbered"]
        )

    def test_each_criterion_narrows_the_search(self) -> None:
        self.add("Jones", forename="Dafydd", dob="2013-01-02", sex="M", town="Bangor")
        self.add("Jones", forename="Ffion", dob="2012-07-08", sex="F", town="Cardiff")
        self.add(
            "Jones", forename="Megan", dob="2013-01-02", sex="F", town="Caernarfon"
        )
        cases = [
            ({"date_of_birth": datetime.date(2013, 1, 2)}, {"Dafydd", "Megan"}),
            ({"sex": "f"}, {"Ffion", "Megan"}),
            ({"town": "CAER"}, {"Megan"}),
            ({"town": "Cardiff"}, {"Ffion"}),
            ({"forename": "David"}, {"Dafydd"}),
            ({"forename": "Fion"}, {"Ffion"}),
            ({"forename": "Me", "surname_begins": True}, {"Megan"}),
            ({"forename": "Meghan", "surname": "Jonnes"}, {"Megan"}),
            ({"surname": "Jones", "sex": "M", "town": "Ban"}, {"Dafydd"}),
        ]
        for criteria, expected in cases:
            with self.subTest(criteria=criteria):
                found = {
                    match.record.forename for match in self.search(**criteria).matches
                }
                self.assertEqual(found, expected)

    def test_results_sort_by_the_chosen_field(self) -> None:
        self.add(
            "Bowen",
            forename="Zac",
            dob="2012-01-01",
            town="Aberystwyth",
            uploaded_at=UPLOADED - datetime.timedelta(days=2),
        )
        self.add(
            "Bevan",
            forename="Alaw",
            dob="2015-01-01",
            town="Wrexham",
            school=self.sending_school,
            uploaded_at=UPLOADED,
        )
        self.add(
            "Bevin",
            forename="Mali",
            dob="2013-01-01",
            town="Mold",
            school=self.school2,
            uploaded_at=UPLOADED - datetime.timedelta(days=1),
        )
        expected = {
            "surname": ["Bevan", "Bevin", "Bowen"],
            "forename": ["Bevan", "Bevin", "Bowen"],
            "date_of_birth": ["Bowen", "Bevin", "Bevan"],
            "town": ["Bowen", "Bevin", "Bevan"],
            "uploaded_at": ["Bevan", "Bevin", "Bowen"],
            "school": ["Bowen", "Bevin", "Bevan"],
            "la": ["Bevin", "Bowen", "Bevan"],
        }
        for sort, order in expected.items():
            with self.subTest(sort=sort):
                results = self.search(surname="B", surname_begins=True, sort=sort)
                self.assertEqual(names(results), order)

    def test_every_sort_choice_works_with_a_soundalike_search(self) -> None:
        self.add("Bevan")
        for sort in SORT_ORDERS:
            with self.subTest(sort=sort):
                self.assertEqual(
                    names(self.search(surname="Beven", sort=sort)), ["Bevan"]
                )

    def test_resolved_records_are_left_out_unless_asked_for(self) -> None:
        self.add("Evans")
        downloaded = self.add("Evans")
        downloaded.state = LostPupilRecord.State.DOWNLOADED
        downloaded.downloaded_by_la = self.dorset
        downloaded.downloaded_at = timezone.now()
        downloaded.save(update_fields=["state", "downloaded_by_la", "downloaded_at"])
        removed = self.add("Evans")
        removed.state = LostPupilRecord.State.REMOVED
        removed.removed_at = timezone.now()
        removed.save(update_fields=["state", "removed_at"])
        self.assertEqual(len(self.search(surname="Evans").matches), 1)
        everything = self.search(surname="Evans", include_resolved=True)
        self.assertEqual(
            {match.record.state for match in everything.matches},
            {"open", "downloaded", "removed"},
        )
        exact = self.search(surname="Ev", surname_begins=True, include_resolved=True)
        self.assertEqual(len(exact.matches), 3)

    def test_results_are_capped_with_a_flag_that_more_exist(self) -> None:
        for _ in range(3):
            self.add("Hughes")
        self.assertTrue(self.search(surname="Hughes", limit=2).has_more)
        self.assertEqual(len(self.search(surname="Hughes", limit=2).matches), 2)
        self.assertFalse(self.search(surname="Hughes", limit=3).has_more)

    def test_refuses_a_search_without_criteria_or_with_an_unknown_sort(self) -> None:
        with self.assertRaises(ValidationError) as refused:
            self.search(surname="  ", surname_begins=True)
        self.assertEqual(refused.exception.code, "no_criteria")
        with self.assertRaises(ValidationError) as refused:
            self.search(surname="Jones", sort="password")
        self.assertEqual(refused.exception.code, "unknown_sort")

    def test_hostile_names_match_nothing_and_break_nothing(self) -> None:
        self.add("Jones")
        self.add("O'Brien")
        for hostile in (
            "%",
            "_",
            "'; DROP TABLE lostpupils_lostpupilrecord; --",
            "\x00",
        ):
            for begins in (True, False):
                with self.subTest(hostile=hostile, begins=begins):
                    results = self.search(surname=hostile, surname_begins=begins)
                    self.assertEqual(results.matches, [])
        self.assertEqual(
            names(self.search(surname="O'B", surname_begins=True)), ["O'Brien"]
        )
        self.assertEqual(names(self.search(surname="obrian")), ["O'Brien"])
