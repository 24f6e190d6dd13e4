"""Date ranges: whole days in Pontio's time zone, a blank "from", checked input."""

from __future__ import annotations

import time_machine
from django.urls import reverse

from tests.reports.helpers import ReportsTestCase


class DateRangeTests(ReportsTestCase):
    def uploaded(self, **query: str) -> dict[str, int]:
        rows = self.rows(self.users["la_user"], "usage", **query)
        return {row["school"]: row["uploaded"] for row in rows}

    def test_a_file_at_23_59_on_the_to_day_is_included(self) -> None:
        self.assertEqual(
            self.uploaded(**{"from": "2025-03-31", "to": "2025-03-31"})["6812003"], 1
        )
        self.assertEqual(
            self.uploaded(**{"from": "2025-03-30", "to": "2025-03-30"})["6812003"], 0
        )

    def test_a_file_at_midnight_after_the_to_day_is_not(self) -> None:
        only_april_first = {"from": "2025-04-01", "to": "2025-04-01"}
        self.assertEqual(self.uploaded(**only_april_first)["6812004"], 1)
        self.assertEqual(self.uploaded(**{"to": "2025-03-31"})["6812004"], 0)

    def test_a_blank_from_starts_at_the_beginning(self) -> None:
        # t5, uploaded on 28 February, joins the four files of March.
        self.assertEqual(self.uploaded(to="2025-03-31")["6812003"], 5)
        self.assertEqual(
            self.uploaded(**{"from": "", "to": "2025-03-31"})["6812003"], 5
        )

    @time_machine.travel("2025-03-15 12:00:00+00:00", tick=False)
    def test_a_blank_to_means_today(self) -> None:
        response = self.api(self.users["la_user"], "usage", **{"from": "2025-03-01"})
        self.assertEqual(response.json()["to"], "2025-03-15")
        rows = {row["school"]: row["uploaded"] for row in response.json()["rows"]}
        self.assertEqual(rows["6812003"], 1)

    def test_from_after_to_is_refused(self) -> None:
        response = self.api(
            self.users["la_user"], "usage", **{"from": "2025-04-01", "to": "2025-03-01"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["error"]["code"], "from_after_to")

    def test_an_impossible_date_is_refused(self) -> None:
        response = self.api(self.users["la_user"], "usage", **{"from": "2025-02-30"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["error"]["code"], "invalid_input")

    def test_the_page_reports_impossible_and_reversed_dates_on_their_fields(
        self,
    ) -> None:
        self.login(self.users["la_user"])
        url = reverse("reports:report", args=["usage"])
        response = self.client.get(
            url, {"start_day": "30", "start_month": "2", "start_year": "2025"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["form"]["start"].errors.as_data()[0].code, "invalid"
        )
        self.assertNotIn("rows", response.context)
        response = self.client.get(
            url,
            {
                "start_day": "2",
                "start_month": "3",
                "start_year": "2025",
                "end_day": "1",
                "end_month": "3",
                "end_year": "2025",
            },
        )
        self.assertEqual(
            response.context["form"]["start"].errors.as_data()[0].code, "from_after_to"
        )

    def test_the_page_runs_the_report_for_the_days_chosen(self) -> None:
        self.login(self.users["la_user"])
        response = self.client.get(
            reverse("reports:report", args=["usage"]),
            {
                "start_day": "31",
                "start_month": "3",
                "start_year": "2025",
                "end_day": "31",
                "end_month": "3",
                "end_year": "2025",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["row_count"], 4)
        self.assertContains(response, 'data-column="uploaded">1<')
