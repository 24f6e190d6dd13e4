"""Object-level access: nobody sees a file that is not theirs, their LA's copy,
or addressed to them."""

from __future__ import annotations

import uuid

from django.http import Http404

from pontio.directory.models import Organisation
from pontio.transfers import access
from tests.transfers.helpers import HubTestCase, ctf_bytes, ctf_name, zip_bytes


class AccessTests(HubTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.transfer = self.school_ctf()

    def test_sender_and_recipient_may_see_the_file(self) -> None:
        for user in (self.users["school"], self.school2_user):
            with self.subTest(user=user.username):
                found = access.get_transfer_for(user, self.transfer.code)
                self.assertEqual(found, self.transfer)

    def test_another_las_school_sees_nothing(self) -> None:
        with self.assertRaises(Http404):
            access.get_transfer_for(self.outsider, self.transfer.code)
        for box in access.BOXES:
            with self.subTest(box=box):
                self.assertFalse(access.transfers_visible_to(self.outsider, box))

    def test_another_la_sees_nothing(self) -> None:
        with self.assertRaises(Http404):
            access.get_transfer_for(self.other_dba, self.transfer.code)
        self.assertFalse(access.transfers_visible_to(self.other_dba, "la"))

    def test_la_monitoring_roles_see_their_schools_ctfs_as_copies(self) -> None:
        for role in ("la_dba", "la_user", "la_school"):
            with self.subTest(role=role):
                user = self.users[role]
                self.assertEqual(
                    list(access.transfers_visible_to(user, "la")), [self.transfer]
                )
                access.get_transfer_for(user, self.transfer.code)

    def test_la_roles_that_do_not_monitor_get_no_copies(self) -> None:
        for role in ("la_plasc", "la_admissions", "la_lost_pupil", "la_dba_view_only"):
            with self.subTest(role=role), self.assertRaises(Http404):
                access.get_transfer_for(self.users[role], self.transfer.code)

    def test_no_copies_when_the_la_has_turned_them_off(self) -> None:
        Organisation.objects.filter(pk=self.cardiff.pk).update(receive_ctf_copies=False)
        user = self.users["la_user"]
        user.organisation.refresh_from_db()
        self.assertFalse(access.transfers_visible_to(user, "la"))
        with self.assertRaises(Http404):
            access.get_transfer_for(user, self.transfer.code)

    def test_generic_files_are_not_copied_to_the_la(self) -> None:
        generic = self.upload(
            self.users["school"], "6812003_6812004_Reports.zip", zip_bytes()
        )
        with self.assertRaises(Http404):
            access.get_transfer_for(self.users["la_user"], generic.code)

    def test_copies_cover_files_to_and_from_other_las(self) -> None:
        incoming = self.upload(
            self.sender, ctf_name("8383321", "6812004"), ctf_bytes("8383321", "6812004")
        )
        self.assertEqual(
            access.get_transfer_for(self.other_dba, incoming.code), incoming
        )
        self.assertEqual(
            access.get_transfer_for(self.users["la_user"], incoming.code), incoming
        )

    def test_unknown_and_malformed_codes_are_not_found(self) -> None:
        for code in (uuid.uuid4(), "not-a-uuid", ""):
            with self.subTest(code=code), self.assertRaises(Http404):
                access.get_transfer_for(self.users["school"], code)

    def test_central_administrators_see_no_files(self) -> None:
        with self.assertRaises(Http404):
            access.get_transfer_for(self.users["central_admin"], self.transfer.code)

    def test_a_deactivated_user_sees_nothing(self) -> None:
        self.school2_user.is_active = False
        with self.assertRaises(Http404):
            access.get_transfer_for(self.school2_user, self.transfer.code)
