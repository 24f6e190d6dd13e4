"""Who may run which report, and whose data they see."""

from __future__ import annotations

from django.urls import reverse

from pontio.directory.roles import Capability, capabilities_of
from pontio.reports.catalogue import REPORTS
from tests.reports.helpers import MARCH, ReportsTestCase


class ReportAccessTests(ReportsTestCase):
    def test_roles_without_the_capability_are_refused_everywhere(self) -> None:
        for user in (self.users["school"], self.outsider):
            self.login(user)
            for name in REPORTS:
                with self.subTest(user=user.username, report=name):
                    page = self.client.get(reverse("reports:report", args=[name]))
                    self.assertEqual(page.status_code, 403)
                    csv = self.client.get(reverse("reports:csv", args=[name]))
                    self.assertEqual(csv.status_code, 403)
                    api = self.api(user, name)
                    self.assertEqual(api.status_code, 403)
                    self.assertEqual(api.json()["error"]["code"], "forbidden")
            self.assertEqual(self.client.get(reverse("reports:index")).status_code, 403)

    def test_the_message_report_needs_the_message_report_capability(self) -> None:
        for role, user in self.users.items():
            if Capability.RUN_REPORTS not in capabilities_of(role):
                continue
            allowed = Capability.MESSAGE_REPORT in capabilities_of(role)
            with self.subTest(role=role):
                self.assertEqual(
                    self.api(user, "messages").status_code, 200 if allowed else 403
                )
                self.login(user)
                page = self.client.get(reverse("reports:report", args=["messages"]))
                self.assertEqual(page.status_code, 200 if allowed else 403)
                index = self.client.get(reverse("reports:index"))
                self.assertEqual(
                    "messages" in [report.name for report in index.context["reports"]],
                    allowed,
                )

    def test_every_la_role_and_central_administrators_may_run_the_other_reports(
        self,
    ) -> None:
        for role, user in self.users.items():
            if Capability.RUN_REPORTS not in capabilities_of(role):
                continue
            with self.subTest(role=role):
                self.assertEqual(self.api(user, "usage", **MARCH).status_code, 200)

    def test_an_unknown_report_is_not_found(self) -> None:
        self.assertEqual(self.api(self.users["la_user"], "nothing").status_code, 404)
        self.login(self.users["la_user"])
        response = self.client.get(reverse("reports:report", args=["nothing"]))
        self.assertEqual(response.status_code, 404)

    def test_signed_out_visitors_are_sent_to_sign_in(self) -> None:
        response = self.client.get(reverse("reports:report", args=["usage"]))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.api.__name__, "api")
        self.assertEqual(self.client.get("/api/v1/reports/usage").status_code, 401)


class LaIsolationTests(ReportsTestCase):
    def test_an_la_sees_only_its_own_schools(self) -> None:
        self.assertEqual(self.rows(self.other_dba, "file-movements", **MARCH), [])
        for name in ("usage", "school", "lost-pupil-details"):
            with self.subTest(report=name):
                rows = self.rows(self.other_dba, name, **MARCH)
                codes = {
                    value
                    for row in rows
                    for key, value in row.items()
                    if key in {"school", "la"} and value
                }
                self.assertTrue(codes)
                self.assertTrue(all(code.startswith("838") for code in codes), codes)
        surnames = [
            row["surname"]
            for row in self.rows(self.other_dba, "lost-pupil-details", **MARCH)
        ]
        self.assertEqual(surnames, ["Hardy"])
        messages = self.rows(self.other_dba, "messages")
        self.assertEqual({row["school"] for row in messages}, {"8383321", "8384512"})

    def test_asking_for_another_las_data_is_not_found(self) -> None:
        response = self.api(self.users["la_user"], "usage", la="838")
        self.assertEqual(response.status_code, 404)
        self.login(self.users["la_user"])
        page = self.client.get(reverse("reports:report", args=["usage"]), {"la": "838"})
        # An LA officer's form has no LA choice: the parameter is ignored.
        self.assertEqual(page.status_code, 200)
        self.assertEqual(
            {row[1][1] for row in page.context["rows"]} - {""},
            {"681", "6812003", "6812004"},
        )

    def test_another_las_school_is_refused_as_if_unknown(self) -> None:
        for school in ("8383321", "9999999"):
            with self.subTest(school=school):
                response = self.api(self.users["la_user"], "usage", school=school)
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response.json()["error"]["code"], "unknown_school")

    def test_central_administrators_see_wales_not_england(self) -> None:
        rows = self.rows(self.users["central_admin"], "lost-pupil-details", **MARCH)
        self.assertNotIn("Hardy", [row["surname"] for row in rows])
        response = self.api(self.users["central_admin"], "usage", la="838")
        self.assertEqual(response.status_code, 404)
