"""Reject (by the destination), delete and forward (by the destination's LA)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django_tasks_db.models import DBTaskResult

from pontio.audit.models import AuditEvent
from pontio.transfers import access, services
from pontio.transfers.models import (
    DestructionLogEntry,
    StoredBlob,
    Transfer,
    TransferPupil,
)
from tests.transfers.helpers import HubTestCase, ctf_bytes, ctf_name


class RejectTests(HubTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.transfer = self.school_ctf(pupils=2)

    def test_the_destination_rejects_with_a_reason_and_the_file_is_deleted(
        self,
    ) -> None:
        services.reject_transfer(
            self.transfer, actor=self.school2_user, reason="Pupil not on roll"
        )
        self.transfer.refresh_from_db()
        self.assertEqual(self.transfer.status, Transfer.Status.REJECTED)
        self.assertEqual(self.transfer.rejected_by, self.school2_user)
        self.assertEqual(self.transfer.rejection_reason, "Pupil not on roll")
        self.assertIsNone(self.transfer.blob)
        self.assertFalse(StoredBlob.objects.exists())
        self.assertFalse(TransferPupil.objects.exists())
        entry = DestructionLogEntry.objects.get()
        self.assertEqual(entry.reason, DestructionLogEntry.Reason.REJECTED)
        self.assertEqual(entry.la, self.cardiff)
        self.assertEqual(entry.file_reference, str(self.transfer.code))
        self.assertTrue(AuditEvent.objects.filter(action="transfer.rejected").exists())

    def test_a_rejected_file_leaves_the_inbox_and_stays_as_the_senders_receipt(
        self,
    ) -> None:
        services.reject_transfer(self.transfer, actor=self.school2_user, reason="No")
        self.assertFalse(access.transfers_visible_to(self.school2_user, "inbox"))
        outbox = access.transfers_visible_to(self.users["school"], "outbox")
        self.assertEqual(outbox.get().status, Transfer.Status.REJECTED)

    def test_a_reason_is_required(self) -> None:
        for reason, code in (
            ("  ", "reason_required"),
            ("x" * 1001, "reason_too_long"),
        ):
            with self.subTest(code=code), self.assertRaises(ValidationError) as caught:
                services.reject_transfer(
                    self.transfer, actor=self.school2_user, reason=reason
                )
            self.assertEqual(caught.exception.code, code)

    def test_only_the_destination_may_reject(self) -> None:
        for user in (self.users["school"], self.users["la_user"]):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                services.reject_transfer(self.transfer, actor=user, reason="No")

    def test_a_file_cannot_be_rejected_twice(self) -> None:
        services.reject_transfer(self.transfer, actor=self.school2_user, reason="No")
        with self.assertRaises(ValidationError) as caught:
            services.reject_transfer(
                self.transfer, actor=self.school2_user, reason="No"
            )
        self.assertEqual(caught.exception.code, "file_gone")


class LaDeleteTests(HubTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.transfer = self.school_ctf()

    def test_the_la_deletes_a_file_its_school_has_not_collected(self) -> None:
        officer = self.users["la_user"]
        found = access.get_transfer_for_la(officer, self.transfer.code)
        entry = services.delete_transfer(found, actor=officer)
        self.transfer.refresh_from_db()
        self.assertEqual(self.transfer.status, Transfer.Status.DELETED)
        self.assertEqual(self.transfer.deleted_by, officer)
        self.assertFalse(StoredBlob.objects.exists())
        self.assertEqual(entry.reason, DestructionLogEntry.Reason.DELETED_BY_LA)
        self.assertEqual(entry.authorised_by, officer)
        self.assertEqual(entry.authorising_officer, officer.username)
        self.assertEqual(entry.number_of_files, 1)
        self.assertTrue(AuditEvent.objects.filter(action="transfer.deleted").exists())

    def test_another_la_cannot_reach_the_file(self) -> None:
        with self.assertRaises(Http404):
            access.get_transfer_for_la(self.other_dba, self.transfer.code)

    def test_roles_that_do_not_monitor_cannot_delete(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.delete_transfer(self.transfer, actor=self.users["la_plasc"])

    def test_a_collected_file_cannot_be_deleted_by_the_la(self) -> None:
        services.download_transfer(self.transfer, actor=self.school2_user).close()
        with self.assertRaises(ValidationError) as caught:
            services.delete_transfer(self.transfer, actor=self.users["la_user"])
        self.assertEqual(caught.exception.code, "not_awaiting")


class ForwardTests(HubTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.transfer = self.upload(
            self.users["school"],
            ctf_name("6812003", "681LLLL", 7),
            ctf_bytes("6812003", "681LLLL"),
        )
        DBTaskResult.objects.all().delete()

    def test_the_la_sends_a_file_on_to_one_of_its_schools(self) -> None:
        services.forward_transfer(
            self.transfer, actor=self.users["la_user"], school=self.school2
        )
        self.transfer.refresh_from_db()
        self.assertEqual(self.transfer.destination, self.school2)
        self.assertEqual(self.transfer.route, Transfer.Route.SCHOOL)
        self.assertEqual(self.transfer.filename, "6812003_CTF_6812004_007.XML")
        self.assertEqual(
            list(access.transfers_visible_to(self.school2_user, "inbox")),
            [self.transfer],
        )
        self.assertFalse(access.transfers_visible_to(self.users["la_user"], "inbox"))
        event = AuditEvent.objects.get(action="transfer.forwarded")
        self.assertEqual(event.details["previous_destination"], "681LLLL")
        self.assertEqual(DBTaskResult.objects.count(), 1)

    def test_forwards_only_to_an_open_school_of_the_la(self) -> None:
        for school in (self.receiving_school, self.closed_school):
            with self.subTest(school=school.code):
                with self.assertRaises(ValidationError) as caught:
                    services.forward_transfer(
                        self.transfer, actor=self.users["la_user"], school=school
                    )
                self.assertEqual(caught.exception.code, "forward_not_own_school")
