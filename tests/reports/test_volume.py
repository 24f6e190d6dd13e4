"""Large reports: the page shows the first rows, the API pages, the CSV streams."""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pontio.api.reports import PAGE_ROWS
from pontio.directory.models import Organisation
from pontio.reports import access, csvexport, views
from pontio.reports.catalogue import REPORTS, run_report
from pontio.reports.rows import Rows
from pontio.transfers.models import Transfer
from tests.api.helpers import bearer, key_for
from tests.reports.helpers import LONDON, MARCH, ReportsTestCase
from tests.reports.test_csv import as_cell, parse

MARCH_FORM = {
    "start_day": "1",
    "start_month": "3",
    "start_year": "2025",
    "end_day": "31",
    "end_month": "3",
    "end_year": "2025",
}


def make_deleted_transfers(
    count: int, source: Organisation, destination: Organisation, **fields: Any
) -> None:
    """``count`` CTFs between two schools in March 2025, long since deleted."""
    start = datetime.datetime(2025, 3, 1, 8, 0, tzinfo=LONDON)
    Transfer.objects.bulk_create(
        Transfer(
            filename=f"{source.code}_CTF_{destination.code}_{number:03}.XML",
            kind=fields.get("kind", Transfer.Kind.CTF),
            route=Transfer.Route.SCHOOL,
            status=Transfer.Status.DELETED,
            source=source,
            source_code=source.code,
            source_la=source.la,
            destination=destination,
            destination_code=destination.code,
            destination_la=destination.la,
            uploaded_by=fields["uploaded_by"],
            # Every 37 minutes through March; some at the same minute as others.
            uploaded_at=start + datetime.timedelta(minutes=37 * (number // 2)),
            collected_at=start + datetime.timedelta(days=1),
            deleted_at=start + datetime.timedelta(days=30),
            pupil_count=1 + number % 5,
            size=100,
            sha256=secrets.token_hex(32),
        )
        for number in range(count)
    )


class LargeReportTestCase(ReportsTestCase):
    """The known data set and 1,100 more files within Cardiff in March, and 60
    from Cardiff to Bridgend."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        by = cls.users["school"]
        make_deleted_transfers(1100, cls.school, cls.school2, uploaded_by=by)
        make_deleted_transfers(60, cls.school2, cls.bridgend_school, uploaded_by=by)
        make_deleted_transfers(
            30, cls.school, cls.school2, uploaded_by=by, kind=Transfer.Kind.GENERIC
        )

    def page(self, name: str) -> Any:
        self.login(self.users["la_user"])
        return self.client.get(reverse("reports:report", args=[name]), MARCH_FORM)

    def rows_of(self, name: str) -> Rows:
        user = self.users["la_user"]
        params = access.build_params(
            user,
            REPORTS[name],
            start=datetime.date(2025, 3, 1),
            end=datetime.date(2025, 3, 31),
        )
        return run_report(REPORTS[name], params, actor=user, output="csv")

    def csv_rows(self, name: str) -> list[list[str]]:
        response = self.api(self.users["la_user"], name, format="csv", **MARCH)
        return parse(response.getvalue())


class PageCapTests(LargeReportTestCase):
    def test_the_page_shows_the_first_rows_and_how_many_there_are(self) -> None:
        response = self.page("school")
        total = len(self.csv_rows("school")) - 1
        # Each file within Cardiff is a row for its sender and its recipient.
        self.assertGreater(total, 2 * 1100)
        self.assertEqual(len(response.context["rows"]), views.MAX_PAGE_ROWS)
        self.assertEqual(response.context["row_count"], total)
        self.assertTrue(response.context["truncated"])
        self.assertContains(response, 'id="truncated"')
        self.assertContains(response, f"{total:,}")
        self.assertContains(response, 'id="csv-download"')

    def test_the_page_shows_the_csv_files_first_rows_in_its_order(self) -> None:
        response = self.page("school")
        shown = [[value for _column, value in row] for row in response.context["rows"]]
        first = self.csv_rows("school")[1 : views.MAX_PAGE_ROWS + 1]
        # The page names the school numbers and pupils as the file does.
        self.assertEqual([row[1] for row in shown], [row[1] for row in first])
        self.assertEqual([str(row[8]) for row in shown], [row[8] for row in first])

    def test_the_page_reads_no_more_rows_than_it_shows(self) -> None:
        self.page("school")  # Sign-in and session queries out of the way.
        with CaptureQueriesContext(connection) as captured:
            self.page("school")
        reads = [
            query["sql"]
            for query in captured.captured_queries
            if '"destination_code"' in query["sql"] and "COUNT(" not in query["sql"]
        ]
        self.assertTrue(reads)
        for sql in reads:
            self.assertIn(f"LIMIT {views.MAX_PAGE_ROWS + 1}", sql)

    def test_a_short_report_is_shown_whole_without_a_note(self) -> None:
        response = self.page("file-movements")
        self.assertEqual(response.context["row_count"], 32)
        self.assertEqual(len(response.context["rows"]), 32)
        self.assertFalse(response.context["truncated"])
        self.assertNotContains(response, 'id="truncated"')


class ApiPagingTests(LargeReportTestCase):
    def test_following_next_gives_every_row_of_the_csv_file_once(self) -> None:
        make_deleted_transfers(
            PAGE_ROWS // 2, self.school, self.school2, uploaded_by=self.sender
        )
        table = self.csv_rows("school")
        key = bearer(key_for(self.users["la_user"]))
        response = self.api(self.users["la_user"], "school", **MARCH)
        pages = [response.json()]
        while pages[-1]["next"]:
            self.assertLessEqual(len(pages), 5)
            response = self.client.get(pages[-1]["next"], **key)
            self.assertEqual(response.status_code, 200)
            pages.append(response.json())
        self.assertEqual(len(pages), 2)
        self.assertEqual(len(pages[0]["rows"]), PAGE_ROWS)
        self.assertEqual([page["page"] for page in pages], [1, 2])
        self.assertEqual([page["count"] for page in pages], [len(table) - 1] * 2)
        columns = pages[0]["columns"]
        rows = [row for page in pages for row in page["rows"]]
        self.assertEqual(
            [[as_cell(row[key]) for key in columns] for row in rows], table[1:]
        )

    def test_a_short_report_is_one_page(self) -> None:
        data = self.api(self.users["la_user"], "usage", **MARCH).json()
        self.assertEqual((data["count"], data["page"]), (len(data["rows"]), 1))
        self.assertIsNone(data["next"])

    def test_a_page_past_the_end_is_empty_and_still_counts_every_row(self) -> None:
        data = self.api(self.users["la_user"], "school", page=9, **MARCH).json()
        self.assertEqual(data["rows"], [])
        self.assertIsNone(data["next"])
        self.assertEqual(data["count"], len(self.csv_rows("school")) - 1)

    def test_page_zero_is_refused(self) -> None:
        response = self.api(self.users["la_user"], "school", page=0, **MARCH)
        self.assertIn(response.status_code, (400, 422))

    def test_a_huge_page_number_is_refused_not_a_server_error(self) -> None:
        response = self.api(self.users["la_user"], "school", page=10**20, **MARCH)
        self.assertIn(response.status_code, (400, 422))
        self.assertIn("error", response.json())

    def test_the_schema_describes_the_paging(self) -> None:
        schema = self.client.get("/api/v1/openapi.json").json()
        operation = schema["paths"]["/api/v1/reports/{name}"]["get"]
        self.assertIn("next", operation["description"])
        self.assertIn(
            "page", [parameter["name"] for parameter in operation["parameters"]]
        )


class StreamedCsvTests(LargeReportTestCase):
    def test_every_download_streams(self) -> None:
        self.login(self.users["la_dba"])
        for name in REPORTS:
            with self.subTest(report=name):
                query = {**MARCH_FORM, "las": "662"} if name == "la-cluster" else {}
                page = self.client.get(
                    reverse("reports:csv", args=[name]), query or MARCH_FORM
                )
                api = self.api(self.users["la_dba"], name, format="csv", **MARCH)
                self.assertIsInstance(page, StreamingHttpResponse)
                self.assertIsInstance(api, StreamingHttpResponse)

    def test_the_streamed_file_is_the_file_written_at_once(self) -> None:
        for name in ("school", "file-movements", "usage", "lost-pupil-details"):
            with self.subTest(report=name):
                headings = [str(column.label) for column in REPORTS[name].columns]
                whole = csvexport.csv_text(headings, list(self.rows_of(name)))
                response = self.api(self.users["la_user"], name, format="csv", **MARCH)
                self.assertEqual(response.getvalue(), whole.encode("utf-8"))

    def test_a_large_file_comes_in_pieces(self) -> None:
        response = self.api(self.users["la_user"], "school", format="csv", **MARCH)
        pieces = list(response.streaming_content)
        lines = sum(piece.count(b"\r\n") for piece in pieces)
        self.assertGreater(lines, 2 * 1100)
        # The headings, then a piece of at most LINES_PER_CHUNK rows at a time.
        self.assertGreaterEqual(len(pieces), 1 + lines // csvexport.LINES_PER_CHUNK)
        self.assertTrue(pieces[0].startswith(b"\xef\xbb\xbf"))


class MergedRowsTests(LargeReportTestCase):
    def test_sent_and_received_files_merge_in_date_school_and_direction_order(
        self,
    ) -> None:
        rows = self.rows_of("school")
        every = list(rows)
        self.assertEqual(every, sorted(every, key=lambda row: (row[0], row[1], row[3])))
        self.assertEqual(rows.count(), len(every))

    def test_any_window_is_the_same_slice_of_every_row(self) -> None:
        rows = self.rows_of("school")
        every = list(rows)
        for offset, limit in ((0, 1), (0, 1000), (999, 3), (2100, 1000), (10**6, 5)):
            with self.subTest(offset=offset, limit=limit):
                self.assertEqual(
                    rows.window(offset, limit), every[offset : offset + limit]
                )

    def test_file_movements_are_read_without_their_ordering_id(self) -> None:
        rows = list(self.rows_of("file-movements"))
        self.assertEqual({len(row) for row in rows}, {7})
        self.assertEqual(rows, sorted(rows, key=lambda row: row[0]))

    def test_merging_queries_needs_their_order(self) -> None:
        with self.assertRaises(ValueError):
            Rows(queries=[Transfer.objects.values_list("id")] * 2)
