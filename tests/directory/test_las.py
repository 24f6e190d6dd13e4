"""LA details (seed 002 section 3.9) and central administration of LAs."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from pontio.audit.models import AuditEvent
from pontio.directory.models import Organisation, User
from pontio.directory.roles import Role
from tests.base import PontioTestCase, make_user
from tests.directory.test_users import error_codes, new_user_data


class OwnLaDetailsTests(PontioTestCase):
    url = reverse("directory:la")

    def test_dba_updates_its_las_details(self) -> None:
        self.login(self.users["la_dba"])
        data = {"name": "Cardiff Council", "email": "s2s@cardiff.example.gov.uk"}
        response = self.client.post(self.url, data)  # copies switched off
        self.assertRedirects(response, self.url)
        self.cardiff.refresh_from_db()
        self.assertEqual(self.cardiff.name, "Cardiff Council")
        self.assertFalse(self.cardiff.receive_ctf_copies)
        event = AuditEvent.objects.get(action="la.updated")
        self.assertEqual(event.details["fields"], "email,name,receive_ctf_copies")
        self.assertEqual(event.organisation_code, "681")

    def test_copies_of_ctfs_are_on_until_switched_off(self) -> None:
        self.login(self.users["la_dba"])
        response = self.client.get(self.url)
        self.assertTrue(response.context["form"].initial["receive_ctf_copies"])

    def test_view_only_dba_changes_nothing(self) -> None:
        self.login(self.users["la_dba_view_only"])
        response = self.client.post(self.url, {"name": "X", "email": "x@example.org"})
        self.assertEqual(response.status_code, 403)
        self.cardiff.refresh_from_db()
        self.assertEqual(self.cardiff.name, "Cardiff")


class CentralLaTests(PontioTestCase):
    def setUp(self) -> None:
        self.login(self.users["central_admin"])

    def test_central_administrator_sets_up_an_la_from_the_table(self) -> None:
        data = {"la_code": "660", "name": "", "email": "s2s@anglesey.example.gov.uk"}
        response = self.client.post(reverse("directory:la_add"), data)
        self.assertRedirects(
            response, reverse("directory:la_detail", kwargs={"la_code": "660"})
        )
        la = Organisation.objects.get(code="660")
        self.assertEqual((la.kind, la.name), ("la", "Isle of Anglesey"))
        self.assertTrue(la.receive_ctf_copies)
        self.assertTrue(AuditEvent.objects.filter(action="la.created").exists())

    def test_refuses_an_la_already_set_up_or_unknown(self) -> None:
        for code in ("681", "999", "001"):
            with self.subTest(code=code):
                data = {"la_code": code, "email": "s2s@example.gov.uk"}
                response = self.client.post(reverse("directory:la_add"), data)
                self.assertEqual(error_codes(response), {"la_code": ["invalid_choice"]})

    def test_central_administrator_adds_an_las_dba_and_administrators_hear(
        self,
    ) -> None:
        url = reverse("directory:la_user_add", kwargs={"la_code": "838"})
        data = new_user_data(
            organisation="838",
            username="838bsmith",
            email="b.smith@dorset.example.gov.uk",
            role=Role.LA_DBA,
        )
        response = self.client.post(url, data)
        user = User.objects.get(username="838bsmith")
        self.assertRedirects(
            response, reverse("directory:user_detail", kwargs={"code": user.code})
        )
        self.assertEqual((user.organisation, user.role), (self.dorset, Role.LA_DBA))
        self.run_tasks()
        recipients = {m["To"] for m in self.mail()}
        # The invitation goes to the new DBA; the grant to Dorset's DBA and central.
        self.assertEqual(
            recipients,
            {user.email, self.other_dba.email, self.users["central_admin"].email},
        )
        self.assertNotIn(self.users["la_dba"].email, recipients)

    def test_la_detail_lists_its_administrators(self) -> None:
        url = reverse("directory:la_detail", kwargs={"la_code": "681"})
        response = self.client.get(url)
        shown = {user.username for user in response.context["administrators"]}
        self.assertEqual(shown, {"681la_dba", "681la_dba_view_only"})

    def test_central_administrator_updates_an_la(self) -> None:
        url = reverse("directory:la_update", kwargs={"la_code": "838"})
        data = {"name": "Dorset Council", "email": "cts@dorset.example.gov.uk"}
        response = self.client.post(data=data, path=url)
        self.assertRedirects(
            response, reverse("directory:la_detail", kwargs={"la_code": "838"})
        )
        self.dorset.refresh_from_db()
        self.assertEqual(self.dorset.name, "Dorset Council")

    def test_unknown_la_is_not_found(self) -> None:
        for name in ("la_detail", "la_update", "la_user_add"):
            with self.subTest(page=name):
                url = reverse(f"directory:{name}", kwargs={"la_code": "6812003"})
                self.assertEqual(self.client.get(url).status_code, 404)


class UserListCsvTests(PontioTestCase):
    def download(self) -> list[list[str]]:
        self.login(self.users["central_admin"])
        response = self.client.get(reverse("directory:user_list_csv"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("attachment", response["Content-Disposition"])
        body = response.content
        self.assertTrue(body.startswith("\ufeff".encode()))
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))

    def test_lists_every_la_and_school_user_once(self) -> None:
        rows = self.download()
        self.assertEqual(len(rows[0]), 9)
        usernames = [row[3] for row in rows[1:]]
        expected = User.objects.exclude(organisation__kind="central")
        self.assertEqual(sorted(usernames), sorted(u.username for u in expected))
        school_row = next(row for row in rows if row[3] == "6812003office")
        self.assertEqual(school_row[:3], ["681 Cardiff", "6812003", "Ysgol Pen y Bryn"])

    def test_cells_that_look_like_formulas_are_neutralised(self) -> None:
        make_user(
            "681evil",
            self.cardiff,
            Role.LA_USER,
            first_name='=HYPERLINK("http://evil.example")',
            last_name="x",
        )
        for prefix in ("+", "-", "@"):
            make_user(
                f"681evil{ord(prefix)}",
                self.cardiff,
                Role.LA_USER,
                first_name=prefix + "1",
            )
        rows = self.download()
        names = [row[4] for row in rows if row[3].startswith("681evil")]
        self.assertIn('\'=HYPERLINK("http://evil.example") x', names)
        self.assertEqual(
            sorted(n for n in names if not n.startswith("'=")), ["'+1", "'-1", "'@1"]
        )

    def test_the_download_is_in_the_audit_trail(self) -> None:
        rows = self.download()
        event = AuditEvent.objects.get(action="user.list_exported")
        self.assertEqual(event.actor_id, self.users["central_admin"].pk)
        self.assertEqual(event.details["rows"], len(rows) - 1)

    def test_dbas_cannot_download_the_list(self) -> None:
        self.login(self.users["la_dba"])
        response = self.client.get(reverse("directory:user_list_csv"))
        self.assertEqual(response.status_code, 403)
