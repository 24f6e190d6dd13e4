"""Ageing out: records leave once the pupil is past compulsory school age."""

from __future__ import annotations

import datetime

import time_machine
from django_tasks_db.models import DBTaskResult

from pontio.audit.models import AuditEvent
from pontio.lostpupils import tasks
from pontio.lostpupils.indexing import index_lost_pupil
from pontio.lostpupils.models import LostPupilRecord
from pontio.lostpupils.services.schoolage import (
    compulsory_school_age_ends,
    is_past_compulsory_school_age,
    last_friday_in_june,
    past_school_age_if_born_before,
)
from pontio.schedule import SCHEDULE
from pontio.transfers.models import DestructionLogEntry, Transfer
from tests.lostpupils.base import LostPupilTestCase
from tests.lostpupils.test_search import summary

D = datetime.date


def at_noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 12, tzinfo=datetime.UTC)


class SchoolAgeRuleTests(LostPupilTestCase):
    def test_finds_the_last_friday_in_june(self) -> None:
        cases = {2025: D(2025, 6, 27), 2026: D(2026, 6, 26), 2028: D(2028, 6, 30)}
        for year, friday in cases.items():
            with self.subTest(year=year):
                self.assertEqual(last_friday_in_june(year), friday)

    def test_school_age_ends_in_the_school_year_the_pupil_turns_16(self) -> None:
        cases = {
            # Turning 16 between September and August: the same June.
            D(2009, 9, 1): D(2026, 6, 26),
            D(2009, 12, 31): D(2026, 6, 26),
            D(2010, 1, 1): D(2026, 6, 26),
            D(2010, 8, 31): D(2026, 6, 26),
            D(2010, 9, 1): D(2027, 6, 25),
            D(2012, 2, 29): D(2028, 6, 30),
        }
        for born, last_day in cases.items():
            with self.subTest(born=born):
                self.assertEqual(compulsory_school_age_ends(born), last_day)

    def test_the_query_bound_agrees_with_the_rule(self) -> None:
        births = [D(2009, 1, 1) + datetime.timedelta(days=n) for n in range(0, 900, 7)]
        days = [D(2025, 6, 1) + datetime.timedelta(days=n) for n in range(0, 500, 3)]
        for today in days:
            bound = past_school_age_if_born_before(today)
            for born in births:
                self.assertEqual(
                    born < bound,
                    is_past_compulsory_school_age(born, today),
                    (today, born),
                )


class AgeingOutJobTests(LostPupilTestCase):
    def test_removes_records_the_day_after_the_last_friday_in_june(self) -> None:
        leaving = self.record_of(
            self.send_lost_pupil(dob="2010-08-31", number=1)
        )  # last day 26 June 2026
        staying = self.record_of(self.send_lost_pupil(dob="2010-09-01", number=2))
        self.run_job_on(D(2026, 6, 26))
        self.assertEqual(self.states(), {leaving.pk: "open", staying.pk: "open"})
        self.run_job_on(D(2026, 6, 27))
        self.assertEqual(self.states(), {leaving.pk: "removed", staying.pk: "open"})
        leaving.refresh_from_db()
        self.assertEqual(leaving.removal_reason, "past_school_age")
        transfer = Transfer.objects.get(pk=leaving.transfer_id)
        self.assertEqual(transfer.status, Transfer.Status.DELETED)
        self.assertIsNone(transfer.blob_id)
        entry = DestructionLogEntry.objects.get()
        self.assertEqual(entry.reason, DestructionLogEntry.Reason.RETENTION)
        self.assertEqual(entry.la, self.cardiff)
        self.assertIsNone(entry.authorised_by)
        event = AuditEvent.objects.get(action="lostpupil.removed")
        self.assertEqual(event.organisation_code, "681")

    def test_downloaded_records_age_out_too_and_twice_is_harmless(self) -> None:
        record = self.record_of(self.send_lost_pupil(dob="2009-01-15", number=1))
        LostPupilRecord.objects.filter(pk=record.pk).update(
            state="downloaded",
            downloaded_at=record.uploaded_at,
            downloaded_by_la=self.cardiff,
        )
        self.assertEqual(self.run_job_on(D(2026, 1, 5)), 1)
        self.assertEqual(self.run_job_on(D(2026, 1, 6)), 0)
        self.assertEqual(DestructionLogEntry.objects.count(), 1)

    def test_a_record_without_a_file_is_still_logged(self) -> None:
        index_lost_pupil(
            transfer_id=None,
            summary=summary("Jones", dob="2008-03-03"),
            kind="missing",
            school=self.sending_school,
            uploaded_at=at_noon(D(2020, 1, 1)),
        )
        self.assertEqual(self.run_job_on(D(2025, 9, 1)), 1)
        entry = DestructionLogEntry.objects.get()
        self.assertEqual(entry.la, self.dorset)
        self.assertIsNone(entry.transfer)

    def test_the_job_is_in_the_daily_schedule(self) -> None:
        tasks = {job.task: job for job in SCHEDULE}
        job = tasks["pontio.lostpupils.tasks.expire_lost_pupil_records"]
        self.assertIsNotNone(job.daily_at)

    def run_job_on(self, day: datetime.date) -> int:
        with time_machine.travel(at_noon(day), tick=False):
            self.run_tasks()
            queued = tasks.expire_lost_pupil_records.enqueue()
            self.run_tasks()
        result = DBTaskResult.objects.get(pk=queued.id)
        return int(result.return_value)

    def states(self) -> dict[int, str]:
        return dict(LostPupilRecord.objects.values_list("pk", "state"))
