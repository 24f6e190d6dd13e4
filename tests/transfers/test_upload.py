"""Uploading: every check of the main flow, in order, and what an upload records."""

from __future__ import annotations

import re

from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from pontio.audit.models import AuditEvent
from pontio.transfers.blobs import read_blob_bytes
from pontio.transfers.models import StoredBlob, Transfer, TransferPupil
from pontio.transfers.services import SizeLimitedUploadHandler, UploadRefusedError
from tests.transfers.helpers import (
    REFERENCE_CTFS,
    REFERENCE_DESTINATION,
    HubTestCase,
    ctf_bytes,
    ctf_name,
    reference_ctf,
    zip_bytes,
)

SMALL_LIMIT_BYTES = 2048


class UploadTests(HubTestCase):
    def test_accepts_each_reference_ctf_with_its_warnings(self) -> None:
        for filename, (source, pupils, warnings) in REFERENCE_CTFS.items():
            with self.subTest(file=filename):
                data = reference_ctf(filename)
                name = ctf_name(source, REFERENCE_DESTINATION)
                transfer = self.upload(self.reference_senders[source], name, data)
                self.assertEqual(transfer.status, Transfer.Status.AWAITING)
                self.assertEqual(transfer.route, Transfer.Route.SCHOOL)
                self.assertEqual(transfer.destination, self.receiving_school)
                self.assertEqual(transfer.pupil_count, pupils)
                self.assertEqual(transfer.pupils.count(), pupils)
                self.assertEqual([w["code"] for w in transfer.warnings], warnings)
                self.assertEqual(transfer.header_source, source)
                self.assertEqual(transfer.size, len(data))
                assert transfer.blob is not None
                self.assertEqual(read_blob_bytes(transfer.blob), data)

    def test_keeps_warnings_renderable_in_each_language(self) -> None:
        data = reference_ctf("gryphon_y7_partial.xml")
        transfer = self.upload(
            self.reference_senders["9333281"], ctf_name("9333281", "8384512"), data
        )
        rendered = transfer.rendered_warnings()
        self.assertEqual([item["code"] for item in rendered], ["upn_1510"])
        self.assertTrue(rendered[0]["message"])
        self.assertEqual(transfer.warnings[0]["line"] is not None, True)

    def test_accepts_a_synthetic_ctf_25_and_indexes_its_pupils(self) -> None:
        transfer = self.school_ctf(pupils=25)
        self.assertEqual(transfer.pupil_count, 25)
        pupils = list(transfer.pupils.all())
        self.assertEqual([pupil.position for pupil in pupils], list(range(1, 26)))
        self.assertTrue(all(pupil.upn and pupil.surname for pupil in pupils))
        self.assertTrue(all(pupil.date_of_birth for pupil in pupils))

    def test_records_the_upload_in_the_audit_trail_and_queues_the_notices(
        self,
    ) -> None:
        transfer = self.school_ctf()
        event = AuditEvent.objects.get(action="transfer.uploaded")
        self.assertEqual(event.object_ref, str(transfer.code))
        self.assertEqual(event.details["destination"], "6812004")
        self.assertEqual(DBTaskResult.objects.count(), 1)


class FileNameFormTests(HubTestCase):
    """Every file-name form of seed 002 Appendix 2, uploaded by its sender."""

    def test_school_to_school_ctf(self) -> None:
        transfer = self.school_ctf()
        self.assertEqual(transfer.route, Transfer.Route.SCHOOL)
        self.assertEqual(transfer.destination, self.school2)
        self.assertEqual(transfer.destination_la, self.cardiff)

    def test_school_to_lost_pupils_ctfs(self) -> None:
        for number, code in enumerate(("XXXXXXX", "MMMMMMM"), start=1):
            with self.subTest(destination=code):
                transfer = self.upload(
                    self.users["school"],
                    ctf_name("6812003", code, number),
                    ctf_bytes("6812003", code, seed=number),
                )
                self.assertEqual(transfer.route, Transfer.Route.LOST_PUPILS)
                self.assertIsNone(transfer.destination)
                self.assertEqual(transfer.destination_code, code)

    def test_school_to_la_ctf(self) -> None:
        transfer = self.upload(
            self.users["school"],
            ctf_name("6812003", "681LLLL"),
            ctf_bytes("6812003", "681LLLL"),
        )
        self.assertEqual(transfer.route, Transfer.Route.LA)
        self.assertEqual(transfer.destination, self.cardiff)
        self.assertEqual(transfer.destination_mailbox, "LLLL")

    def test_la_to_school_ctf_in_both_printed_forms(self) -> None:
        names = ("681LLLL_CTF6812004_001.XML", "681LLLL_CTF_6812004_002.XML")
        for seed, name in enumerate(names, start=1):
            with self.subTest(name=name):
                # The LA sends on a school's CTF: the header names that school.
                data = ctf_bytes("6812003", "6812004", seed=seed)
                transfer = self.upload(self.users["la_user"], name, data)
                self.assertEqual(transfer.source, self.cardiff)
                self.assertEqual(transfer.source_mailbox, "LLLL")
                self.assertEqual(transfer.destination, self.school2)

    def test_generic_school_to_school_school_to_la_and_la_to_school(self) -> None:
        cases = [
            (self.users["school"], "6812003_6812004_Reports.zip", self.school2),
            (self.users["school"], "6812003_681LLLL_Census-2025.zip", self.cardiff),
            (self.users["la_user"], "681LLLL_6812003_Letters.zip", self.school),
        ]
        for number, (user, name, destination) in enumerate(cases):
            with self.subTest(name=name):
                data = _zip_with(f"file{number}.txt")
                transfer = self.upload(user, name, data)
                self.assertEqual(transfer.kind, Transfer.Kind.GENERIC)
                self.assertEqual(transfer.destination, destination)
                self.assertEqual(transfer.pupil_count, 0)


class RefusalTests(HubTestCase):
    def assert_left_nothing(self, code: str) -> None:
        self.assertFalse(Transfer.objects.exists())
        self.assertFalse(StoredBlob.objects.exists())
        self.assertFalse(TransferPupil.objects.exists())
        self.assertFalse(DBTaskResult.objects.exists())
        event = AuditEvent.objects.get(action="transfer.upload_refused")
        self.assertEqual(event.outcome, "failure")
        self.assertEqual(event.details["code"], code)

    @override_settings(TRANSFER_MAX_SCHOOL_UPLOAD_BYTES=SMALL_LIMIT_BYTES)
    def test_refuses_a_school_file_over_the_size_limit(self) -> None:
        data = ctf_bytes("6812003", "6812004", pupils=3)
        self.assertGreater(len(data), SMALL_LIMIT_BYTES)
        error = self.refusal(self.users["school"], ctf_name("6812003", "6812004"), data)
        self.assertEqual(error.code, "file_too_large")
        self.assert_left_nothing("file_too_large")

    @override_settings(TRANSFER_MAX_SCHOOL_UPLOAD_BYTES=SMALL_LIMIT_BYTES)
    def test_gives_an_la_its_own_larger_limit(self) -> None:
        data = ctf_bytes("6812003", "6812004", pupils=3)
        transfer = self.upload(
            self.users["la_user"], "681LLLL_CTF_6812004_001.XML", data
        )
        self.assertEqual(transfer.size, len(data))

    def test_the_upload_handler_stops_reading_past_the_limit(self) -> None:
        handler = SizeLimitedUploadHandler(None, SMALL_LIMIT_BYTES)
        handler.new_file("file", "big.XML", "application/xml", None)
        chunk = b"x" * 1024
        handler.receive_data_chunk(chunk, 0)
        handler.receive_data_chunk(chunk, 1024)
        with self.assertRaises(UploadRefusedError) as caught:
            handler.receive_data_chunk(chunk, 2048)
        self.assertEqual(caught.exception.code, "file_too_large")
        self.assertLessEqual(handler.file.tell(), SMALL_LIMIT_BYTES)

    def test_refuses_an_empty_file(self) -> None:
        error = self.refusal(self.users["school"], ctf_name("6812003", "6812004"), b"")
        self.assertEqual(error.code, "file_empty")

    def test_refuses_a_badly_named_file_listing_every_problem(self) -> None:
        data = ctf_bytes("6812003", "6812004")
        error = self.refusal(self.users["school"], "68120_CTF_ABC_1.XML", data)
        self.assertEqual(error.code, "filename_invalid")
        codes = [problem.code for problem in error.problems]
        self.assertEqual(
            codes,
            [
                "filename_source_length",
                "filename_destination_length",
                "filename_sequence",
            ],
        )
        self.assert_left_nothing("filename_invalid")

    def test_refuses_a_file_from_another_school(self) -> None:
        data = ctf_bytes("6812004", "6812003")
        error = self.refusal(self.users["school"], ctf_name("6812004", "6812003"), data)
        self.assertEqual(error.code, "wrong_source_school")

    def test_refuses_an_la_file_not_named_with_the_users_la(self) -> None:
        data = ctf_bytes("8383321", "6812003")
        error = self.refusal(self.users["la_user"], "838LLLL_CTF_6812003_001.XML", data)
        self.assertEqual(error.code, "wrong_source_la")

    def test_plasc_and_admissions_officers_send_under_their_own_codes(self) -> None:
        data = ctf_bytes("6812003", "6812004")
        for role, mailbox in (("la_plasc", "PLAS"), ("la_admissions", "ADMS")):
            with self.subTest(role=role):
                user = self.users[role]
                error = self.refusal(user, "681LLLL_CTF_6812004_001.XML", data)
                self.assertEqual(error.code, "wrong_source_mailbox")
                transfer = self.upload(user, f"681{mailbox}_CTF_6812004_001.XML", data)
                self.assertEqual(transfer.source_mailbox, mailbox)
                Transfer.objects.filter(pk=transfer.pk).update(
                    status=Transfer.Status.COLLECTED, collected_at=transfer.uploaded_at
                )

    def test_la_dba_never_sends_generic_files(self) -> None:
        error = self.refusal(
            self.users["la_dba"], "681LLLL_6812003_Letters.zip", _zip_with("a.txt")
        )
        self.assertEqual(error.code, "kind_not_allowed")

    def test_lost_pupil_officer_sends_generic_files_only(self) -> None:
        user = self.users["la_lost_pupil"]
        data = ctf_bytes("6812003", "6812004")
        error = self.refusal(user, "681LLLL_CTF_6812004_001.XML", data)
        self.assertEqual(error.code, "kind_not_allowed")
        transfer = self.upload(user, "681LLLL_6812003_Letters.zip", _zip_with("a"))
        self.assertEqual(transfer.kind, Transfer.Kind.GENERIC)

    def test_roles_without_file_rights_send_nothing(self) -> None:
        for role in ("la_dba_view_only", "central_admin"):
            with self.subTest(role=role):
                error = self.refusal(
                    self.users[role], ctf_name("6812003", "6812004"), b"x"
                )
                self.assertEqual(error.code, "transfer_not_allowed")

    def test_refuses_an_invalid_ctf_listing_every_error(self) -> None:
        data = ctf_bytes("6812003", "6812004", pupils=2)
        broken = re.sub(rb"<DOB>[^<]*</DOB>", b"<DOB>not-a-date</DOB>", data)
        error = self.refusal(
            self.users["school"], ctf_name("6812003", "6812004"), broken
        )
        self.assertEqual(error.code, "ctf_invalid")
        self.assertEqual(
            [problem.code for problem in error.problems],
            ["date_invalid", "date_invalid"],
        )
        self.assertTrue(all(problem.line for problem in error.problems))
        self.assert_left_nothing("ctf_invalid")

    def test_refuses_a_file_that_is_not_xml(self) -> None:
        error = self.refusal(
            self.users["school"], ctf_name("6812003", "6812004"), b"%PDF-1.4 ..."
        )
        self.assertEqual(error.code, "ctf_invalid")

    def test_refuses_a_school_file_whose_header_disagrees_with_its_name(self) -> None:
        cases = [
            # The header names another destination.
            ("6812003", ctf_bytes("6812003", "8384512")),
            # The header names another source school.
            ("6812003", ctf_bytes("6812004", "6812004")),
        ]
        for sender, data in cases:
            with self.subTest():
                error = self.refusal(
                    self.users["school"], ctf_name(sender, "6812004"), data
                )
                self.assertEqual(error.code, "header_name_mismatch")

    def test_a_lost_pupil_file_must_hold_exactly_one_pupil(self) -> None:
        two_pupils = ctf_bytes("6812003", "6812004", pupils=2)
        # A school's file says XXXXXXX in its header too: the CTF check refuses it.
        data = _retarget(two_pupils, "XXX", "XXXX")
        error = self.refusal(self.users["school"], ctf_name("6812003", "XXXXXXX"), data)
        self.assertEqual(error.code, "ctf_invalid")
        self.assertEqual(error.problems[0].code, "lost_pupil_file_not_one_pupil")
        # An LA sending on a school's file: the name alone routes it.
        error = self.refusal(
            self.users["la_user"], "681LLLL_CTF_XXXXXXX_001.XML", two_pupils
        )
        self.assertEqual(error.code, "lost_pupil_not_single")

    def test_refuses_an_unknown_or_closed_school_suggesting_its_la(self) -> None:
        cases = [("6819999", "unknown_destination"), ("6812005", "closed_destination")]
        for destination, code in cases:
            with self.subTest(destination=destination):
                data = ctf_bytes("6812003", destination)
                error = self.refusal(
                    self.users["school"], ctf_name("6812003", destination), data
                )
                self.assertEqual(error.code, code)
                self.assertEqual(error.params["la_code"], "681LLLL")

    def test_refuses_an_unknown_la(self) -> None:
        data = ctf_bytes("6812003", "999LLLL")
        error = self.refusal(self.users["school"], ctf_name("6812003", "999LLLL"), data)
        self.assertEqual(error.code, "unknown_destination_la")

    def test_refuses_an_identical_file_already_awaiting_the_same_destination(
        self,
    ) -> None:
        self.school_ctf()
        data = ctf_bytes("6812003", "6812004", seed=1)
        error = self.refusal(self.users["school"], ctf_name("6812003", "6812004"), data)
        self.assertEqual(error.code, "duplicate_file")
        self.assertEqual(Transfer.objects.count(), 1)
        self.assertEqual(StoredBlob.objects.count(), 1)

    def test_accepts_the_same_file_again_once_the_first_was_collected(self) -> None:
        first = self.school_ctf()
        Transfer.objects.filter(pk=first.pk).update(
            status=Transfer.Status.COLLECTED, collected_at=first.uploaded_at
        )
        second = self.school_ctf()
        self.assertEqual(second.sha256, first.sha256)


def _retarget(data: bytes, lea: str, estab: str) -> bytes:
    """Point a CTF's header at another destination."""
    return re.sub(
        rb"(<DestSchool>\s*<LEA>)[^<]*(</LEA>\s*<Estab>)[^<]*(</Estab>)",
        lambda match: (
            match.group(1)
            + lea.encode()
            + match.group(2)
            + estab.encode()
            + match.group(3)
        ),
        data,
        count=1,
    )


def _zip_with(name: str) -> bytes:
    return zip_bytes({name: b"content of " + name.encode()})
