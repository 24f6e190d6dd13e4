"""The Lost Pupil Database's pages, in English and Welsh."""

from __future__ import annotations

from django.urls import reverse

from pontio.audit.models import AuditEvent
from pontio.lostpupils.models import LostPupilRecord
from pontio.transfers.models import DestructionLogEntry, Transfer
from tests.lostpupils.base import LostPupilTestCase, pupil_upn

SEARCHERS = ("la_lost_pupil", "la_lost_pupil_transfer")


class LostPupilPagesTestCase(LostPupilTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.file = self.send_lost_pupil(surname="Pritchard", number=1)
        self.dorset_file = self.send_lost_pupil(
            self.sender, surname="Prichard", number=1
        )
        self.record = self.record_of(self.file)

    def url(self, name: str, record: LostPupilRecord | None = None) -> str:
        if record is None and name != "search":
            record = self.record
        kwargs = {"code": record.code} if record is not None else {}
        return reverse(f"lostpupils:{name}", kwargs=kwargs)


class SearchPageTests(LostPupilPagesTestCase):
    def test_lost_pupil_officers_find_pupils_of_every_la(self) -> None:
        for role in SEARCHERS:
            with self.subTest(role=role):
                self.login(self.users[role])
                response = self.client.post(self.url("search"), {"surname": "Prichard"})
                self.assertEqual(response.status_code, 200)
                for record in LostPupilRecord.objects.all():
                    self.assertContains(response, f'data-code="{record.code}"')

    def test_surname_begins_is_an_exact_prefix(self) -> None:
        self.login(self.users["la_lost_pupil"])
        response = self.client.post(
            self.url("search"), {"surname": "Pritch", "surname_begins": "on"}
        )
        self.assertContains(response, f'data-code="{self.record.code}"')
        dorset = self.record_of(self.dorset_file)
        self.assertNotContains(response, f'data-code="{dorset.code}"')

    def test_every_other_role_is_refused(self) -> None:
        for role, user in self.users.items():
            if role in SEARCHERS:
                continue
            with self.subTest(role=role):
                self.login(user)
                self.assertEqual(self.client.get(self.url("search")).status_code, 403)
                response = self.client.get(self.url("record"))
                self.assertEqual(response.status_code, 403)

    def test_an_empty_search_shows_its_error(self) -> None:
        self.login(self.users["la_lost_pupil"])
        response = self.client.post(self.url("search"), {})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "govuk-error-summary")
        self.assertFalse(AuditEvent.objects.filter(action="lostpupil.searched"))

    def test_no_pupil_detail_is_ever_in_a_url(self) -> None:
        for name in ("search", "record", "download", "transfer", "remove"):
            with self.subTest(name=name):
                url = self.url(name)
                self.assertNotIn(self.record.upn, url)
                self.assertNotIn("Pritchard", url)


class RecordPageTests(LostPupilPagesTestCase):
    def test_shows_the_details_of_the_seed_and_is_audited(self) -> None:
        self.login(self.users["la_lost_pupil"])
        response = self.client.get(self.url("record"))
        self.assertEqual(response.status_code, 200)
        for element in ("la", "school", "uploaded", "former-upn", "middle-names"):
            self.assertContains(response, f'id="{element}"')
        self.assertContains(response, self.school.name)
        event = AuditEvent.objects.get(action="lostpupil.viewed")
        self.assertEqual(event.object_ref, str(self.record.code))

    def test_a_removed_record_is_not_found(self) -> None:
        LostPupilRecord.objects.filter(pk=self.record.pk).update(
            state="removed", removed_at=self.record.uploaded_at
        )
        self.login(self.users["la_lost_pupil"])
        self.assertEqual(self.client.get(self.url("record")).status_code, 404)


class DownloadPageTests(LostPupilPagesTestCase):
    def test_the_file_is_only_given_once_the_box_is_ticked(self) -> None:
        self.login(self.users["la_lost_pupil"])
        refused = self.client.post(self.url("download"), {})
        self.assertEqual(refused.status_code, 200)
        self.assertContains(refused, "govuk-error-summary")
        self.assertFalse(AuditEvent.objects.filter(action="lostpupil.downloaded"))
        response = self.client.post(self.url("download"), {"confirm_on_roll": "on"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        self.assertEqual(len(b"".join(response.streaming_content)), self.file.size)
        self.assertTrue(AuditEvent.objects.filter(action="lostpupil.downloaded"))

    def test_yes_marks_the_record_downloaded_by_the_la(self) -> None:
        self.login(self.users["la_lost_pupil"])
        response = self.client.post(self.url("downloaded"), {"downloaded": "yes"})
        self.assertRedirects(response, self.url("search"))
        self.record.refresh_from_db()
        self.assertEqual(self.record.state, LostPupilRecord.State.DOWNLOADED)
        self.assertEqual(self.record.downloaded_by_la, self.cardiff)

    def test_no_goes_back_to_download_again(self) -> None:
        self.login(self.users["la_lost_pupil"])
        response = self.client.post(self.url("downloaded"), {"downloaded": "no"})
        self.assertRedirects(response, self.url("download"))
        self.record.refresh_from_db()
        self.assertEqual(self.record.state, LostPupilRecord.State.OPEN)


class TransferPageTests(LostPupilPagesTestCase):
    def test_sends_the_file_to_a_school_of_the_la(self) -> None:
        self.login(self.users["la_lost_pupil_transfer"])
        dorset = self.record_of(self.dorset_file)
        response = self.client.post(self.url("transfer", dorset), {"school": "6812004"})
        sent = Transfer.objects.get(destination_code="6812004")
        self.assertRedirects(
            response, reverse("transfers:transfer", kwargs={"code": sent.code})
        )
        self.assertEqual(sent.filename, "681LLLL_CTF_6812004_001.XML")
        dorset.refresh_from_db()
        self.assertEqual(dorset.transferred_to, self.school2)

    def test_a_school_of_another_la_cannot_be_chosen(self) -> None:
        self.login(self.users["la_lost_pupil_transfer"])
        response = self.client.post(self.url("transfer"), {"school": "8384512"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "govuk-error-summary")
        self.assertFalse(Transfer.objects.filter(destination_code="8384512"))

    def test_the_search_only_role_cannot_transfer(self) -> None:
        self.login(self.users["la_lost_pupil"])
        self.assertEqual(self.client.get(self.url("transfer")).status_code, 403)


class RemovePageTests(LostPupilPagesTestCase):
    def test_the_uploading_schools_la_removes_the_record(self) -> None:
        self.login(self.users["la_lost_pupil"])
        response = self.client.post(self.url("remove"), {"note": "Joined 6812004"})
        self.assertRedirects(response, self.url("search"))
        self.record.refresh_from_db()
        self.assertEqual(self.record.state, LostPupilRecord.State.REMOVED)
        self.assertEqual(DestructionLogEntry.objects.get().la, self.cardiff)

    def test_another_las_officer_is_refused(self) -> None:
        self.login(self.users["la_lost_pupil"])
        dorset = self.record_of(self.dorset_file)
        self.assertEqual(self.client.get(self.url("remove", dorset)).status_code, 403)


class WelshPagesTests(LostPupilPagesTestCase):
    def test_every_page_renders_in_welsh(self) -> None:
        self.users["la_lost_pupil_transfer"].language = "cy"
        self.login(self.users["la_lost_pupil_transfer"])
        self.client.cookies["django_language"] = "cy"
        pages = [self.url(name) for name in ("record", "download", "transfer")]
        pages.append(self.url("search"))
        headers = {"HTTP_ACCEPT_LANGUAGE": "cy"}
        for url in pages:
            with self.subTest(url=url):
                response = self.client.get(url, **headers)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, '<html lang="cy"')
        results = self.client.post(self.url("search"), {"upn": pupil_upn(1)}, **headers)
        self.assertContains(results, '<html lang="cy"')
        self.assertContains(results, f'data-code="{self.record.code}"')
        self.login(self.users["la_dba"])
        response = self.client.get(reverse("lostpupils:searches"), **headers)
        self.assertContains(response, '<html lang="cy"')
