"""``/api/v1/lost-pupils`` through HTTP, with real API keys."""

from __future__ import annotations

from typing import Any

from pontio.audit.models import AuditEvent
from pontio.directory.models import User
from pontio.lostpupils.models import LostPupilRecord
from pontio.transfers.models import DestructionLogEntry, StoredBlob, Transfer
from tests.api.helpers import bearer, key_for
from tests.lostpupils.base import LostPupilTestCase, pupil_upn

SEARCH = "/api/v1/lost-pupils/search"
SEARCHERS = ("la_lost_pupil", "la_lost_pupil_transfer")


class LostPupilApiTestCase(LostPupilTestCase):
    def setUp(self) -> None:
        super().setUp()
        # One pupil lost by a Cardiff school, one by a Dorset school.
        self.cardiff_file = self.send_lost_pupil(surname="Llewellyn", number=1)
        self.dorset_file = self.send_lost_pupil(
            self.sender, surname="Lewelyn", forename="Cerys", number=1
        )
        self.record = self.record_of(self.cardiff_file)

    def post(self, user: User, path: str, body: dict[str, Any]) -> Any:
        return self.client.post(
            path, body, content_type="application/json", **bearer(key_for(user))
        )

    def path(self, record: LostPupilRecord, action: str = "") -> str:
        suffix = f"/{action}" if action else ""
        return f"/api/v1/lost-pupils/{record.code}{suffix}"


class LostPupilSearchApiTests(LostPupilApiTestCase):
    def test_lost_pupil_officers_search_every_las_pupils(self) -> None:
        for role in SEARCHERS:
            with self.subTest(role=role):
                response = self.post(self.users[role], SEARCH, {"surname": "Llywelyn"})
                self.assertEqual(response.status_code, 200)
                found = {item["school"]["code"] for item in response.json()["results"]}
                self.assertEqual(found, {"6812003", "8383321"})

    def test_every_other_role_is_refused_with_403(self) -> None:
        others = [
            user for role, user in self.users.items() if role not in SEARCHERS
        ] + [self.sender, self.other_dba]
        for user in others:
            with self.subTest(role=user.role, user=user.username):
                response = self.post(user, SEARCH, {"surname": "Llewellyn"})
                self.assertEqual(response.status_code, 403)
                self.assertEqual(response.json()["error"]["code"], "forbidden")
        self.assertFalse(AuditEvent.objects.filter(action="lostpupil.searched"))

    def test_exact_match_is_a_prefix_of_the_surname(self) -> None:
        response = self.post(
            self.users["la_lost_pupil"], SEARCH, {"surname": "Llew", "match": "exact"}
        )
        codes = [item["id"] for item in response.json()["results"]]
        self.assertEqual(codes, [str(self.record.code)])

    def test_a_upn_finds_the_pupil_and_shows_the_details_of_the_seed(self) -> None:
        response = self.post(self.users["la_lost_pupil"], SEARCH, {"upn": pupil_upn(1)})
        [item] = response.json()["results"]
        self.assertEqual(item["la"], "681")
        self.assertEqual(item["school"], {"code": "6812003", "name": self.school.name})
        self.assertEqual(item["state"], "open")
        self.assertIn("former_upn", item)
        self.assertIn("middle_names", item)

    def test_a_search_without_criteria_is_refused_with_its_code(self) -> None:
        response = self.post(self.users["la_lost_pupil"], SEARCH, {})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["error"]["code"], "no_criteria")

    def test_an_unknown_sort_is_refused(self) -> None:
        response = self.post(
            self.users["la_lost_pupil"], SEARCH, {"surname": "X", "sort": "pk"}
        )
        self.assertEqual(response.json()["error"]["code"], "unknown_sort")

    def test_results_sort_by_any_field(self) -> None:
        response = self.post(
            self.users["la_lost_pupil"],
            SEARCH,
            {"surname": "Llewellyn", "sort": "school"},
        )
        schools = [item["school"]["code"] for item in response.json()["results"]]
        self.assertEqual(schools, sorted(schools))


class LostPupilDownloadApiTests(LostPupilApiTestCase):
    def test_download_requires_the_on_roll_confirmation(self) -> None:
        for body in ({}, {"confirm_on_roll": False}):
            with self.subTest(body=body):
                response = self.post(
                    self.users["la_lost_pupil"],
                    self.path(self.record, "download"),
                    body,
                )
                self.assertEqual(response.status_code, 400)
                code = response.json()["error"]["code"]
                self.assertEqual(code, "confirm_on_roll_required")
        self.record.refresh_from_db()
        self.assertEqual(self.record.state, LostPupilRecord.State.OPEN)

    def test_a_confirmed_download_returns_the_file_and_resolves_the_record(
        self,
    ) -> None:
        officer = self.users["la_lost_pupil"]
        response = self.post(
            officer, self.path(self.record, "download"), {"confirm_on_roll": True}
        )
        self.assertEqual(response.status_code, 200)
        body = b"".join(response.streaming_content)
        self.assertEqual(len(body), self.cardiff_file.size)
        self.assertEqual(response["X-Content-SHA256"], self.cardiff_file.sha256)
        self.record.refresh_from_db()
        self.assertEqual(self.record.state, LostPupilRecord.State.DOWNLOADED)
        self.assertEqual(self.record.downloaded_by_la, self.cardiff)
        self.assertIsNotNone(self.record.downloaded_at)
        actions = set(AuditEvent.objects.values_list("action", flat=True))
        self.assertLessEqual(
            {"lostpupil.downloaded", "lostpupil.download_confirmed"}, actions
        )

    def test_a_resolved_record_leaves_default_searches_but_can_be_included(
        self,
    ) -> None:
        officer = self.users["la_lost_pupil"]
        self.post(
            officer, self.path(self.record, "download"), {"confirm_on_roll": True}
        )
        query = {"upn": pupil_upn(1)}
        default = self.post(officer, SEARCH, query).json()["results"]
        included = self.post(
            officer, SEARCH, {**query, "include_resolved": True}
        ).json()["results"]
        self.assertEqual(default, [])
        self.assertEqual([item["state"] for item in included], ["downloaded"])

    def test_viewing_a_record_is_audited(self) -> None:
        response = self.client.get(
            self.path(self.record), **bearer(key_for(self.users["la_lost_pupil"]))
        )
        self.assertEqual(response.status_code, 200)
        event = AuditEvent.objects.get(action="lostpupil.viewed")
        self.assertEqual(event.object_ref, str(self.record.code))

    def test_a_school_cannot_read_or_download_a_record(self) -> None:
        response = self.post(
            self.users["school"],
            self.path(self.record, "download"),
            {"confirm_on_roll": True},
        )
        self.assertEqual(response.status_code, 403)

    def test_an_unknown_record_is_404(self) -> None:
        response = self.post(
            self.users["la_lost_pupil"],
            "/api/v1/lost-pupils/00000000-0000-0000-0000-000000000000/download",
            {"confirm_on_roll": True},
        )
        self.assertEqual(response.status_code, 404)


class LostPupilTransferApiTests(LostPupilApiTestCase):
    def test_sends_the_file_to_a_school_of_the_officers_la_as_an_la_upload(
        self,
    ) -> None:
        officer = self.users["la_lost_pupil_transfer"]
        dorset = self.record_of(self.dorset_file)
        response = self.post(
            officer, self.path(dorset, "transfer"), {"school": "6812004"}
        )
        self.assertEqual(response.status_code, 201)
        body = response.json()
        self.assertEqual(body["filename"], "681LLLL_CTF_6812004_001.XML")
        self.assertEqual(body["route"], "school")
        self.assertEqual(body["destination"], "6812004")
        sent = Transfer.objects.get(code=body["id"])
        self.assertEqual(sent.sha256, self.dorset_file.sha256)
        self.assertEqual(sent.uploaded_by, officer)
        dorset.refresh_from_db()
        self.assertEqual(dorset.state, LostPupilRecord.State.DOWNLOADED)
        self.assertEqual(dorset.downloaded_by_la, self.cardiff)
        self.assertEqual(dorset.transferred_to, self.school2)
        # The usual notifications: the school is told a file waits.
        self.run_tasks()
        recipients = {message["To"] for message in self.mail()}
        self.assertIn(self.school2_user.email, recipients)

    def test_a_school_of_another_la_is_refused(self) -> None:
        officer = self.users["la_lost_pupil_transfer"]
        for school in ("8384512", "9999999", ""):
            with self.subTest(school=school):
                response = self.post(
                    officer, self.path(self.record, "transfer"), {"school": school}
                )
                self.assertEqual(response.status_code, 400)
                code = response.json()["error"]["code"]
                self.assertEqual(code, "transfer_not_own_school")
        self.assertEqual(Transfer.objects.count(), 2)
        self.record.refresh_from_db()
        self.assertEqual(self.record.state, LostPupilRecord.State.OPEN)
        self.assertTrue(
            AuditEvent.objects.filter(action="lostpupil.transfer_refused").exists()
        )

    def test_only_the_transfer_role_may_send_a_file_on(self) -> None:
        response = self.post(
            self.users["la_lost_pupil"],
            self.path(self.record, "transfer"),
            {"school": "6812004"},
        )
        self.assertEqual(response.status_code, 403)


class LostPupilRemovalApiTests(LostPupilApiTestCase):
    def test_the_uploading_schools_la_removes_a_record_and_logs_it(self) -> None:
        officer = self.users["la_lost_pupil"]
        blob_id = self.cardiff_file.blob_id
        response = self.post(
            officer, self.path(self.record, "remove"), {"note": "Now at 6812004"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["state"], "removed")
        self.record.refresh_from_db()
        self.assertEqual(self.record.removal_reason, "destination_known")
        self.assertEqual(self.record.removal_note, "Now at 6812004")
        entry = DestructionLogEntry.objects.get()
        self.assertEqual(entry.la, self.cardiff)
        self.assertEqual(entry.reason, DestructionLogEntry.Reason.DELETED_BY_LA)
        self.assertEqual(entry.authorised_by, officer)
        self.cardiff_file.refresh_from_db()
        self.assertEqual(self.cardiff_file.status, Transfer.Status.DELETED)
        self.assertIsNone(self.cardiff_file.blob_id)
        self.assertFalse(StoredBlob.objects.filter(pk=blob_id).exists())
        # A removed record is gone for everybody.
        again = self.post(officer, self.path(self.record, "download"), {})
        self.assertEqual(again.status_code, 404)

    def test_another_las_officer_cannot_remove_it(self) -> None:
        dorset = self.record_of(self.dorset_file)
        response = self.post(
            self.users["la_lost_pupil"], self.path(dorset, "remove"), {"note": "x"}
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(DestructionLogEntry.objects.exists())

    def test_a_reason_is_required(self) -> None:
        response = self.post(
            self.users["la_lost_pupil"], self.path(self.record, "remove"), {"note": " "}
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["error"]["code"], "note_required")
