"""``pontio directory import`` and ``pontio user add``."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from django.core.management import CommandError, call_command

from pontio.audit.models import AuditEvent
from pontio.directory.models import Organisation, User
from pontio.directory.roles import Role
from tests.base import PASSWORD, PontioTestCase

HEADER = "kind,la_code,estab,name,email,town,phone\n"
GOOD_FILE = HEADER + (
    "school,660,2001,Ysgol David Hughes,office@ydh.example.sch.uk,"
    "Porthaethwy,01248 000000\n"
    "la,660,,,s2s@anglesey.example.gov.uk,,\n"
    "school,681,6812005,Ysgol Newydd,,Cardiff,\n"
    "la,681,,Cardiff,cts@cardiff.example.gov.uk,,\n"
)


class DirectoryImportTests(PontioTestCase):
    def run_import(self, text: str) -> str:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "organisations.csv"
            path.write_text(text, encoding="utf-8")
            out = io.StringIO()
            call_command(
                "directory", "import", str(path), stdout=out, stderr=io.StringIO()
            )
        return out.getvalue()

    def test_creates_organisations_and_counts_them(self) -> None:
        output = self.run_import(GOOD_FILE)
        self.assertIn("created 3, updated 0, unchanged 1", output)
        anglesey = Organisation.objects.get(code="660")
        self.assertEqual((anglesey.kind, anglesey.name), ("la", "Isle of Anglesey"))
        school = Organisation.objects.get(code="6602001")
        self.assertEqual(school.la, anglesey)
        self.assertEqual(school.town, "Porthaethwy")
        self.assertEqual(Organisation.objects.get(code="6812005").la, self.cardiff)

    def test_importing_twice_changes_nothing_the_second_time(self) -> None:
        self.run_import(GOOD_FILE)
        events = AuditEvent.objects.count()
        before = list(Organisation.objects.values())
        output = self.run_import(GOOD_FILE)
        self.assertIn("created 0, updated 0, unchanged 4", output)
        self.assertEqual(list(Organisation.objects.values()), before)
        self.assertEqual(AuditEvent.objects.count(), events)

    def test_updates_changed_details_and_audits_them(self) -> None:
        output = self.run_import(
            HEADER + "school,681,2003,Ysgol Pen-y-Bryn,,Cardiff,\n"
        )
        self.assertIn("created 0, updated 1, unchanged 0", output)
        self.school.refresh_from_db()
        self.assertEqual(self.school.name, "Ysgol Pen-y-Bryn")
        self.assertEqual(self.school.email, "office@6812003.example.sch.uk")
        event = AuditEvent.objects.get(action="school.updated")
        self.assertIsNone(event.actor_id)
        self.assertEqual(event.details["source"], "cli")

    def test_one_bad_row_and_nothing_is_imported(self) -> None:
        bad = GOOD_FILE + "school,999,0001,Nowhere School,,,\nschool,681,12,Short,,,\n"
        errors = io.StringIO()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "organisations.csv"
            path.write_text(bad, encoding="utf-8")
            with self.assertRaises(CommandError):
                call_command(
                    "directory",
                    "import",
                    str(path),
                    stdout=io.StringIO(),
                    stderr=errors,
                )
        self.assertFalse(
            Organisation.objects.filter(code__in=["660", "6602001"]).exists()
        )
        reported = errors.getvalue()
        self.assertIn("organisations.csv:6:", reported)
        self.assertIn("organisations.csv:7:", reported)

    def test_reports_every_kind_of_bad_row_with_its_line(self) -> None:
        cases = {
            "county,681,,X,,,": 2,
            "la,68,,X,,,": 2,
            "la,68A,,X,,,": 2,
            "school,681,,X,,,": 2,
            "school,681,2003x,X,,,": 2,
            "school,681,2099,,,,": 2,
            "school,681,2099,X,not-an-address,,": 2,
            "school,681,2099," + "X" * 201 + ",,,": 2,
            "school,838,3321,X,,,\nschool,838,3321,Y,,,": 3,
            "la,990,,X,,,": 2,
        }
        for rows, line in cases.items():
            with self.subTest(rows=rows[:40]):
                with self.assertRaises(Exception) as caught:
                    from pontio.directory.services import imports

                    imports.import_organisations(HEADER + rows + "\n")
                self.assertIn(line, [number for number, _ in caught.exception.errors])

    def test_refuses_a_file_without_the_columns(self) -> None:
        from pontio.directory.services import imports

        with self.assertRaises(imports.ImportFileError) as caught:
            imports.import_organisations("code,name\n681,Cardiff\n")
        self.assertEqual(caught.exception.errors[0][0], 1)

    def test_a_school_of_an_la_absent_from_pontio_and_the_file_is_refused(self) -> None:
        from pontio.directory.services import imports

        with self.assertRaises(imports.ImportFileError):
            imports.import_organisations(HEADER + "school,662,4001,Ysgol,,,\n")

    def test_a_byte_order_mark_and_hostile_cells_are_handled(self) -> None:
        text = (
            "\ufeff"
            + HEADER
            + 'school,681,2006,"=cmd|\' /C calc\'!A0",,"Town, ""quoted""",\n'
        )
        output = self.run_import(text)
        self.assertIn("created 1", output)
        self.assertEqual(
            Organisation.objects.get(code="6812006").town, 'Town, "quoted"'
        )


class UserAddTests(PontioTestCase):
    def add(self, *args: str) -> str:
        out = io.StringIO()
        call_command("user", "add", *args, stdout=out)
        return out.getvalue()

    def test_adds_a_user_and_sends_the_invitation(self) -> None:
        self.add(
            "681bjones",
            "--org",
            "681",
            "--role",
            "la_user",
            "--email",
            "b@cardiff.example.gov.uk",
        )
        user = User.objects.get(username="681bjones")
        self.assertEqual((user.organisation, user.role), (self.cardiff, Role.LA_USER))
        self.assertFalse(user.has_usable_password())
        event = AuditEvent.objects.get(action="user.created")
        self.assertIsNone(event.actor_id)
        self.assertEqual(event.details["source"], "cli")
        self.run_tasks()
        self.assertEqual(
            [m["To"] for m in self.mail()], ["b@cardiff.example.gov.uk"] * 2
        )

    def test_adds_a_user_with_a_password_who_still_enrols_mfa(self) -> None:
        self.add(
            "wgadmin2",
            "--org",
            "central",
            "--role",
            "central_admin",
            "--email",
            "admin2@gov.wales",
            "--password",
            PASSWORD,
        )
        user = User.objects.get(username="wgadmin2")
        self.assertTrue(user.check_password(PASSWORD))
        self.assertFalse(user.totpdevice_set.exists())
        self.run_tasks()
        # No invitation; the grant of an administrative role is announced.
        recipients = {m["To"] for m in self.mail()}
        self.assertNotIn("admin2@gov.wales", recipients)
        self.assertIn(self.users["central_admin"].email, recipients)

    def test_adds_a_school_user_by_establishment_number(self) -> None:
        self.add(
            "6812004office",
            "--org",
            "6812004",
            "--role",
            "school",
            "--email",
            "office@ywern.example.sch.uk",
        )
        self.assertEqual(
            User.objects.get(username="6812004office").organisation, self.school2
        )

    def test_refuses_what_does_not_fit(self) -> None:
        cases = [
            ("681x", "--org", "6812004", "--role", "la_user", "--email", "a@b.gov.uk"),
            ("681x", "--org", "central", "--role", "la_dba", "--email", "a@b.gov.uk"),
            ("681x", "--org", "999", "--role", "la_user", "--email", "a@b.gov.uk"),
            ("681x", "--org", "681", "--role", "la_user", "--email", "a@gmail.com"),
            ("681x", "--org", "681", "--role", "la_school", "--email", "a@b.gov.uk"),
            ("681-x", "--org", "681", "--role", "la_user", "--email", "a@b.gov.uk"),
            (
                "681x",
                "--org",
                "681",
                "--role",
                "la_user",
                "--email",
                "a@b.gov.uk",
                "--password",
                "short",
            ),
            (
                "681x",
                "--org",
                "681",
                "--role",
                "la_user",
                "--email",
                "a@b.gov.uk",
                "--password",
                "681x" * 4,
            ),
        ]
        for args in cases:
            with self.subTest(args=" ".join(args)), self.assertRaises(CommandError):
                self.add(*args)
        self.assertFalse(User.objects.filter(username__startswith="681x").exists())
        self.assertFalse(User.objects.filter(username="681-x").exists())
