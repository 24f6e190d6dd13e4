"""Retention: collected files go after 60 days, uncollected ones stay, and every
deletion is in the LA's destruction log."""

from __future__ import annotations

import datetime

import time_machine
from django.test import override_settings
from django.utils import timezone

from pontio.audit.models import AuditEvent
from pontio.transfers import queries, services, tasks
from pontio.transfers.models import DestructionLogEntry, StoredBlob, Transfer
from tests.transfers.helpers import HubTestCase


class RetentionTests(HubTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.collected = self.school_ctf(1)
        self.waiting = self.school_ctf(2)
        services.download_transfer(self.collected, actor=self.school2_user).close()
        self.collected.refresh_from_db()
        assert self.collected.collected_at is not None
        self.collected_at = self.collected.collected_at

    def run_retention_at(self, moment: datetime.datetime) -> int:
        with time_machine.travel(moment, tick=False):
            return services.apply_retention()

    def test_keeps_a_collected_file_for_60_days(self) -> None:
        day_59 = self.collected_at + datetime.timedelta(days=59)
        self.assertEqual(self.run_retention_at(day_59), 0)
        self.collected.refresh_from_db()
        self.assertEqual(self.collected.status, Transfer.Status.COLLECTED)

    def test_deletes_a_collected_file_after_60_days_and_logs_it(self) -> None:
        day_60 = self.collected_at + datetime.timedelta(days=60, seconds=1)
        self.assertEqual(self.run_retention_at(day_60), 1)
        self.collected.refresh_from_db()
        self.assertEqual(self.collected.status, Transfer.Status.DELETED)
        self.assertIsNone(self.collected.deleted_by)
        self.assertIsNone(self.collected.blob)
        self.assertFalse(self.collected.pupils.exists())
        self.assertEqual(StoredBlob.objects.count(), 1)  # the waiting file's
        entry = DestructionLogEntry.objects.get()
        self.assertEqual(entry.reason, DestructionLogEntry.Reason.RETENTION)
        self.assertEqual(entry.authorising_officer, "")
        self.assertTrue(entry.authority)
        self.assertEqual(entry.la, self.cardiff)
        event = AuditEvent.objects.get(action="transfer.deleted")
        self.assertIsNone(event.actor_id)
        self.assertEqual(event.details["reason"], "retention")

    def test_keeps_an_uncollected_file_however_old(self) -> None:
        years_later = timezone.now() + datetime.timedelta(days=3650)
        self.run_retention_at(years_later)
        self.waiting.refresh_from_db()
        self.assertEqual(self.waiting.status, Transfer.Status.AWAITING)
        self.assertIsNotNone(self.waiting.blob)

    @override_settings(TRANSFER_RETENTION_DAYS=10)
    def test_the_period_is_configurable(self) -> None:
        day_11 = self.collected_at + datetime.timedelta(days=11)
        self.assertEqual(self.run_retention_at(day_11), 1)

    def test_a_second_run_deletes_nothing_more(self) -> None:
        later = self.collected_at + datetime.timedelta(days=61)
        self.run_retention_at(later)
        self.assertEqual(self.run_retention_at(later), 0)
        self.assertEqual(DestructionLogEntry.objects.count(), 1)

    def test_runs_as_a_task(self) -> None:
        later = self.collected_at + datetime.timedelta(days=61)
        with time_machine.travel(later, tick=False):
            tasks.apply_retention.enqueue()
            self.run_tasks()
        self.collected.refresh_from_db()
        self.assertEqual(self.collected.status, Transfer.Status.DELETED)


class DestructionLogTests(HubTestCase):
    def test_the_la_sees_its_own_log_only(self) -> None:
        transfer = self.school_ctf()
        services.reject_transfer(transfer, actor=self.school2_user, reason="No")
        mine = list(queries.destruction_log(self.users["la_user"]))
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine[0].file_reference, str(transfer.code))
        self.assertIn(transfer.filename, mine[0].description)
        self.assertEqual(list(queries.destruction_log(self.other_dba)), [])
