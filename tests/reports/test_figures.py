"""Each report's figures against the known data set of ``tests.reports.helpers``."""

from __future__ import annotations

from typing import Any

from tests.reports.helpers import MARCH, ReportsTestCase


def by_school(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["school"] or "total": row for row in rows}


class UsageReportTests(ReportsTestCase):
    def test_counts_each_schools_uploads_downloads_awaiting_and_rejected_files(
        self,
    ) -> None:
        rows = by_school(self.rows(self.users["la_user"], "usage", **MARCH))
        figures = {
            code: (
                row["uploaded"],
                row["pupils_uploaded"],
                row["downloaded"],
                row["pupils_downloaded"],
                row["awaiting"],
                row["rejected"],
            )
            for code, row in rows.items()
        }
        self.assertEqual(
            figures,
            {
                # Sent t1, t2, t8 and t9 (the generic t7 is not a CTF); t10
                # from Bridgend collected.
                "6812003": (4, 7, 1, 2, 0, 0),
                # t1 collected, t3 rejected; t5, uploaded in February, is not
                # March's although it was collected in March.
                "6812004": (0, 0, 1, 3, 0, 1),
                # t8, sent to the LA's own mailbox, awaits.
                "681": (0, 0, 0, 0, 1, 0),
                "total": (4, 7, 2, 5, 1, 1),
            },
        )

    def test_one_school_alone(self) -> None:
        rows = self.rows(self.users["la_user"], "usage", school="6812004", **MARCH)
        self.assertEqual([row["school"] for row in rows], ["6812004", ""])
        self.assertEqual(rows[0]["downloaded"], 1)

    def test_central_administrators_see_every_welsh_la(self) -> None:
        rows = by_school(self.rows(self.users["central_admin"], "usage", **MARCH))
        self.assertIn("6622001", rows)
        self.assertNotIn("8383321", rows)
        self.assertEqual(rows["6622001"]["uploaded"], 1)
        only_bridgend = self.rows(
            self.users["central_admin"], "usage", la="662", **MARCH
        )
        self.assertEqual(
            [row["school"] for row in only_bridgend], ["662", "6622001", ""]
        )


class SchoolReportTests(ReportsTestCase):
    def test_lists_each_ctf_sent_with_its_destination_and_each_received(
        self,
    ) -> None:
        rows = self.rows(self.users["la_user"], "school", **MARCH)
        seen = [
            (
                row["school"],
                row["direction"],
                row["other"],
                row["status"],
                row["pupils"],
            )
            for row in rows
        ]
        self.assertEqual(
            seen,
            [
                ("6812004", "received", "8383321", "rejected", 1),
                ("6812003", "sent", "6812004", "collected", 3),
                ("6812004", "received", "6812003", "collected", 3),
                ("6812003", "received", "6622001", "collected", 2),
                ("6812003", "sent", "8384512", "awaiting", 2),
            ],
        )
        self.assertEqual(rows[1]["uploaded_at"], "2025-03-10T09:00:00+00:00")
        self.assertEqual(rows[1]["collected_at"], "2025-03-11T10:00:00+00:00")
        self.assertEqual(rows[-1]["other_name"], "Dorchester Middle School")


class ClusterReportTests(ReportsTestCase):
    def pairs(self, rows: list[dict[str, Any]]) -> dict[tuple[str, str], tuple]:
        return {
            (row["from_la"], row["to_la"]): (
                row["files"],
                row["pupils"],
                row["collected"],
                row["awaiting"],
            )
            for row in rows
        }

    def test_counts_files_between_the_las_of_the_cluster(self) -> None:
        rows = self.rows(self.users["la_user"], "la-cluster", las="662", **MARCH)
        self.assertEqual(
            self.pairs(rows),
            # t1 and t8 within Cardiff; t10 from Bridgend.
            {("662", "681"): (1, 2, 1, 0), ("681", "681"): (2, 4, 1, 1)},
        )

    def test_an_english_neighbour_shows_cross_border_files(self) -> None:
        rows = self.rows(self.users["la_user"], "la-cluster", las="838", **MARCH)
        self.assertEqual(
            self.pairs(rows),
            {
                ("681", "681"): (2, 4, 1, 1),
                ("681", "838"): (1, 2, 0, 1),
                ("838", "681"): (1, 1, 0, 0),
                ("838", "838"): (1, 7, 0, 1),
            },
        )

    def test_all_of_wales_counts_every_file_with_a_welsh_end(self) -> None:
        rows = self.rows(self.users["la_user"], "la-cluster", all_wales="true", **MARCH)
        self.assertEqual(
            set(self.pairs(rows)),
            {("662", "681"), ("681", "681"), ("681", "838"), ("838", "681")},
        )

    def test_up_to_nine_other_las(self) -> None:
        codes = ",".join(str(number) for number in range(663, 673))
        response = self.api(self.users["la_user"], "la-cluster", las=codes)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["error"]["code"], "unknown_la")
        for number in range(663, 673):
            from tests.base import make_organisation

            make_organisation("la", str(number), f"LA {number}")
        response = self.api(self.users["la_user"], "la-cluster", las=codes)
        self.assertEqual(response.json()["error"]["code"], "too_many_las")
        nine = ",".join(str(number) for number in range(663, 672))
        self.assertEqual(
            self.api(self.users["la_user"], "la-cluster", las=nine).status_code, 200
        )


class LostPupilNumbersTests(ReportsTestCase):
    def test_counts_uploads_and_downloads_by_age_at_upload_and_sex(self) -> None:
        rows = self.rows(self.users["la_user"], "lost-pupil-numbers", **MARCH)
        self.assertEqual(
            [
                (
                    row["age"],
                    row["sex"],
                    row["uploaded"],
                    row["missing"],
                    row["left_sector"],
                    row["downloaded"],
                )
                for row in rows
            ],
            [(12, "F", 2, 2, 0, 0), (13, "M", 1, 0, 1, 0), (15, "F", 0, 0, 0, 1)],
        )


class LostPupilDetailsTests(ReportsTestCase):
    def surnames(self, **query: Any) -> list[str]:
        rows = self.rows(self.users["la_user"], "lost-pupil-details", **query)
        return [row["surname"] for row in rows]

    def test_lists_missing_leaving_or_both(self) -> None:
        self.assertEqual(self.surnames(**MARCH), ["Evans", "Price", "Owen"])
        self.assertEqual(self.surnames(kind="missing", **MARCH), ["Evans", "Owen"])
        self.assertEqual(self.surnames(kind="left_sector", **MARCH), ["Price"])

    def test_pupils_now_downloaded_follow_resolved_cases(self) -> None:
        rows = self.rows(self.users["la_user"], "lost-pupil-details", downloaded="true")
        self.assertEqual([row["surname"] for row in rows], ["Morgan"])
        self.assertEqual(rows[0]["downloaded_by"], "838")
        self.assertEqual(rows[0]["state"], "downloaded")
        self.assertEqual(rows[0]["date_of_birth"], "2010-01-01")


class FileMovementsTests(ReportsTestCase):
    def test_lists_generic_files_and_files_to_la_mailboxes(self) -> None:
        rows = self.rows(self.users["la_user"], "file-movements", **MARCH)
        self.assertEqual(
            [(row["filename"], row["kind"], row["status"]) for row in rows],
            [
                ("6812003_GEN_6812004_001.zip", "generic", "collected"),
                ("6812003_CTF_681LLLL_001.XML", "ctf", "awaiting"),
            ],
        )
        self.assertEqual(rows[0]["collected_at"], "2025-03-13T09:00:00+00:00")


class MessageReportTests(ReportsTestCase):
    def test_counts_each_schools_unread_messages(self) -> None:
        rows = self.rows(self.users["la_dba"], "messages")
        self.assertEqual(
            {row["school"]: row["unread"] for row in rows},
            {"6812003": 1, "6812004": 0},
        )
