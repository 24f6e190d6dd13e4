"""Lost-pupil files become records when uploaded; duplicates are refused."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from pontio.lostpupils.models import LostPupilRecord
from pontio.transfers.models import Transfer
from tests.api.helpers import bearer, key_for
from tests.lostpupils.base import DOB, LostPupilTestCase, lost_pupil_ctf, pupil_upn


class IndexingOnUploadTests(LostPupilTestCase):
    def test_a_file_to_xxxxxxx_becomes_an_open_missing_pupil_record(self) -> None:
        transfer = self.send_lost_pupil(surname="Pritchard", forename="Owain")
        record = self.record_of(transfer)
        self.assertEqual(record.kind, LostPupilRecord.Kind.MISSING)
        self.assertEqual(record.state, LostPupilRecord.State.OPEN)
        self.assertEqual(record.school, self.school)
        self.assertEqual(record.la_code, "681")
        self.assertEqual(record.uploaded_at, transfer.uploaded_at)
        self.assertEqual(record.upn, pupil_upn(1))
        self.assertEqual((record.surname, record.forename), ("Pritchard", "Owain"))
        self.assertEqual(record.date_of_birth, DOB)
        self.assertTrue(record.surname_key1)

    def test_a_file_to_mmmmmmm_is_a_pupil_who_left_the_maintained_sector(self) -> None:
        record = self.record_of(self.send_lost_pupil(destination="MMMMMMM"))
        self.assertEqual(record.kind, LostPupilRecord.Kind.LEFT_SECTOR)

    def test_files_to_schools_make_no_record(self) -> None:
        self.school_ctf()
        self.assertFalse(LostPupilRecord.objects.exists())


class DuplicateLostPupilTests(LostPupilTestCase):
    def test_refuses_a_second_file_for_a_pupil_still_open_from_the_same_school(
        self,
    ) -> None:
        original = self.send_lost_pupil(number=1, upn=pupil_upn(7))
        refusal = self.refusal(
            self.users["school"],
            "6812003_CTF_MMMMMMM_002.XML",
            self._ctf(upn=pupil_upn(7), seed=2, destination="MMMMMMM"),
        )
        self.assertEqual(refusal.code, "lost_pupil_duplicate")
        self.assertEqual(Transfer.objects.count(), 1)
        record = self.record_of(original)
        self.assertEqual(record.state, LostPupilRecord.State.OPEN)

    def test_the_api_answers_a_duplicate_with_409(self) -> None:
        self.send_lost_pupil(number=1, upn=pupil_upn(7))
        name = "6812003_CTF_XXXXXXX_002.XML"
        upload = SimpleUploadedFile(name, self._ctf(upn=pupil_upn(7), seed=3))
        response = self.client.post(
            "/api/v1/transfers",
            {"file": upload},
            **bearer(key_for(self.users["school"])),
        )
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["error"]["code"], "lost_pupil_duplicate")

    def test_another_school_may_send_the_same_pupil(self) -> None:
        self.send_lost_pupil(number=1, upn=pupil_upn(7))
        self.send_lost_pupil(self.sender, number=1, upn=pupil_upn(7))
        self.assertEqual(LostPupilRecord.objects.count(), 2)

    def test_a_resolved_record_does_not_block_a_new_file(self) -> None:
        first = self.record_of(self.send_lost_pupil(number=1, upn=pupil_upn(7)))
        LostPupilRecord.objects.filter(pk=first.pk).update(
            state=LostPupilRecord.State.DOWNLOADED,
            downloaded_at=first.uploaded_at,
            downloaded_by_la=self.cardiff,
        )
        self.send_lost_pupil(number=2, upn=pupil_upn(7))
        self.assertEqual(LostPupilRecord.objects.count(), 2)

    def _ctf(self, *, upn: str, seed: int, destination: str = "XXXXXXX") -> bytes:
        return lost_pupil_ctf("6812003", destination, upn=upn, seed=seed)
