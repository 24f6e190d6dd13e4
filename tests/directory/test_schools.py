"""School maintenance (seed 002 section 3.8)."""

from __future__ import annotations

from django.urls import reverse

from pontio.audit.models import AuditEvent
from tests.base import PontioTestCase


def school_data(**fields: str) -> dict[str, str]:
    data = {
        "name": "Ysgol Pen y Bryn",
        "town": "Caerdydd",
        "phone": "029 2000 0000",
        "email": "office@penybryn.example.sch.uk",
        "is_active": "on",
    }
    data.update(fields)
    return data


class SchoolListTests(PontioTestCase):
    def test_dba_lists_its_own_schools_only(self) -> None:
        self.login(self.users["la_dba_view_only"])
        response = self.client.get(reverse("directory:schools"))
        codes = [school.code for school in response.context["page"].object_list]
        self.assertEqual(codes, ["6812003", "6812004"])

    def test_school_detail_lists_its_users(self) -> None:
        self.login(self.users["la_dba_view_only"])
        url = reverse("directory:school_detail", kwargs={"estab": "6812003"})
        response = self.client.get(url)
        self.assertContains(response, "6812003office")


class SchoolUpdateTests(PontioTestCase):
    url = reverse("directory:school_update", kwargs={"estab": "6812003"})

    def test_dba_updates_a_schools_details(self) -> None:
        self.login(self.users["la_dba"])
        response = self.client.post(self.url, school_data())
        self.assertRedirects(
            response, reverse("directory:school_detail", kwargs={"estab": "6812003"})
        )
        self.school.refresh_from_db()
        self.assertEqual(self.school.town, "Caerdydd")
        self.assertEqual(self.school.phone, "029 2000 0000")
        event = AuditEvent.objects.get(action="school.updated")
        self.assertEqual(event.object_ref, "6812003")
        self.assertEqual(event.details["fields"], "email,phone,town")

    def test_dba_makes_a_school_inactive(self) -> None:
        self.login(self.users["la_dba"])
        data = school_data()
        del data["is_active"]
        self.client.post(self.url, data)
        self.school.refresh_from_db()
        self.assertFalse(self.school.is_active)

    def test_an_unchanged_form_writes_nothing(self) -> None:
        self.login(self.users["la_dba"])
        data = school_data(town=self.school.town, phone="", email=self.school.email)
        self.client.post(self.url, data)
        self.assertFalse(AuditEvent.objects.filter(action="school.updated").exists())

    def test_refuses_an_empty_name(self) -> None:
        self.login(self.users["la_dba"])
        response = self.client.post(self.url, school_data(name=""))
        self.assertEqual(response.status_code, 200)
        self.assertIn("name", response.context["form"].errors)

    def test_view_only_dba_changes_nothing(self) -> None:
        self.login(self.users["la_dba_view_only"])
        response = self.client.post(self.url, school_data())
        self.assertEqual(response.status_code, 403)
        self.school.refresh_from_db()
        self.assertEqual(self.school.town, "Cardiff")

    def test_another_las_school_is_not_found(self) -> None:
        self.login(self.users["la_dba"])
        url = reverse("directory:school_update", kwargs={"estab": "8383321"})
        self.assertEqual(self.client.post(url, school_data()).status_code, 404)
        self.assertEqual(self.client.get(url).status_code, 404)
