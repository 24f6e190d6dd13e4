"""Routes: a school's inbox, an LA's three mailboxes, the Lost Pupil Database,
and the LA's monitoring views."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from pontio.transfers import access, queries
from pontio.transfers.models import Transfer
from tests.transfers.helpers import (
    HubTestCase,
    ctf_bytes,
    ctf_name,
    reference_ctf,
    zip_bytes,
)


class LaMailboxTests(HubTestCase):
    def setUp(self) -> None:
        super().setUp()
        school = self.users["school"]
        data = ctf_bytes("6812003", "681LLLL")
        self.files = {
            "ctf_llll": self.upload(school, ctf_name("6812003", "681LLLL"), data),
            "ctf_plas": self.upload(school, ctf_name("6812003", "681PLAS"), data),
            "ctf_adms": self.upload(school, ctf_name("6812003", "681ADMS"), data),
            "zip_llll": self.upload(
                school, "6812003_681LLLL_Census.zip", zip_bytes({"a": b"1"})
            ),
            "zip_adms": self.upload(
                school, "6812003_681ADMS_Offers.zip", zip_bytes({"b": b"2"})
            ),
        }

    def inbox(self, role: str) -> set[str]:
        found = access.transfers_visible_to(self.users[role], "inbox")
        codes = {transfer.code: key for key, transfer in self.files.items()}
        return {codes[transfer.code] for transfer in found}

    def test_each_la_role_reads_the_mailbox_seed_002_gives_it(self) -> None:
        expected = {
            "la_dba": {"ctf_llll"},
            "la_user": {"ctf_llll", "zip_llll"},
            "la_school": {"ctf_llll", "zip_llll"},
            "la_lost_pupil": {"zip_llll"},
            "la_lost_pupil_transfer": {"ctf_llll", "zip_llll"},
            "la_dba_view_only": set(),
            "la_plasc": {"ctf_plas"},
            "la_admissions": {"ctf_adms", "zip_adms"},
        }
        for role, files in expected.items():
            with self.subTest(role=role):
                self.assertEqual(self.inbox(role), files)

    def test_a_school_reads_only_its_own_inbox(self) -> None:
        self.assertEqual(self.inbox("school"), set())
        mine = self.school_ctf()
        received = access.transfers_visible_to(self.school2_user, "inbox")
        self.assertEqual(list(received), [mine])

    def test_the_sending_school_sees_every_file_in_its_outbox(self) -> None:
        sent = access.transfers_visible_to(self.users["school"], "outbox")
        self.assertEqual(set(sent), set(self.files.values()))


class LostPupilRouteTests(HubTestCase):
    def test_a_lost_pupil_file_is_in_no_inbox_but_in_its_senders_outbox(self) -> None:
        transfer = self.upload(
            self.users["school"],
            ctf_name("6812003", "XXXXXXX"),
            ctf_bytes("6812003", "XXXXXXX"),
        )
        self.assertEqual(transfer.route, Transfer.Route.LOST_PUPILS)
        self.assertEqual(transfer.source_la, self.cardiff)
        self.assertEqual(transfer.pupils.count(), 1)
        for user in self.users.values():
            with self.subTest(user=user.username):
                inbox = access.transfers_visible_to(user, "inbox")
                self.assertNotIn(transfer, inbox)
                self.assertNotIn(transfer, access.transfers_visible_to(user, "la"))
        outbox = access.transfers_visible_to(self.users["school"], "outbox")
        self.assertIn(transfer, outbox)


class LaMonitoringTests(HubTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.within = self.school_ctf()
        self.to_la = self.upload(
            self.users["school"],
            ctf_name("6812003", "681LLLL"),
            ctf_bytes("6812003", "681LLLL"),
        )
        self.outgoing = self.upload(
            self.users["school"],
            ctf_name("6812003", "8384512"),
            ctf_bytes("6812003", "8384512"),
        )
        self.incoming = self.upload(
            self.sender,
            ctf_name("8383321", "6812004"),
            ctf_bytes("8383321", "6812004"),
        )
        self.dorset_only = self.upload(
            self.sender,
            ctf_name("8383321", "8384512"),
            reference_ctf("gryphon_y7_2_students.xml"),
        )

    def view(self, name: queries.MonitoringView, status: str = "awaiting") -> list:
        return list(queries.la_monitoring(self.users["la_user"], name, status))  # type: ignore[arg-type]

    def test_shows_files_within_coming_in_and_leaving_the_la(self) -> None:
        self.assertEqual(set(self.view("within")), {self.within, self.to_la})
        self.assertEqual(self.view("incoming"), [self.incoming])
        self.assertEqual(self.view("outgoing"), [self.outgoing])

    def test_switches_between_collected_and_awaiting(self) -> None:
        Transfer.objects.filter(pk=self.within.pk).update(
            status=Transfer.Status.COLLECTED, collected_at=self.within.uploaded_at
        )
        self.assertEqual(self.view("within", "collected"), [self.within])
        self.assertEqual(self.view("within", "awaiting"), [self.to_la])

    def test_flags_files_sent_to_the_la_itself(self) -> None:
        flags = {item.pk: item.to_la_itself for item in self.view("within")}
        self.assertEqual(flags, {self.within.pk: False, self.to_la.pk: True})

    def test_lists_files_not_collected_with_their_pupils_la_files_first(self) -> None:
        files = list(queries.files_not_collected(self.users["la_dba"]))
        self.assertEqual(files, [self.to_la, self.within, self.incoming])
        pupil = files[0].pupils.all()[0]
        self.assertTrue(pupil.upn and pupil.surname and pupil.date_of_birth)

    def test_roles_that_do_not_monitor_are_refused(self) -> None:
        for role in ("la_plasc", "la_lost_pupil", "school"):
            with self.subTest(role=role), self.assertRaises(PermissionDenied):
                queries.la_monitoring(self.users[role], "within", "awaiting")
