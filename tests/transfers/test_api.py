"""``/api/v1/transfers`` through HTTP, with real API keys."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from pontio.audit.models import AuditEvent
from pontio.directory.models import User
from pontio.transfers.models import StoredBlob, Transfer
from tests.api.helpers import bearer, key_for
from tests.transfers.helpers import (
    REFERENCE_DESTINATION,
    HubTestCase,
    ctf_bytes,
    ctf_name,
    reference_ctf,
)

URL = "/api/v1/transfers"
TRANSFER_KEYS = {
    "id",
    "filename",
    "kind",
    "source",
    "destination",
    "route",
    "status",
    "pupil_count",
    "warnings",
    "size",
    "sha256",
    "uploaded_at",
    "collected_at",
}


class TransfersApiTests(HubTestCase):
    def post_file(self, user: User, name: str, data: bytes) -> Any:
        upload = SimpleUploadedFile(name, data, content_type="application/xml")
        return self.client.post(URL, {"file": upload}, **bearer(key_for(user)))

    def get(self, user: User, path: str, **params: Any) -> Any:
        return self.client.get(path, params, **bearer(key_for(user)))

    def send_reference_file(self) -> dict[str, Any]:
        data = reference_ctf("gryphon_y7_2_students.xml")
        response = self.post_file(
            self.sender, ctf_name("8383321", REFERENCE_DESTINATION), data
        )
        self.assertEqual(response.status_code, 201, response.content)
        return dict(response.json())

    def test_upload_answers_201_with_the_transfer(self) -> None:
        body = self.send_reference_file()
        self.assertLessEqual(TRANSFER_KEYS, set(body))
        data = reference_ctf("gryphon_y7_2_students.xml")
        self.assertEqual(body["source"], "8383321")
        self.assertEqual(body["destination"], "8384512")
        self.assertEqual(body["route"], "school")
        self.assertEqual(body["status"], "awaiting")
        self.assertEqual(body["pupil_count"], 2)
        self.assertEqual(body["size"], len(data))
        self.assertEqual(body["sha256"], hashlib.sha256(data).hexdigest())
        self.assertEqual([w["code"] for w in body["warnings"]], ["upn_1510"] * 2)
        self.assertTrue(all(w["message"] for w in body["warnings"]))
        self.assertIsNone(body["collected_at"])

    def test_upload_refusals_carry_their_http_status_and_code(self) -> None:
        good = ctf_bytes("6812003", "6812004")
        school = self.users["school"]
        cases = [
            (school, "not-an-s2s-name.xml", good, 400, "filename_invalid"),
            (school, ctf_name("6812004", "6812003"), good, 400, "wrong_source_school"),
            (school, ctf_name("6812003", "6812004"), b"<CTfile>", 400, "ctf_invalid"),
            (
                school,
                ctf_name("6812003", "6819999"),
                ctf_bytes("6812003", "6819999"),
                400,
                "unknown_destination",
            ),
            (
                self.users["la_dba"],
                "681LLLL_6812003_x.zip",
                b"PK",
                403,
                "kind_not_allowed",
            ),
            (self.users["central_admin"], "x", good, 403, "transfer_not_allowed"),
        ]
        for user, name, data, status, code in cases:
            with self.subTest(code=code):
                response = self.post_file(user, name, data)
                self.assertEqual(response.status_code, status)
                self.assertEqual(response.json()["error"]["code"], code)
                self.assertTrue(response.json()["error"]["message"])

    def test_an_invalid_ctf_lists_every_problem(self) -> None:
        response = self.post_file(
            self.users["school"], "68120_CTF_ABC_1.XML", ctf_bytes("6812003", "6812004")
        )
        problems = response.json()["error"]["problems"]
        self.assertEqual(len(problems), 3)
        self.assertTrue(all(item["code"] and item["message"] for item in problems))

    def test_a_duplicate_is_409(self) -> None:
        self.send_reference_file()
        data = reference_ctf("gryphon_y7_2_students.xml")
        response = self.post_file(
            self.sender, ctf_name("8383321", REFERENCE_DESTINATION, 2), data
        )
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["error"]["code"], "duplicate_file")

    @override_settings(TRANSFER_MAX_SCHOOL_UPLOAD_BYTES=4096)
    def test_an_over_size_file_is_413_and_nothing_is_kept(self) -> None:
        data = ctf_bytes("6812003", "6812004", pupils=5)
        response = self.post_file(
            self.users["school"], ctf_name("6812003", "6812004"), data
        )
        self.assertEqual(response.status_code, 413)
        self.assertEqual(response.json()["error"]["code"], "file_too_large")
        self.assertFalse(StoredBlob.objects.exists())
        event = AuditEvent.objects.get(action="transfer.upload_refused")
        self.assertEqual(event.details["code"], "file_too_large")
        self.assertEqual(event.details["filename"], "6812003_CTF_6812004_001.XML")

    def test_a_request_without_the_file_field_is_400(self) -> None:
        response = self.client.post(
            URL, {"other": "x"}, **bearer(key_for(self.users["school"]))
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["error"]["code"], "file_missing")

    def test_no_key_is_401(self) -> None:
        self.assertEqual(self.client.get(URL).status_code, 401)

    def test_lists_each_box(self) -> None:
        body = self.send_reference_file()
        for user, box in ((self.receiver, "inbox"), (self.sender, "outbox")):
            with self.subTest(box=box):
                response = self.get(user, URL, box=box)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(
                    [t["id"] for t in response.json()["items"]], [body["id"]]
                )
        self.assertEqual(
            self.get(self.other_dba, URL, box="la").json()["items"][0]["id"], body["id"]
        )
        self.assertEqual(
            self.get(self.receiver, URL, box="outbox").json(), {"items": []}
        )
        self.assertEqual(
            self.get(self.receiver, URL, box="inbox", status="collected").json(),
            {"items": []},
        )
        self.assertEqual(self.get(self.receiver, URL, box="nonsense").status_code, 400)

    def test_reads_one_transfer_and_hides_others_with_404(self) -> None:
        body = self.send_reference_file()
        path = f"{URL}/{body['id']}"
        self.assertEqual(self.get(self.receiver, path).json()["id"], body["id"])
        for user in (
            self.users["school"],
            self.users["la_user"],
            self.users["la_plasc"],
        ):
            with self.subTest(user=user.username):
                for suffix in ("", "/content"):
                    response = self.get(user, path + suffix)
                    self.assertEqual(response.status_code, 404)
                    self.assertEqual(response.json()["error"]["code"], "not_found")
        for bad in (str(uuid.uuid4()), "not-a-uuid"):
            self.assertEqual(self.get(self.receiver, f"{URL}/{bad}").status_code, 404)

    def test_content_is_the_file_as_uploaded_and_the_first_download_collects(
        self,
    ) -> None:
        body = self.send_reference_file()
        path = f"{URL}/{body['id']}/content"
        sender_copy = self.get(self.sender, path)
        self.assertEqual(sender_copy.status_code, 200)
        self.assertEqual(
            self.get(self.sender, f"{URL}/{body['id']}").json()["status"], "awaiting"
        )
        response = self.get(self.receiver, path)
        self.assertEqual(response.status_code, 200)
        content = b"".join(response.streaming_content)
        self.assertEqual(content, reference_ctf("gryphon_y7_2_students.xml"))
        self.assertEqual(response["Content-Length"], str(len(content)))
        self.assertIn("8383321_CTF_8384512_001.XML", response["Content-Disposition"])
        after = self.get(self.sender, f"{URL}/{body['id']}").json()
        self.assertEqual(after["status"], "collected")
        self.assertIsNotNone(after["collected_at"])

    def test_reject_is_for_the_destination_only(self) -> None:
        body = self.send_reference_file()
        path = f"{URL}/{body['id']}/reject"
        key = bearer(key_for(self.sender))
        response = self.client.post(
            path, {"reason": "x"}, content_type="application/json", **key
        )
        self.assertEqual(response.status_code, 403)
        key = bearer(key_for(self.receiver))
        response = self.client.post(
            path, {"reason": ""}, content_type="application/json", **key
        )
        self.assertEqual(response.json()["error"]["code"], "reason_required")
        response = self.client.post(
            path, {"reason": "Not on roll"}, content_type="application/json", **key
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["status"], "rejected")
        self.assertEqual(response.json()["rejection_reason"], "Not on roll")
        gone = self.get(self.receiver, f"{URL}/{body['id']}/content")
        self.assertEqual(gone.status_code, 404)
        self.assertEqual(gone.json()["error"]["code"], "file_gone")
        self.assertEqual(Transfer.objects.get().status, Transfer.Status.REJECTED)
