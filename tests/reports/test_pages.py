"""The report pages: choices, table, chart and download link."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from pontio.audit.models import AuditEvent
from pontio.reports.catalogue import REPORTS
from tests.reports.helpers import ReportsTestCase

MARCH_FORM = {
    "start_day": "1",
    "start_month": "3",
    "start_year": "2025",
    "end_day": "31",
    "end_month": "3",
    "end_year": "2025",
}


class ReportPageTests(ReportsTestCase):
    def page(self, name: str, **extra: str) -> object:
        return self.client.get(
            reverse("reports:report", args=[name]), {**MARCH_FORM, **extra}
        )

    def test_the_index_lists_every_report_the_role_may_run(self) -> None:
        self.login(self.users["la_dba"])
        response = self.client.get(reverse("reports:index"))
        self.assertEqual(
            [report.name for report in response.context["reports"]], list(REPORTS)
        )
        for name in REPORTS:
            self.assertContains(response, reverse("reports:report", args=[name]))

    def test_the_first_visit_shows_the_choices_only(self) -> None:
        self.login(self.users["la_user"])
        response = self.client.get(reverse("reports:report", args=["usage"]))
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("rows", response.context)
        self.assertContains(response, 'name="start_day"')

    def test_every_report_renders_in_english_and_welsh(self) -> None:
        self.login(self.users["la_dba"])
        for language in ("en", "cy"):
            for name in REPORTS:
                extra = {"las": "662"} if name == "la-cluster" else {}
                with (
                    self.subTest(report=name, language=language),
                    translation.override(language),
                ):
                    response = self.page(name, **extra)
                    self.assertEqual(response.status_code, 200)
                    self.assertTrue(response.context["rows"])
                    self.assertContains(response, 'id="csv-download"')
                    self.assertNotContains(response, "style=")
                    self.assertNotContains(response, "<script>")

    def test_charts_are_accessible_svg(self) -> None:
        self.login(self.users["la_dba"])
        for name, extra in (
            ("usage", {}),
            ("school", {}),
            ("la-cluster", {"las": "662"}),
            ("lost-pupil-numbers", {}),
        ):
            with self.subTest(report=name):
                html = self.page(name, **extra).content.decode()
                self.assertIn('role="img"', html)
                self.assertIn('aria-labelledby="chart-', html)
                self.assertIn("<title id=", html)
                self.assertIn("<desc id=", html)
        ages = self.page("lost-pupil-numbers").content.decode()
        # The description states the figures: 2 uploaded aged 12.
        self.assertRegex(ages, r"<desc id=\"chart-ages-desc\">12; [^<]* 2;")

    def test_the_all_wales_cluster_page_offers_the_csv_file_only(self) -> None:
        self.login(self.users["central_admin"])
        response = self.page("la-cluster", all_wales="on")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["csv_only"])
        self.assertNotContains(response, 'id="report"')
        self.assertContains(response, 'id="csv-download"')
        download = self.client.get(response.context["csv_url"])
        self.assertEqual(download.status_code, 200)
        self.assertIn(b"838", download.getvalue())

    def test_a_cluster_of_too_many_las_is_an_error_on_its_field(self) -> None:
        self.login(self.users["la_user"])
        response = self.page("la-cluster", las="999")
        self.assertEqual(
            response.context["form"]["las"].errors.as_data()[0].code, "unknown_la"
        )


class ReportAuditTests(ReportsTestCase):
    def test_runs_with_pupils_details_are_recorded(self) -> None:
        self.login(self.users["la_user"])
        self.client.get(
            reverse("reports:report", args=["lost-pupil-details"]), MARCH_FORM
        )
        self.client.get(reverse("reports:csv", args=["lost-pupil-details"]), MARCH_FORM)
        self.api(self.users["la_user"], "lost-pupil-details", kind="missing")
        events = AuditEvent.objects.filter(action="report.viewed").order_by("seq")
        self.assertEqual(
            [(event.details["report"], event.details["output"]) for event in events],
            [
                ("lost-pupil-details", "page"),
                ("lost-pupil-details", "csv"),
                ("lost-pupil-details", "json"),
            ],
        )
        self.assertEqual(events[0].details["rows"], 3)
        self.assertEqual(events[0].actor_id, self.users["la_user"].pk)
        self.assertEqual(events[2].details["kind"], "missing")

    def test_runs_of_figures_alone_are_not(self) -> None:
        self.login(self.users["la_user"])
        self.client.get(reverse("reports:report", args=["usage"]), MARCH_FORM)
        self.assertFalse(AuditEvent.objects.filter(action="report.viewed").exists())


class ChartTests(ReportsTestCase):
    def test_labels_and_names_are_escaped(self) -> None:
        from pontio.reports.charts import BarChart, Series, render

        svg = render(
            BarChart(
                key="test",
                title="<script>alert(1)</script>",
                labels=("<b>", "ok"),
                series=(Series('"><img src=x>', (3, 0)),),
            )
        )
        self.assertNotIn("<script>", svg)
        self.assertNotIn("<b>", svg)
        self.assertNotIn("<img", svg)
        self.assertIn("&lt;script&gt;", svg)
        self.assertNotIn("style", svg)
        self.assertEqual(svg.count("<rect"), 3)  # a legend key and two bars
